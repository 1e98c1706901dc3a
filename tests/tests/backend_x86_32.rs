//! x86-32 cdecl backend, executed for real through the compat-mode gate:
//! random valid 32-bit traces (ints, floats, memory below 4 GiB, guards,
//! loops) must end exactly as the reference interpreter says; and calls from
//! 32-bit code reach 64-bit Rust through reverse stubs.

use bumpalo::Bump;
use jit_core::backend::{Compiler, Exit, Target};
use jit_core::ir::interp::run;
use jit_core::ir::testgen::{
    self, CALL_DIGEST, GenConfig, Rng, TestCalls, TestFunctions, TestHeap,
};
use jit_core::ir::{Callee, Op, RetType, Signature, Trace, TraceBuilder, Type, Val, WordSize};
use os_glue::gate32::{Gate32, LowBuffer};
use os_glue::unix::UnixMemory;
use std::sync::atomic::{AtomicU64, Ordering};
use tests::low::run32;

/// Traces per run (release builds run more).
const TRACES: u64 = if cfg!(debug_assertions) { 1000 } else { 10_000 };

// 32-bit-callable wrappers of the generator's 64-bit test functions (reached
// through reverse stubs: `u32` arguments (a float takes two), result in
// EDX:EAX or, for a float, x87 st(0)). Functions with more than six argument
// words are left out.
extern "C" fn w_mix(a: u32, b: u32) -> u64 {
    testgen::tf_mix(a as i32 as i64, b as i32 as i64) as u64
}
extern "C" fn w_scale(lo: u32, hi: u32, b: u32) -> f64 {
    testgen::tf_scale(
        f64::from_bits(lo as u64 | (hi as u64) << 32),
        b as i32 as i64,
    )
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
        (
            1,
            gate.reverse_stub(w_scale as extern "C" fn(u32, u32, u32) -> f64)
                .unwrap(),
        ),
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
    let (mut checked, mut total_calls, mut float_calls) = (0, 0, 0);
    for seed in 1..=TRACES {
        let mut rng = Rng::new(seed);
        // SAFETY: the low buffer is page aligned, large enough, and used only by this heap.
        let mut heap = unsafe {
            TestHeap::in_region(WordSize::W32, heap_mem.as_ptr() as *mut u64, 4, &mut rng)
        };
        let g = testgen::generate(&mut rng, &mut heap, &funcs, &cfg).expect("generator");
        float_calls += g
            .trace
            .ops()
            .iter()
            .filter(|o| matches!(o, Op::Call { sig, .. } if g.trace.sig(*sig).ret == Some(RetType::Float)))
            .count();
        let start = heap.snapshot();
        let mut calls = TestCalls::new(WordSize::W32, &funcs);
        // SAFETY: generated traces touch only the heap's objects and cells.
        let expected = unsafe { run(&g.trace, &g.inputs, &mut calls, 10_000_000) }.expect("interp");
        let after = heap.snapshot();
        heap.restore(&start);
        let bump = Bump::new();
        // Every fourth trace with every value in its own slot instead
        // (memory-to-memory copies by push/pop, all registers scratch).
        let compiler = if seed % 4 == 0 {
            Compiler::all_slots(Target::Cdecl32)
        } else {
            Compiler::new(Target::Cdecl32)
        };
        let compiled = compiler
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
    // Float results come back in x87 st(0) through the reverse stub.
    assert!(
        float_calls > TRACES as usize / 20,
        "float-returning calls rarely generated: {float_calls}"
    );
    println!(
        "x86-32: {checked} random traces checked ({total_calls} calls through reverse stubs, \
         {float_calls} float-returning call sites)"
    );
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

/// What [`f_none`] returns (bits), set by the test before each run.
static RESULT_BITS: AtomicU64 = AtomicU64::new(0);

extern "C" fn f_none() -> f64 {
    f64::from_bits(RESULT_BITS.load(Ordering::Relaxed))
}
extern "C" fn f_int(a: u32) -> f64 {
    a as i32 as f64 * 0.5
}
extern "C" fn f_float(lo: u32, hi: u32) -> f64 {
    f64::from_bits(lo as u64 | (hi as u64) << 32)
}
fn mixed(a: i32, x: f64, b: i32, y: f64) -> f64 {
    x * a as f64 + y - b as f64
}
extern "C" fn f_mixed(a: u32, xl: u32, xh: u32, b: u32, yl: u32, yh: u32) -> f64 {
    let x = f64::from_bits(xl as u64 | (xh as u64) << 32);
    let y = f64::from_bits(yl as u64 | (yh as u64) << 32);
    mixed(a as i32, x, b as i32, y)
}

/// Results that must arrive bit for bit through x87 `st(0)`: signed
/// zeros, infinities, a quiet NaN with a payload, a subnormal, extremes.
/// (A signalling NaN cannot: `fld` quiets it, as for any cdecl callee.)
const SPECIALS: [u64; 9] = [
    0x3FF8_0000_0000_0000,
    0x8000_0000_0000_0000,
    0x7FF0_0000_0000_0000,
    0xFFF0_0000_0000_0000,
    0x7FF8_0000_DEAD_BEEF,
    0xFFFC_0000_0000_0001,
    0x0000_0000_0000_0001,
    0x7FEF_FFFF_FFFF_FFFF,
    0x0010_0000_0000_0000,
];

fn float_bits(e: &Exit) -> Vec<u64> {
    match e {
        Exit::Finish { values, .. } => values
            .iter()
            .map(|v| match v {
                Val::Float(f) => f.to_bits(),
                Val::Int(i) => *i as u64,
                Val::Ref(r) => *r as u64,
            })
            .collect(),
        other => panic!("unexpected exit {other:?}"),
    }
}

#[test]
fn float_call_results_on_x86_32_arrive_through_st0_with_0_to_6_argument_words() {
    let mut gate = Gate32::new().expect("gate");
    let mut scratch = LowBuffer::new(4096).expect("low buffer");
    let s_none = gate
        .reverse_stub(f_none as extern "C" fn() -> f64)
        .expect("stub");
    let s_int = gate
        .reverse_stub(f_int as extern "C" fn(u32) -> f64)
        .expect("stub");
    let s_float = gate
        .reverse_stub(f_float as extern "C" fn(u32, u32) -> f64)
        .expect("stub");
    let s_mixed = gate
        .reverse_stub(f_mixed as extern "C" fn(u32, u32, u32, u32, u32, u32) -> f64)
        .expect("stub");
    let bump = Bump::new();
    let compile = |t: &Trace| {
        Compiler::new(Target::Cdecl32)
            .compile(t, UnixMemory::new(), &bump)
            .expect("compile")
    };
    let ret = Some(RetType::Float);
    let (int, float) = (Type::Int, Type::Float);

    // No arguments: the result is used by a float op too.
    let mut b = TraceBuilder::new(WordSize::W32);
    let sig = b.signature(Signature::new(&[], ret));
    let r = b.call(Callee::Const(s_none as usize), sig, &[]).unwrap();
    let s = b.float_bin(jit_core::ir::FloatBinOp::Add, r, r);
    b.finish(&[r, s], 1);
    let none = compile(&b.build().unwrap());
    // One float argument (two words), returned unchanged.
    let mut b = TraceBuilder::new(WordSize::W32);
    let x = b.input(float);
    let sig = b.signature(Signature::new(&[float], ret));
    let r = b.call(Callee::Const(s_float as usize), sig, &[x]).unwrap();
    b.finish(&[r, x], 2);
    let ident = compile(&b.build().unwrap());
    for bits in SPECIALS {
        RESULT_BITS.store(bits, Ordering::Relaxed);
        let f = f64::from_bits(bits);
        let got = float_bits(&run32(&gate, &mut scratch, &none, &[]));
        assert_eq!(got, [bits, (f + f).to_bits()], "{f:e}");
        let got = float_bits(&run32(&gate, &mut scratch, &ident, &[Val::Float(f)]));
        assert_eq!(got, [bits, bits], "{f:e}");
    }

    // One int argument; a value from a callee-saved register survives.
    let mut b = TraceBuilder::new(WordSize::W32);
    let a = b.input(int);
    let sig = b.signature(Signature::new(&[int], ret));
    let r = b.call(Callee::Const(s_int as usize), sig, &[a]).unwrap();
    b.finish(&[r, a], 3);
    let one = compile(&b.build().unwrap());
    for a in [0, 7, -3, i32::MAX, i32::MIN] {
        let got = float_bits(&run32(&gate, &mut scratch, &one, &[Val::Int(a as i64)]));
        assert_eq!(got, [(a as f64 * 0.5).to_bits(), a as i64 as u64], "{a}");
    }

    // Six argument words (int, float, int, float), the callee as a value.
    let mut b = TraceBuilder::new(WordSize::W32);
    let ins = [b.input(int), b.input(float), b.input(int), b.input(float)];
    let callee = b.input(int);
    let sig = b.signature(Signature::new(&[int, float, int, float], ret));
    let r = b.call(Callee::Value(callee), sig, &ins).unwrap();
    b.finish(&[r], 4);
    let six = compile(&b.build().unwrap());
    for (a, x, bb, y) in [
        (3, 1.5, 2, 0.25),
        (-1, f64::INFINITY, 0, 1.0),
        (0, f64::INFINITY, 5, 2.0),
        (1, f64::NAN, 1, -0.0),
    ] {
        let inputs = [
            Val::Int(a),
            Val::Float(x),
            Val::Int(bb),
            Val::Float(y),
            Val::Int(s_mixed as i64),
        ];
        let got = float_bits(&run32(&gate, &mut scratch, &six, &inputs));
        // Computed at run time like the callee (a folded `inf * 0` may differ in sign).
        let want = mixed(a as i32, std::hint::black_box(x), bb as i32, y);
        assert_eq!(got, [want.to_bits()], "{a} {x} {bb} {y}");
    }
}

#[test]
fn unused_float_call_results_on_x86_32_are_popped_from_the_x87_stack() {
    let mut gate = Gate32::new().expect("gate");
    let mut scratch = LowBuffer::new(4096).expect("low buffer");
    let s_int = gate
        .reverse_stub(f_int as extern "C" fn(u32) -> f64)
        .expect("stub");
    let mut b = TraceBuilder::new(WordSize::W32);
    let a = b.input(Type::Int);
    let sig = b.signature(Signature::new(&[Type::Int], Some(RetType::Float)));
    // Twelve results dropped (the x87 stack has eight registers), then one used.
    for _ in 0..12 {
        let _ = b.call(Callee::Const(s_int as usize), sig, &[a]);
    }
    let r = b.call(Callee::Const(s_int as usize), sig, &[a]).unwrap();
    b.finish(&[r], 0);
    let t = b.build().expect("valid");
    let c = Compiler::new(Target::Cdecl32)
        .compile(&t, UnixMemory::new(), &Bump::new())
        .expect("compile");
    let got = float_bits(&run32(&gate, &mut scratch, &c, &[Val::Int(9)]));
    assert_eq!(got, [4.5f64.to_bits()]);
}

/// Six ints live across every x86-32 op that needs a register of its own:
/// an index scaled by 12 and a float input (a reserved scratch register),
/// a float `guard_value` (bits compared in a scratch register), a division
/// (eax, edx), a variable shift (ecx), a byte store (eax) and a
/// materialised float equality; all six and every result must come out.
#[test]
fn six_values_live_across_ops_that_need_scratch_registers_on_x86_32() {
    use jit_core::ir::{Addr, FloatCmpOp, IntBinOp, MemDesc};
    let gate = Gate32::new().expect("gate");
    let mut scratch = LowBuffer::new(4096).expect("low buffer");
    let mut data = LowBuffer::new(4096).expect("low data");
    for (j, w) in data.as_mut_slice().chunks_mut(4).take(16).enumerate() {
        w.copy_from_slice(&(1000 + j as u32).to_le_bytes());
    }
    let mut b = TraceBuilder::new(WordSize::W32);
    let p = b.input(Type::Ref);
    let k = b.input(Type::Int);
    let f = b.input(Type::Float);
    let v: Vec<_> = (0..6).map(|_| b.input(Type::Int)).collect();
    let g = b.input(Type::Float);
    let item = Addr {
        base: p,
        index: Some((k, 12)),
        offset: 4,
    };
    let x = b.load(MemDesc::int(4, true), item);
    let fail: Vec<_> = v.iter().map(|&x| Some(x)).collect();
    b.guard_value(f, g, 1, &fail);
    let q = b.int_bin(IntBinOp::SDiv, v[0], v[1]);
    let r = b.int_bin(IntBinOp::URem, v[2], v[1]);
    let sh = b.int_bin(IntBinOp::Shl, v[3], v[4]);
    b.store(MemDesc::int(1, false), Addr::field(p, 0), v[5]);
    let back = b.load(MemDesc::int(1, false), Addr::field(p, 0));
    let eq = b.float_cmp(FloatCmpOp::Eq, f, g);
    let mut out = v.clone();
    out.extend([x, q, r, sh, back, eq]);
    b.finish(&out, 0);
    let t = b.build().expect("valid");
    let c = Compiler::new(Target::Cdecl32)
        .compile(&t, UnixMemory::new(), &Bump::new())
        .expect("compile");
    assert!(c.register_allocated());
    let vs = [-100i64, 7, 1000, 3, 5, 0x1234];
    let mut inputs = vec![
        Val::Ref(data.addr32() as usize),
        Val::Int(2),
        Val::Float(-0.0),
    ];
    inputs.extend(vs.iter().map(|&x| Val::Int(x)));
    inputs.push(Val::Float(-0.0));
    let got = run32(&gate, &mut scratch, &c, &inputs);
    let mut want: Vec<_> = vs.iter().map(|&x| Val::Int(x)).collect();
    want.extend([1007, -14, 6, 96, 0x34, 1].map(Val::Int));
    assert_eq!(
        got,
        Exit::Finish {
            id: 0,
            values: want
        }
    );
    assert_eq!(
        &data.as_slice()[..4],
        &(1000u32 & !0xFF | 0x34).to_le_bytes()
    );
    // A float guard_value failing on the sign of zero keeps all six too.
    inputs[3 + 6] = Val::Float(0.0);
    let got = run32(&gate, &mut scratch, &c, &inputs);
    assert_eq!(
        got,
        Exit::GuardFailed {
            id: 1,
            values: vs.iter().map(|&x| Some(Val::Int(x))).collect()
        }
    );
}

/// Six loop values in the six GPRs (eax, ecx, edx among them), all of them
/// fail-args of the loop's exit: the exit finds no free caller-saved
/// register for the deopt pointer and parks eax first. Checked against the
/// interpreter for each trip count.
#[test]
fn six_loop_values_in_all_six_gprs_leave_through_a_guard() {
    use jit_core::ir::IntBinOp;
    let gate = Gate32::new().expect("gate");
    let mut scratch = LowBuffer::new(4096).expect("low buffer");
    let mut t = TraceBuilder::new(WordSize::W32);
    let ins: Vec<_> = (0..6).map(|_| t.input(Type::Int)).collect();
    let (label, p) = t.label(&ins);
    let one = t.const_int(1);
    let bound = t.const_int(50);
    let i1 = t.int_bin(IntBinOp::Add, p[0], one);
    let more = t.int_bin(IntBinOp::Lt, i1, bound);
    let mut fail = vec![Some(i1)];
    fail.extend(p[1..].iter().map(|&v| Some(v)));
    t.guard_true(more, 1, &fail);
    let mut next = vec![i1];
    for j in 1..6 {
        let other = if j + 1 < 6 { p[j + 1] } else { i1 };
        next.push(t.int_bin(IntBinOp::Mul, p[j], other));
    }
    t.jump(label, &next);
    let t = t.build().expect("valid");
    let c = Compiler::new(Target::Cdecl32)
        .compile(&t, UnixMemory::new(), &Bump::new())
        .expect("compile");
    assert!(c.register_allocated());
    let funcs = TestFunctions::new();
    for start in [0i64, 10, 49, 60] {
        let inputs: Vec<Val> = [start, 3, -5, 7, 11, -13].map(Val::Int).to_vec();
        let mut calls = TestCalls::new(WordSize::W32, &funcs);
        // SAFETY: the trace touches no memory.
        let want = unsafe { run(&t, &inputs, &mut calls, 1_000_000) }.expect("interp");
        let got = run32(&gate, &mut scratch, &c, &inputs);
        assert!(got.same(&want), "{start}: {got:?} != {want:?}");
    }
}
