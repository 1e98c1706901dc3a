//! The compiled-trace API around the code: patch errors are typed and
//! printable, the compiler reports its target and counts every trace the
//! register allocator refused, and the frame size is what each strategy
//! promises.

use bumpalo::Bump;
use jit_core::backend::{CompileError, Compiler, PatchError, Target};
use jit_core::ir::testgen::{self, GenConfig, Rng, TestFunctions, TestHeap};
use jit_core::ir::{IntBinOp, Trace, TraceBuilder, Type, Val, WordSize};
use jit_core::memory::MemoryError;
use jit_core::x86::EncodeError;
use os_glue::unix::UnixMemory;

/// `y = x + 1; guard y > 1 [y]; finish y`: exit 0 a guard, exit 1 a finish.
fn guarded() -> Trace {
    let mut b = TraceBuilder::new(WordSize::W64);
    let x = b.input(Type::Int);
    let one = b.const_int(1);
    let y = b.int_bin(IntBinOp::Add, x, one);
    let c = b.int_bin(IntBinOp::Gt, y, one);
    b.guard_true(c, 7, &[Some(y)]);
    b.finish(&[y], 0);
    b.build().expect("valid trace")
}

#[test]
fn redirecting_a_finish_an_unknown_exit_or_too_far_is_a_typed_error() {
    let bump = Bump::new();
    let mut c = Compiler::new(Target::SysV64)
        .compile(&guarded(), UnixMemory::new(), &bump)
        .expect("compile");
    assert_eq!(c.num_exits(), 2);
    let stub = c.stub_address(0).expect("exit 0 is a guard");
    assert_eq!(c.stub_address(1), None, "exit 1 is a finish");
    assert_eq!(c.redirect_exit(1, stub), Err(PatchError::NoSuchGuard));
    assert_eq!(c.redirect_exit(2, stub), Err(PatchError::NoSuchGuard));
    let far = stub.wrapping_add(1 << 40);
    assert_eq!(c.redirect_exit(0, far), Err(PatchError::OutOfRange));
    // The refused redirects left the code intact: the guard still exits.
    // SAFETY: the trace reads no memory and calls nothing.
    let failed = unsafe { c.execute(&[Val::Int(-3)]) }.expect("execute");
    assert!(failed.same(&jit_core::ir::Outcome::GuardFailed {
        id: 7,
        values: vec![Some(Val::Int(-2))]
    }));
    for (e, text) in [
        (PatchError::NoSuchGuard, "no guard exit with that index"),
        (PatchError::OutOfRange, "redirect target out of rel32 range"),
        (
            PatchError::Memory(MemoryError::WrongState),
            "patching failed: ",
        ),
    ] {
        assert!(e.to_string().starts_with(text), "{e:?}: {e}");
        let _: &dyn std::error::Error = &e;
    }
}

#[test]
fn encoder_errors_become_compile_errors_with_their_message() {
    let e = CompileError::from(EncodeError::BadIndex);
    assert_eq!(e, CompileError::Encode(EncodeError::BadIndex));
    assert_eq!(
        e.to_string(),
        format!("encoder error: {}", EncodeError::BadIndex)
    );
}

#[test]
fn the_compiler_reports_its_target_and_counts_every_allocator_refusal() {
    let funcs = TestFunctions::new();
    let bump = Bump::new();
    for target in Target::ALL {
        let word = target.word();
        let compiler = Compiler::new(target);
        assert_eq!(compiler.target(), target);
        assert_eq!(Compiler::all_slots(target).target(), target);
        assert!(compiler.verifier(), "the verifier is on by default");
        let fast = compiler.with_verifier(false);
        assert!(!fast.verifier());
        let mut cfg = GenConfig::all(word, 40);
        cfg.calls = word == WordSize::W64;
        let (mut refused, mut frames) = (0, 0);
        // Other tests of this binary do not compile concurrently with
        // `Compiler::new` in a way that could fall back; count a lower bound.
        let before = Compiler::fallbacks();
        for seed in 1..=120 {
            let mut rng = Rng::new(seed);
            let mut heap = TestHeap::new(word, 4, &mut rng);
            let g = testgen::generate(&mut rng, &mut heap, &funcs, &cfg).expect("generator");
            let ra = compiler
                .compile(&g.trace, UnixMemory::new(), &bump)
                .expect("compile");
            refused += usize::from(!ra.register_allocated());
            // The verifier checks; it never changes the code.
            let unverified = fast
                .compile(&g.trace, UnixMemory::new(), &bump)
                .expect("compile");
            assert_eq!(unverified.code(), ra.code(), "{target:?} seed {seed}");
            let slots = Compiler::all_slots(target)
                .compile(&g.trace, UnixMemory::new(), &bump)
                .expect("compile");
            assert!(!slots.register_allocated());
            // All slots: the fixed area (save slots, two pointers, two
            // scratch slots) and one 8-byte slot per value, 16-byte aligned.
            assert_eq!(slots.frame_size() % 16, 0);
            assert!(
                slots.frame_size() as usize >= 88 + 8 * g.trace.num_values(),
                "{target:?} seed {seed}: frame {} for {} values",
                slots.frame_size(),
                g.trace.num_values()
            );
            if ra.register_allocated() {
                frames += 1;
                assert_eq!(ra.frame_size() % 16, 0);
                // Win64 keeps 16-byte save slots for xmm6..xmm15.
                let fixed = if target == Target::Win64 { 256 } else { 88 };
                assert!(ra.frame_size() >= fixed, "{target:?} seed {seed}");
                // Every save slot lies inside the frame.
                for s in ra.saved_registers() {
                    assert!(s.offset < 0 && -s.offset <= ra.frame_size() as i32);
                }
            }
        }
        assert!(
            Compiler::fallbacks() - before >= refused,
            "{target:?}: {refused} refusals not counted"
        );
        assert!(frames > 0);
    }
}
