//! Calls whose declared result is narrower than a word (`I8` .. `U32`): the
//! callee leaves garbage in the upper bits of `rax`, and compiled code must
//! sign- or zero-extend the low bits exactly as the signature says, as the
//! reference interpreter does (`RetType::extend`). Checked for both x86-64
//! conventions, both code strategies and both callee forms (constant
//! address, address held in a value).

mod backend_support;

use backend_support::run_compiled;
use bumpalo::Bump;
use jit_core::backend::{Compiler, Target};
use jit_core::ir::interp::run;
use jit_core::ir::{
    CallHandler, CallRejected, Callee, IntBinOp, Outcome, RetType, Signature, Trace, TraceBuilder,
    Type, Val, WordSize,
};
use os_glue::unix::UnixMemory;

/// The low 32 bits of `x` under a garbage upper half (what a C function
/// returning a narrow type may leave in `rax`).
fn noisy_bits(x: i64) -> u64 {
    0xDEAD_BEEF_0000_0000 | (x as u64 & 0xFFFF_FFFF)
}

extern "C" fn noisy_sysv(x: i64) -> u64 {
    noisy_bits(x)
}

extern "win64" fn noisy_win64(x: i64) -> u64 {
    noisy_bits(x)
}

/// The interpreter's side: the same raw bits, extended by the interpreter.
struct Noisy;

impl CallHandler for Noisy {
    fn call(&mut self, _: usize, _: &Signature, args: &[Val]) -> Result<Option<Val>, CallRejected> {
        match args {
            [Val::Int(x)] => Ok(Some(Val::Int(noisy_bits(*x) as i64))),
            _ => Err(CallRejected),
        }
    }
}

const NARROW: [RetType; 7] = [
    RetType::I8,
    RetType::U8,
    RetType::I16,
    RetType::U16,
    RetType::I32,
    RetType::U32,
    RetType::Int,
];

/// `r = f(x); finish [r, r + 1]`, the callee constant or the second input.
fn call_trace(ret: RetType, callee_in_value: bool, addr: usize) -> Trace {
    let mut b = TraceBuilder::new(WordSize::W64);
    let x = b.input(Type::Int);
    let callee = if callee_in_value {
        Callee::Value(b.input(Type::Int))
    } else {
        Callee::Const(addr)
    };
    let sig = b.signature(Signature::new(&[Type::Int], Some(ret)));
    let r = b
        .call(callee, sig, &[x])
        .expect("the signature has a result");
    let one = b.const_int(1);
    let r1 = b.int_bin(IntBinOp::Add, r, one);
    b.finish(&[r, r1], 0);
    b.build().expect("valid trace")
}

fn check(target: Target, addr: usize) {
    let xs = [
        0i64,
        0x7F,
        0x80,
        0xFF,
        0x7FFF,
        0x8000,
        0x1_2345,
        -1,
        0x8000_0000,
        0x7FFF_FFFF,
    ];
    for ret in NARROW {
        for callee_in_value in [false, true] {
            let t = call_trace(ret, callee_in_value, addr);
            for &x in &xs {
                let mut inputs = vec![Val::Int(x)];
                if callee_in_value {
                    inputs.push(Val::Int(addr as i64));
                }
                // SAFETY: the trace only calls the handler.
                let expected = unsafe { run(&t, &inputs, &mut Noisy, 1000) }.expect("interp");
                let Outcome::Finish { values, .. } = &expected else {
                    panic!("{expected:?}");
                };
                // The oracle itself extends: the upper garbage never shows.
                let Val::Int(v) = values[0] else {
                    panic!("{values:?}")
                };
                assert_eq!(v, ret.extend(noisy_bits(x) as i64, WordSize::W64));
                let got = run_compiled(target, &t, &inputs);
                assert!(
                    got.same(&expected),
                    "{target:?} {ret:?} x={x:#x}: {got:?} != {expected:?}"
                );
                let bump = Bump::new();
                let slots = Compiler::all_slots(target)
                    .compile(&t, UnixMemory::new(), &bump)
                    .expect("compile");
                assert!(!slots.register_allocated());
                // SAFETY: as above, the callee is a plain Rust function.
                let got = unsafe { slots.execute(&inputs) }.expect("execute");
                assert!(got.same(&expected), "all slots {target:?} {ret:?} x={x:#x}");
            }
        }
    }
}

#[test]
fn sysv_narrow_results_are_extended_per_signature() {
    check(Target::SysV64, noisy_sysv as *const () as usize);
}

#[test]
fn win64_narrow_results_are_extended_per_signature() {
    check(Target::Win64, noisy_win64 as *const () as usize);
}
