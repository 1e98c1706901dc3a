//! x86-32 cdecl backend, executed for real through the compat-mode gate:
//! random valid 32-bit traces (ints, floats, memory below 4 GiB, guards,
//! loops) must end exactly as the reference interpreter says; and calls from
//! 32-bit code reach 64-bit Rust through reverse stubs.

use bumpalo::Bump;
use jit_core::backend::{CompileError, CompiledTrace, Compiler, Exit, Target};
use jit_core::ir::interp::run;
use jit_core::ir::testgen::{
    self, CALL_DIGEST, GenConfig, Rng, TestCalls, TestFunctions, TestHeap,
};
use jit_core::ir::{Callee, RetType, Signature, Trace, TraceBuilder, Type, Val, WordSize};
use jit_core::memory::ExecutableMemory;
use os_glue::gate32::{Gate32, LowBuffer};
use os_glue::unix::UnixMemory;
use std::sync::atomic::Ordering;

/// Traces per run (release builds run more).
const TRACES: u64 = if cfg!(debug_assertions) { 1000 } else { 10_000 };

/// Runs compiled 32-bit code through `gate`, with inputs and the deopt
/// buffer placed in `scratch` (below 4 GiB).
fn run32<M: ExecutableMemory>(
    gate: &Gate32,
    scratch: &mut LowBuffer,
    compiled: &CompiledTrace<M>,
    inputs: &[Val],
) -> Exit {
    let n_in = inputs.len().max(1);
    let words = n_in + compiled.deopt_words();
    assert!(words * 8 <= scratch.len(), "scratch buffer too small");
    let base = scratch.addr32();
    // SAFETY: the buffer is 8-byte aligned (page aligned), at least `words` u64 long,
    // and nothing else uses it while this function runs.
    let all = unsafe { std::slice::from_raw_parts_mut(scratch.as_ptr() as *mut u64, words) };
    let (ins, deopt) = all.split_at_mut(n_in);
    compiled.encode_inputs(inputs, ins).expect("inputs");
    deopt.fill(0);
    let entry = u32::try_from(compiled.entry_address()).expect("code below 4 GiB");
    // SAFETY: the code is cdecl 32-bit code below 4 GiB following the entry
    // convention; it touches only the test heap and scratch buffer (below 4 GiB).
    let index = unsafe { gate.call32(entry, &[base, base + 8 * n_in as u32]) }.expect("gate");
    compiled.decode_exit(index as u32, deopt).expect("exit")
}

// 32-bit-callable wrappers of the generator's 64-bit test functions (reached
// through reverse stubs: `u32` arguments, result in EDX:EAX). Functions with
// float arguments or results, or more than six argument words, are left out.
extern "C" fn w_mix(a: u32, b: u32) -> u64 {
    testgen::tf_mix(a as i32 as i64, b as i32 as i64) as u64
}
extern "C" fn w_obj(r: u32, b: u32) -> u64 {
    testgen::tf_obj(r as usize, b as i32 as i64) as u64
}
extern "C" fn w_i8(a: u32) -> u64 {
    testgen::tf_narrow_i8(a as i32 as i64) as u8 as u64 | 0xdead_0000
}
extern "C" fn w_u16(a: u32) -> u64 {
    testgen::tf_narrow_u16(a as i32 as i64) as u64 | 0xbeef_0000
}
extern "C" fn w_effect() -> u64 {
    testgen::tf_effect();
    0
}
extern "C" fn w_log(a: u32) -> u64 {
    testgen::tf_log(a as i32 as i64);
    0
}
extern "C" fn w_same_ref(r: u32) -> u64 {
    testgen::tf_same_ref(r as usize) as u64
}

/// The generator's menu with 32-bit stubs in place of the wrapped functions.
/// Function `k` must stay at position `k` (the interpreter's handler picks
/// the behaviour by position), so the slots of functions that cannot be
/// wrapped hold copies of function 0, whose first occurrence is position 0.
fn menu32(gate: &mut Gate32) -> TestFunctions {
    let all = TestFunctions::new();
    let mix = gate
        .reverse_stub(w_mix as extern "C" fn(u32, u32) -> u64)
        .unwrap();
    let stubs: [(usize, u32); 11] = [
        (0, mix),
        (0, mix),
        (
            2,
            gate.reverse_stub(w_obj as extern "C" fn(u32, u32) -> u64)
                .unwrap(),
        ),
        (
            3,
            gate.reverse_stub(w_i8 as extern "C" fn(u32) -> u64)
                .unwrap(),
        ),
        (
            4,
            gate.reverse_stub(w_u16 as extern "C" fn(u32) -> u64)
                .unwrap(),
        ),
        (
            5,
            gate.reverse_stub(w_effect as extern "C" fn() -> u64)
                .unwrap(),
        ),
        (0, mix),
        (0, mix),
        (0, mix),
        (
            9,
            gate.reverse_stub(w_log as extern "C" fn(u32) -> u64)
                .unwrap(),
        ),
        (
            10,
            gate.reverse_stub(w_same_ref as extern "C" fn(u32) -> u64)
                .unwrap(),
        ),
    ];
    let fns = stubs
        .iter()
        .map(|&(k, stub)| (stub as usize, all.fns[k].1.clone()))
        .collect();
    TestFunctions { fns }
}

