//! Traces compiled into a shared [`CodeArena`]: many traces live in one
//! reservation at once, each runs exactly as the interpreter says, exits
//! can be redirected (patching reopens only that trace's pages), a full
//! arena is a typed error, and dropping every trace frees all its space.
//! Both the mprotect provider and the dual-mapped one (code written through
//! one view, run from another) are exercised.

use bumpalo::Bump;
use jit_core::backend::{CompileError, Compiler, Target};
use jit_core::ir::interp::run;
use jit_core::ir::testgen::{self, GenConfig, Rng, TestCalls, TestFunctions, TestHeap};
use jit_core::ir::{Trace, WordSize};
use jit_core::memory::{CodeArena, ExecutableMemory, MemoryError, Placement};
use os_glue::dual::DualMappedMemory;
use os_glue::unix::UnixMemory;

fn arena(bytes: usize) -> CodeArena<UnixMemory> {
    CodeArena::new(UnixMemory::new(), bytes, Placement::Anywhere).expect("arena")
}

fn dual_arena(bytes: usize) -> CodeArena<DualMappedMemory> {
    CodeArena::new(DualMappedMemory::new(), bytes, Placement::Anywhere).expect("arena")
}

#[test]
fn many_live_traces_share_one_arena_and_match_the_interpreter() {
    live_traces_match_the_interpreter(&arena(64 << 20), 300);
}

#[test]
fn many_live_traces_share_one_dual_mapped_arena_and_match_the_interpreter() {
    live_traces_match_the_interpreter(&dual_arena(64 << 20), 100);
}

fn live_traces_match_the_interpreter<M: ExecutableMemory>(arena: &CodeArena<M>, seeds: u64) {
    let compiler = Compiler::new(Target::SysV64);
    let funcs = TestFunctions::new();
    let mut cfg = GenConfig::all(WordSize::W64, 24);
    cfg.calls = false;
    let mut bump = Bump::new();
    let mut live = Vec::new();
    for seed in 0..seeds {
        let mut rng = Rng::new(seed);
        let mut heap = TestHeap::new(cfg.word, 4, &mut rng);
        let g = testgen::generate(&mut rng, &mut heap, &funcs, &cfg).expect("generator");
        let start = heap.snapshot();
        let mut calls = TestCalls::new(cfg.word, &funcs);
        // SAFETY: generated traces touch only their own heap.
        let expected = unsafe { run(&g.trace, &g.inputs, &mut calls, 10_000_000) }.unwrap();
        let after = heap.snapshot();
        heap.restore(&start);
        bump.reset();
        let c = compiler.compile(&g.trace, arena, &bump).expect("compile");
        // SAFETY: as above.
        let got = unsafe { c.execute(&g.inputs) }.expect("execute");
        assert!(got.same(&expected), "seed {seed}: {got:?} != {expected:?}");
        assert!(heap.snapshot() == after, "seed {seed}: memory differs");
        live.push(c);
    }
    assert_eq!(arena.live_blocks(), live.len());
    // Every trace has its own pages inside the arena.
    let mut spans: Vec<_> = live
        .iter()
        .map(|c| (c.block().addr(), c.block().capacity()))
        .collect();
    spans.sort_unstable();
    for w in spans.windows(2) {
        assert!(w[0].0 + w[0].1 <= w[1].0, "overlapping blocks {w:?}");
    }
    // Blocks run inside the arena's run view (`run` bytes after its start).
    let run = live[0].block().addr() - live[0].block().region().addr();
    assert!(spans[0].0 >= arena.addr() + run);
    let last = spans[spans.len() - 1];
    assert!(last.0 + last.1 <= arena.addr() + run + arena.capacity());
    drop(live);
    assert_eq!(arena.live_blocks(), 0);
    assert_eq!(arena.used(), 0);
}

/// `x = input + 1; guard x > 1 [x]; finish x`, for redirecting its guard.
fn guarded() -> Trace {
    use jit_core::ir::{IntBinOp, TraceBuilder, Type};
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
fn exits_of_traces_in_an_arena_can_be_redirected() {
    redirect_exits(&arena(1 << 20));
}

#[test]
fn exits_of_traces_in_a_dual_mapped_arena_are_redirected_at_their_run_address() {
    redirect_exits(&dual_arena(1 << 20));
}

fn redirect_exits<M: ExecutableMemory>(arena: &CodeArena<M>) {
    use jit_core::ir::{Outcome, Val};
    let bump = Bump::new();
    let compiler = Compiler::new(Target::SysV64);
    let mut a = compiler.compile(&guarded(), arena, &bump).unwrap();
    let b = compiler.compile(&guarded(), arena, &bump).unwrap();
    // Send a's failing guard to b's stub (the same exit shape), run, undo.
    let (a_stub, b_stub) = (a.stub_address(0).unwrap(), b.stub_address(0).unwrap());
    a.redirect_exit(0, b_stub).unwrap();
    // SAFETY: the trace reads no memory and calls nothing.
    let failed = unsafe { a.execute(&[Val::Int(-5)]) }.unwrap();
    assert!(
        matches!(failed, Outcome::GuardFailed { id: 7, .. }),
        "{failed:?}"
    );
    a.redirect_exit(0, a_stub).unwrap();
    // SAFETY: as above.
    let done = unsafe { a.execute(&[Val::Int(5)]) }.unwrap();
    assert!(done.same(&Outcome::Finish {
        id: 0,
        values: vec![Val::Int(6)]
    }));
    // b was not disturbed by patching a.
    // SAFETY: as above.
    let done = unsafe { b.execute(&[Val::Int(1)]) }.unwrap();
    assert!(done.same(&Outcome::Finish {
        id: 0,
        values: vec![Val::Int(2)]
    }));
}

#[test]
fn a_full_arena_is_a_typed_compile_error_and_space_comes_back() {
    let arena = arena(4096);
    let bump = Bump::new();
    let compiler = Compiler::new(Target::SysV64);
    let t = guarded();
    let first = compiler.compile(&t, &arena, &bump).unwrap();
    let pages = arena.used();
    let mut held = vec![first];
    let err = loop {
        match compiler.compile(&t, &arena, &bump) {
            Ok(c) => held.push(c),
            Err(e) => break e,
        }
        assert!(held.len() <= arena.capacity() / pages, "arena never fills");
    };
    assert_eq!(err, CompileError::Memory(MemoryError::ArenaFull));
    assert_eq!(err.to_string(), "executable memory error: code arena full");
    // The last trace's space is reused at once.
    held.pop();
    assert!(compiler.compile(&t, &arena, &bump).is_ok());
    drop(held);
    assert_eq!(arena.used(), 0);
}
