//! The interpreter's reporting: error texts for every `IrError`, and the
//! bit-exact `Outcome::same` that differential tests rely on.

use jit_core::ir::{IrError, Outcome, Type, Val};

#[test]
fn every_interpreter_error_prints_its_message() {
    let cases = [
        (
            IrError::InputCount {
                expected: 2,
                found: 3,
            },
            "expected 2 inputs, got 3",
        ),
        (
            IrError::InputType {
                index: 1,
                expected: Type::Float,
            },
            "input 1 must be Float",
        ),
        (
            IrError::InputOutOfRange { index: 4 },
            "input 4 does not fit the word size",
        ),
        (IrError::DivisionByZero { op: 7 }, "op 7: division by zero"),
        (
            IrError::DivisionOverflow { op: 8 },
            "op 8: division overflow (MIN / -1)",
        ),
        (
            IrError::CallRejected { op: 9 },
            "op 9: call rejected by handler",
        ),
        (
            IrError::CallResultMismatch { op: 10 },
            "op 10: call result does not match signature",
        ),
        (IrError::OutOfFuel, "step limit reached"),
    ];
    for (e, text) in cases {
        assert_eq!(e.to_string(), text, "{e:?}");
        let boxed: Box<dyn std::error::Error> = Box::new(e);
        assert_eq!(boxed.to_string(), text);
    }
}

fn fin(id: u32, values: &[Val]) -> Outcome {
    Outcome::Finish {
        id,
        values: values.to_vec(),
    }
}

fn failed(id: u32, values: &[Option<Val>]) -> Outcome {
    Outcome::GuardFailed {
        id,
        values: values.to_vec(),
    }
}

#[test]
fn outcomes_compare_floats_by_bits_and_everything_else_exactly() {
    let nan = Val::Float(f64::NAN);
    // NaN is the same as itself (PartialEq would say no).
    assert!(fin(0, &[nan]).same(&fin(0, &[nan])));
    assert_ne!(fin(0, &[nan]), fin(0, &[nan]));
    // Signed zeros differ by bits (PartialEq would say equal).
    assert!(!fin(0, &[Val::Float(0.0)]).same(&fin(0, &[Val::Float(-0.0)])));
    assert_eq!(fin(0, &[Val::Float(0.0)]), fin(0, &[Val::Float(-0.0)]));
    // Id, length, type and variant all matter.
    assert!(!fin(0, &[Val::Int(1)]).same(&fin(1, &[Val::Int(1)])));
    assert!(!fin(0, &[Val::Int(1)]).same(&fin(0, &[Val::Int(1), Val::Int(1)])));
    assert!(!fin(0, &[Val::Int(1)]).same(&fin(0, &[Val::Ref(1)])));
    assert!(fin(3, &[Val::Ref(8), Val::Int(-1)]).same(&fin(3, &[Val::Ref(8), Val::Int(-1)])));
    assert!(!fin(0, &[]).same(&failed(0, &[])));
    assert!(!failed(0, &[]).same(&fin(0, &[])));
    // Guard outcomes: holes only match holes.
    let a = failed(2, &[Some(nan), None, Some(Val::Int(5))]);
    assert!(a.same(&failed(2, &[Some(nan), None, Some(Val::Int(5))])));
    assert!(!a.same(&failed(
        2,
        &[Some(nan), Some(Val::Int(0)), Some(Val::Int(5))]
    )));
    assert!(!a.same(&failed(2, &[None, None, Some(Val::Int(5))])));
    assert!(!a.same(&failed(2, &[Some(nan), None, Some(Val::Int(6))])));
    assert!(!a.same(&failed(3, &[Some(nan), None, Some(Val::Int(5))])));
    assert!(!a.same(&failed(2, &[Some(nan), None])));
}

#[test]
fn values_report_their_type() {
    assert_eq!(Val::Int(0).ty(), Type::Int);
    assert_eq!(Val::Ref(0).ty(), Type::Ref);
    assert_eq!(Val::Float(0.0).ty(), Type::Float);
}

/// Records every call it performs; returns nothing.
struct Recorder(Vec<(usize, Vec<Val>)>);

impl jit_core::ir::CallHandler for Recorder {
    fn call(
        &mut self,
        callee: usize,
        _sig: &jit_core::ir::Signature,
        args: &[Val],
    ) -> Result<Option<Val>, jit_core::ir::CallRejected> {
        self.0.push((callee, args.to_vec()));
        Ok(None)
    }
}

#[test]
fn a_conditional_call_runs_only_when_its_condition_is_non_zero() {
    use jit_core::ir::{Callee, Signature, TraceBuilder, WordSize, interp::run};
    let mut b = TraceBuilder::new(WordSize::W64);
    let c = b.input(Type::Int);
    let a = b.input(Type::Int);
    let sig = b.signature(Signature::new(&[Type::Int], None));
    b.cond_call(c, Callee::Const(0x1234), sig, &[a]);
    b.finish(&[a], 7);
    let t = b.build().expect("valid trace");
    for (cond, calls) in [(0, 0), (1, 1), (-1, 1), (2, 1)] {
        let mut h = Recorder(Vec::new());
        // SAFETY: the trace touches no memory.
        let out = unsafe { run(&t, &[Val::Int(cond), Val::Int(42)], &mut h, 100) };
        assert_eq!(out, Ok(fin(7, &[Val::Int(42)])));
        assert_eq!(h.0.len(), calls, "cond {cond}");
        if calls == 1 {
            assert_eq!(h.0[0], (0x1234, vec![Val::Int(42)]));
        }
    }
}