#[test]
fn random_traces_match_the_interpreter_x86_32() {
    let mut gate = Gate32::new().expect("gate");
    let mut scratch = LowBuffer::new(64 * 1024).expect("low buffer");
    let heap_mem = LowBuffer::new(TestHeap::words_needed(4) * 8).expect("low heap");
    let funcs = menu32(&mut gate);
    let cfg = GenConfig::all(WordSize::W32, 24);
    let (mut checked, mut total_calls) = (0, 0);
    for seed in 1..=TRACES {
        let mut rng = Rng::new(seed);
        // SAFETY: the low buffer is page aligned, large enough, and used only by this heap.
        let mut heap = unsafe {
            TestHeap::in_region(WordSize::W32, heap_mem.as_ptr() as *mut u64, 4, &mut rng)
        };
        let g = testgen::generate(&mut rng, &mut heap, &funcs, &cfg).expect("generator");
        let start = heap.snapshot();
        let mut calls = TestCalls::new(WordSize::W32, &funcs);
        // SAFETY: generated traces touch only the heap's objects and cells.
        let expected = unsafe { run(&g.trace, &g.inputs, &mut calls, 10_000_000) }.expect("interp");
        let after = heap.snapshot();
        heap.restore(&start);
        let bump = Bump::new();
        let compiled = Compiler::new(Target::Cdecl32)
            .compile(&g.trace, UnixMemory::new(), &bump)
            .expect("compile");
        CALL_DIGEST.store(0, Ordering::Relaxed);
        let got = run32(&gate, &mut scratch, &compiled, &g.inputs);
        let digest = CALL_DIGEST.load(Ordering::Relaxed);
        assert_eq!(digest, calls.digest, "seed {seed}: call effects");
        total_calls += calls.calls;
        assert!(
            got.same(&expected),
            "seed {seed}: {got:?} != {expected:?}\n{}",
            g.trace
        );
        assert!(
            heap.snapshot() == after,
            "seed {seed}: memory differs\n{}",
            g.trace
        );
        checked += 1;
    }
    assert!(
        total_calls > TRACES as usize / 4,
        "calls rarely reached: {total_calls}"
    );
    println!("x86-32: {checked} random traces checked ({total_calls} calls through reverse stubs)");
}

extern "C" fn add3(a: u32, b: u32, c: u32) -> u32 {
    a.wrapping_mul(100)
        .wrapping_add(b.wrapping_mul(10))
        .wrapping_add(c)
}

extern "C" fn narrow(a: u32) -> u32 {
    // Garbage in the upper bits: the caller must extend the low 8 bits.
    a | 0xABCD_8000
}

fn call_trace(callee: u32, sig: Signature, args: usize) -> Trace {
    let mut b = TraceBuilder::new(WordSize::W32);
    let ins: Vec<_> = (0..args).map(|_| b.input(Type::Int)).collect();
    let sig = b.signature(sig);
    let r = b
        .call(Callee::Const(callee as usize), sig, &ins)
        .expect("result");
    b.finish(&[r], 7);
    b.build().expect("valid trace")
}

#[test]
fn calls_from_32_bit_code_reach_64_bit_rust_through_reverse_stubs() {
    let mut gate = Gate32::new().expect("gate");
    let mut scratch = LowBuffer::new(4096).expect("low buffer");
    let f: extern "C" fn(u32, u32, u32) -> u32 = add3;
    let stub = gate.reverse_stub(f).expect("stub");
    let sig = Signature::new(&[Type::Int; 3], Some(RetType::Int));
    let t = call_trace(stub, sig, 3);
    let bump = Bump::new();
    let c = Compiler::new(Target::Cdecl32)
        .compile(&t, UnixMemory::new(), &bump)
        .expect("compile");
    let got = run32(
        &gate,
        &mut scratch,
        &c,
        &[Val::Int(1), Val::Int(2), Val::Int(3)],
    );
    assert_eq!(
        got,
        Exit::Finish {
            id: 7,
            values: vec![Val::Int(123)]
        }
    );

    let g: extern "C" fn(u32) -> u32 = narrow;
    let stub = gate.reverse_stub(g).expect("stub");
    for (ret, want) in [
        (RetType::I8, -1i64),
        (RetType::U8, 0xFF),
        (RetType::I16, -32513),
        (RetType::U16, 0x80FF),
    ] {
        let t = call_trace(stub, Signature::new(&[Type::Int], Some(ret)), 1);
        let c = Compiler::new(Target::Cdecl32)
            .compile(&t, UnixMemory::new(), &bump)
            .expect("compile");
        let got = run32(&gate, &mut scratch, &c, &[Val::Int(0xFF)]);
        assert_eq!(
            got,
            Exit::Finish {
                id: 7,
                values: vec![Val::Int(want)]
            },
            "{ret:?}"
        );
    }
}

#[test]
fn float_call_results_on_x86_32_are_refused_with_a_typed_error() {
    let sig = Signature::new(&[Type::Int], Some(RetType::Float));
    let mut b = TraceBuilder::new(WordSize::W32);
    let x = b.input(Type::Int);
    let sig = b.signature(sig);
    let r = b.call(Callee::Const(0x1000), sig, &[x]).expect("result");
    b.finish(&[r], 0);
    let t = b.build().expect("valid");
    let err = Compiler::new(Target::Cdecl32)
        .compile(&t, UnixMemory::new(), &Bump::new())
        .map(|_| ())
        .expect_err("refused");
    assert!(matches!(err, CompileError::Unsupported(_)));
}
