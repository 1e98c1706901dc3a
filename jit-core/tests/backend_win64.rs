//! x86-64 Win64 convention: random traces must match the interpreter, and
//! calls to `extern "win64"` Rust functions get their arguments by
//! position (rcx/rdx/r8/r9 or xmm0-3), 32 bytes of shadow space, stack
//! arguments above it and a 16-byte aligned stack.

mod backend_support;

use backend_support::{differential_with, run_compiled};
use jit_core::backend::{Exit, Target};
use jit_core::ir::testgen::{self as tg, GenConfig, TestFunctions};
use jit_core::ir::{Callee, RetType, Signature, TraceBuilder, Type, Val, WordSize};

/// Traces per run (release builds run more).
const TRACES: u64 = if cfg!(debug_assertions) { 1000 } else { 10_000 };

// `extern "win64"` wrappers of the generator's (SysV) test functions.
extern "win64" fn w0(a: i64, b: i64) -> i64 {
    tg::tf_mix(a, b)
}
extern "win64" fn w1(a: f64, b: i64) -> f64 {
    tg::tf_scale(a, b)
}
extern "win64" fn w2(a: usize, b: i64) -> i64 {
    tg::tf_obj(a, b)
}
extern "win64" fn w3(a: i64) -> i8 {
    tg::tf_narrow_i8(a)
}
extern "win64" fn w4(a: i64) -> u16 {
    tg::tf_narrow_u16(a)
}
extern "win64" fn w5() {
    tg::tf_effect()
}
#[allow(clippy::too_many_arguments)]
extern "win64" fn w6(a: i64, b: i64, c: i64, d: i64, e: i64, f: i64, g: i64, h: i64) -> i64 {
    tg::tf_many_ints(a, b, c, d, e, f, g, h)
}
#[allow(clippy::too_many_arguments)]
extern "win64" fn w7(
    a: f64,
    b: f64,
    c: f64,
    d: f64,
    e: f64,
    f: f64,
    g: f64,
    h: f64,
    i: f64,
    j: i64,
) -> f64 {
    tg::tf_many_floats(a, b, c, d, e, f, g, h, i, j)
}
extern "win64" fn w8(a: i64, b: f64, c: usize, d: i64, e: f64) -> i64 {
    tg::tf_mixed(a, b, c, d, e)
}
extern "win64" fn w9(a: i64) {
    tg::tf_log(a)
}
extern "win64" fn w10(a: usize) -> usize {
    tg::tf_same_ref(a)
}

/// The generator's menu with the Win64 wrappers at the same positions.
fn menu_win64() -> TestFunctions {
    let addrs: [usize; 11] = [
        w0 as *const () as usize,
        w1 as *const () as usize,
        w2 as *const () as usize,
        w3 as *const () as usize,
        w4 as *const () as usize,
        w5 as *const () as usize,
        w6 as *const () as usize,
        w7 as *const () as usize,
        w8 as *const () as usize,
        w9 as *const () as usize,
        w10 as *const () as usize,
    ];
    let mut funcs = TestFunctions::new();
    for (f, a) in funcs.fns.iter_mut().zip(addrs) {
        f.0 = a;
    }
    funcs
}

#[test]
fn random_traces_match_the_interpreter_win64() {
    let cfg = GenConfig::all(WordSize::W64, 24);
    let n = differential_with(Target::Win64, cfg, &menu_win64(), 10_000, TRACES);
    println!("win64: {n} random traces checked");
}

extern "win64" fn mixed(a: i64, b: f64, c: i64, d: f64, e: i64, f: f64) -> f64 {
    a as f64 * 1000.0 + b * 100.0 + c as f64 * 10.0 + d + e as f64 * 0.5 + f * 0.25
}

extern "win64" fn ints6(a: i64, b: i64, c: i64, d: i64, e: i64, f: i64) -> i64 {
    a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f
}

#[test]
fn win64_calls_pass_arguments_by_position_with_shadow_space() {
    let mut b = TraceBuilder::new(WordSize::W64);
    let (i0, f0) = (b.input(Type::Int), b.input(Type::Float));
    let (i1, f1) = (b.input(Type::Int), b.input(Type::Float));
    let (i2, f2) = (b.input(Type::Int), b.input(Type::Float));
    let sig = b.signature(Signature::new(
        &[
            Type::Int,
            Type::Float,
            Type::Int,
            Type::Float,
            Type::Int,
            Type::Float,
        ],
        Some(RetType::Float),
    ));
    let r = b
        .call(
            Callee::Const(mixed as *const () as usize),
            sig,
            &[i0, f0, i1, f1, i2, f2],
        )
        .expect("result");
    let sig = b.signature(Signature::new(&[Type::Int; 6], Some(RetType::Int)));
    let s = b
        .call(
            Callee::Const(ints6 as *const () as usize),
            sig,
            &[i0, i1, i2, i0, i1, i2],
        )
        .expect("result");
    b.finish(&[r, s], 3);
    let t = b.build().expect("valid");
    let inputs = [
        Val::Int(1),
        Val::Float(2.0),
        Val::Int(3),
        Val::Float(4.0),
        Val::Int(5),
        Val::Float(6.0),
    ];
    let got = run_compiled(Target::Win64, &t, &inputs);
    let want = Exit::Finish {
        id: 3,
        values: vec![
            Val::Float(1000.0 + 200.0 + 30.0 + 4.0 + 2.5 + 1.5),
            Val::Int(1 + 6 + 15 + 4 + 15 + 30),
        ],
    };
    assert!(got.same(&want), "{got:?}");
}
