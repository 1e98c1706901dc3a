//! The verifier's error texts: each kind prints the op index and a message
//! naming the offending value, range, signature or label.

use jit_core::ir::{
    ArgRange, LabelId, MemDesc, SigId, Type, Value, VerifyError, VerifyErrorKind as K,
};

#[test]
fn every_verify_error_kind_prints_its_message() {
    let cases = [
        (
            K::MissingTerminator,
            "trace does not end with jump or finish",
        ),
        (K::OpAfterTerminator, "op after jump/finish"),
        (K::InputNotAtStart, "input after a non-input op"),
        (K::UseBeforeDef(Value(9)), "value 9 used before definition"),
        (
            K::TypeMismatch {
                value: Value(2),
                expected: Type::Ref,
                found: Type::Float,
            },
            "value 2 has type Float, expected Ref",
        ),
        (
            K::BadAddressBase(Value(4)),
            "address base 4 must be Ref or Int",
        ),
        (
            K::ArgRangeOutOfBounds(ArgRange { start: 3, len: 5 }),
            "argument range 3+5 out of bounds",
        ),
        (K::UnknownSignature(SigId(11)), "unknown signature 11"),
        (
            K::WrongArity {
                expected: 2,
                found: 3,
            },
            "expected 2 arguments, found 3",
        ),
        (K::UnknownLabel(LabelId(6)), "jump to unknown label 6"),
        (K::CondCallWithResult, "conditional call with a result"),
        (
            K::BadMemDesc(MemDesc {
                size: 8,
                signed: false,
                ty: Type::Int,
            }),
            "illegal memory access MemDesc { size: 8, signed: false, ty: Int } for word size",
        ),
        (K::ZeroItemSize, "indexed address with item size 0"),
        (
            K::ConstOutOfRange(1 << 40),
            "constant 1099511627776 does not fit the word",
        ),
        (K::NotInWordSize, "op not available in this word size"),
        (
            K::OverflowOpWithoutGuard,
            "overflow-checked op not followed by an overflow guard",
        ),
        (
            K::OverflowGuardWithoutOp,
            "overflow guard not preceded by an overflow-checked op",
        ),
        (K::TooManyValues, "too many values"),
    ];
    for (i, (kind, text)) in cases.into_iter().enumerate() {
        let e = VerifyError { op: 100 + i, kind };
        assert_eq!(e.to_string(), format!("op {}: {text}", 100 + i), "{kind:?}");
        let boxed: Box<dyn std::error::Error> = Box::new(e);
        assert!(boxed.to_string().ends_with(text));
    }
}
