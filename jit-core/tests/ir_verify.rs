//! The verifier: every kind of malformed IR is rejected with its typed
//! error at the right op; well-formed traces pass and get a value table.

use jit_core::ir::{
    Addr, ArgRange, Callee, GuardKind, IntBinOp, LabelId, MemDesc, Op, RawTrace, RetType, SigId,
    Signature, Trace, TraceBuilder, Type, Value, VerifyError, VerifyErrorKind as K, WordSize,
};

fn err(raw: RawTrace) -> VerifyError {
    Trace::from_raw(raw).expect_err("trace should be rejected")
}

fn raw(word: WordSize, ops: &[Op]) -> RawTrace {
    let mut r = RawTrace::new(word);
    r.ops = ops.to_vec();
    r
}

fn finish0() -> Op {
    Op::Finish {
        id: 0,
        values: ArgRange::default(),
    }
}

#[test]
fn well_formed_loop_builds_with_value_table() {
    let mut b = TraceBuilder::new(WordSize::W64);
    let n = b.input(Type::Int);
    let f = b.input(Type::Float);
    let zero = b.const_int(0);
    let (l, p) = b.label(&[zero, f]);
    let one = b.const_int(1);
    let i2 = b.iadd(p[0], one);
    let c = b.ilt(i2, n);
    b.guard_true(c, 3, &[Some(i2), None, Some(p[1])]);
    b.jump(l, &[i2, p[1]]);
    let t = b.build().expect("valid");
    assert_eq!(t.input_types(), &[Type::Int, Type::Float]);
    assert_eq!(t.num_values(), 8);
    assert_eq!(t.value_type(p[1]), Type::Float);
    assert_eq!(t.value_def(p[0]), 3);
    assert_eq!(t.op_values(3), 3..5);
    assert_eq!(t.op_result(5), Some(i2));
    assert_eq!(t.op_result(7), None);
    assert_eq!(t.label_op(l), 3);
}

#[test]
fn display_dump_names_values_by_type() {
    let mut b = TraceBuilder::new(WordSize::W64);
    let r = b.input(Type::Ref);
    let x = b.load(MemDesc::int(4, true), Addr::item(r, r, 12, 8));
    b.guard_true(x, 7, &[Some(x), None]);
    b.finish(&[x], 1);
    let text = b.build().map(|t| t.to_string());
    // `Addr::item(r, r, ..)` uses a Ref as index: the verifier refuses it.
    assert_eq!(
        text,
        Err(VerifyError {
            op: 1,
            kind: K::TypeMismatch {
                value: r,
                expected: Type::Int,
                found: Type::Ref
            }
        })
    );

    let mut b = TraceBuilder::new(WordSize::W64);
    let r = b.input(Type::Ref);
    let i = b.input(Type::Int);
    let x = b.load(MemDesc::int(4, true), Addr::item(r, i, 12, -8));
    b.guard_true(x, 7, &[Some(x), None]);
    let (l, p) = b.label(&[x]);
    b.jump(l, &p);
    let text = b.build().unwrap().to_string();
    let expected = "trace w64: 2 inputs, 4 values\n   0  r0 = input\n   1  i1 = input\n   2  i2 = load.i4s [r0 + i1*12 - 8]\n   3  guard_true i2 #7 [i2, _]\n   4  label L0(i3 = i2)\n   5  jump L0(i3)\n";
    assert_eq!(text, expected);
}

#[test]
fn empty_trace_lacks_terminator() {
    assert_eq!(
        err(raw(WordSize::W64, &[])),
        VerifyError {
            op: 0,
            kind: K::MissingTerminator
        }
    );
    let e = err(raw(WordSize::W64, &[Op::ConstInt(1)]));
    assert_eq!(
        e,
        VerifyError {
            op: 1,
            kind: K::MissingTerminator
        }
    );
}

#[test]
fn op_after_terminator_is_rejected() {
    let e = err(raw(WordSize::W64, &[finish0(), Op::ConstInt(1), finish0()]));
    assert_eq!(
        e,
        VerifyError {
            op: 1,
            kind: K::OpAfterTerminator
        }
    );
}

#[test]
fn inputs_must_come_first() {
    let e = err(raw(
        WordSize::W64,
        &[Op::ConstInt(1), Op::Input(Type::Int), finish0()],
    ));
    assert_eq!(
        e,
        VerifyError {
            op: 1,
            kind: K::InputNotAtStart
        }
    );
}

#[test]
fn use_before_definition_is_rejected() {
    let e = err(raw(
        WordSize::W64,
        &[Op::IntBin(IntBinOp::Add, Value(0), Value(0)), finish0()],
    ));
    assert_eq!(
        e,
        VerifyError {
            op: 0,
            kind: K::UseBeforeDef(Value(0))
        }
    );
    // Self-reference: the op's own result is not yet defined.
    let e = err(raw(
        WordSize::W64,
        &[
            Op::ConstInt(1),
            Op::IntBin(IntBinOp::Add, Value(0), Value(1)),
            finish0(),
        ],
    ));
    assert_eq!(
        e,
        VerifyError {
            op: 1,
            kind: K::UseBeforeDef(Value(1))
        }
    );
}

#[test]
fn a_label_arg_cannot_name_one_of_the_labels_own_parameters() {
    // `label(v1 = v0, v2 = v1)`: v1 is the label's first parameter, not
    // yet defined where the label's args are read. (The compile verifier
    // found this accepted by the IR verifier.)
    let mut r = raw(
        WordSize::W64,
        &[
            Op::ConstInt(1),
            Op::Label {
                args: ArgRange { start: 0, len: 2 },
            },
            finish0(),
        ],
    );
    r.args = vec![Value(0), Value(1)];
    assert_eq!(
        err(r),
        VerifyError {
            op: 1,
            kind: K::UseBeforeDef(Value(1))
        }
    );
}

#[test]
fn type_mismatch_names_value_and_types() {
    let mut b = TraceBuilder::new(WordSize::W64);
    let f = b.const_float(1.0);
    let i = b.const_int(1);
    b.iadd(i, f);
    b.finish(&[], 0);
    let e = b.build().unwrap_err();
    assert_eq!(
        e,
        VerifyError {
            op: 2,
            kind: K::TypeMismatch {
                value: f,
                expected: Type::Int,
                found: Type::Float
            }
        }
    );
}

#[test]
fn guard_value_needs_equal_types() {
    let mut b = TraceBuilder::new(WordSize::W64);
    let r = b.const_ref(0);
    let i = b.const_int(0);
    b.guard_value(r, i, 1, &[]);
    b.finish(&[], 0);
    assert_eq!(
        b.build().unwrap_err().kind,
        K::TypeMismatch {
            value: i,
            expected: Type::Ref,
            found: Type::Int
        }
    );
}

#[test]
fn float_address_base_is_rejected() {
    let mut b = TraceBuilder::new(WordSize::W64);
    let f = b.const_float(0.0);
    b.load(MemDesc::float(), Addr::field(f, 0));
    b.finish(&[], 0);
    assert_eq!(
        b.build().unwrap_err(),
        VerifyError {
            op: 1,
            kind: K::BadAddressBase(f)
        }
    );
}

#[test]
fn arg_ranges_out_of_bounds_are_rejected() {
    let bad = ArgRange { start: 2, len: 5 };
    let e = err(raw(WordSize::W64, &[Op::Finish { id: 0, values: bad }]));
    assert_eq!(
        e,
        VerifyError {
            op: 0,
            kind: K::ArgRangeOutOfBounds(bad)
        }
    );
    let huge = ArgRange {
        start: u32::MAX,
        len: u32::MAX,
    };
    let e = err(raw(
        WordSize::W64,
        &[
            Op::Guard {
                kind: GuardKind::NoOverflow,
                id: 0,
                fail: huge,
            },
            finish0(),
        ],
    ));
    assert_eq!(e.op, 0);
}

#[test]
fn calls_check_signature_arity_and_types() {
    let e = err(raw(
        WordSize::W64,
        &[
            Op::Call {
                callee: Callee::Const(1),
                sig: SigId(0),
                args: ArgRange::default(),
            },
            finish0(),
        ],
    ));
    assert_eq!(e.kind, K::UnknownSignature(SigId(0)));

    let mut b = TraceBuilder::new(WordSize::W64);
    let sig = b.signature(Signature::new(&[Type::Int, Type::Float], Some(RetType::I8)));
    let i = b.const_int(1);
    b.call(Callee::Const(0x1000), sig, &[i]);
    b.finish(&[], 0);
    assert_eq!(
        b.build().unwrap_err(),
        VerifyError {
            op: 1,
            kind: K::WrongArity {
                expected: 2,
                found: 1
            }
        }
    );

    let mut b = TraceBuilder::new(WordSize::W64);
    let sig = b.signature(Signature::new(&[Type::Int], None));
    let f = b.const_float(1.0);
    b.call(Callee::Value(f), sig, &[f]);
    b.finish(&[], 0);
    assert_eq!(
        b.build().unwrap_err().kind,
        K::TypeMismatch {
            value: f,
            expected: Type::Int,
            found: Type::Float
        }
    );
}

#[test]
fn cond_call_must_not_have_a_result() {
    let mut b = TraceBuilder::new(WordSize::W64);
    let sig = b.signature(Signature::new(&[], Some(RetType::Int)));
    let c = b.const_int(1);
    b.cond_call(c, Callee::Const(8), sig, &[]);
    b.finish(&[], 0);
    assert_eq!(
        b.build().unwrap_err(),
        VerifyError {
            op: 1,
            kind: K::CondCallWithResult
        }
    );
}

#[test]
fn jumps_need_a_known_label_and_matching_args() {
    let mut b = TraceBuilder::new(WordSize::W64);
    b.jump(LabelId(0), &[]);
    assert_eq!(
        b.build().unwrap_err(),
        VerifyError {
            op: 0,
            kind: K::UnknownLabel(LabelId(0))
        }
    );

    let mut b = TraceBuilder::new(WordSize::W64);
    let i = b.const_int(0);
    let (l, _) = b.label(&[i]);
    b.jump(l, &[]);
    assert_eq!(
        b.build().unwrap_err(),
        VerifyError {
            op: 2,
            kind: K::WrongArity {
                expected: 1,
                found: 0
            }
        }
    );

    let mut b = TraceBuilder::new(WordSize::W64);
    let i = b.const_int(0);
    let (l, _) = b.label(&[i]);
    let f = b.const_float(0.0);
    b.jump(l, &[f]);
    assert_eq!(
        b.build().unwrap_err().kind,
        K::TypeMismatch {
            value: f,
            expected: Type::Int,
            found: Type::Float
        }
    );
}

#[test]
fn memory_descriptors_must_fit_the_word_size() {
    for (word, desc, ok) in [
        (WordSize::W64, MemDesc::int(8, true), true),
        (WordSize::W32, MemDesc::int(8, true), false),
        (WordSize::W32, MemDesc::int(4, false), true),
        (WordSize::W64, MemDesc::int(3, false), false),
        (WordSize::W32, MemDesc::float(), true),
        (
            WordSize::W64,
            MemDesc {
                size: 4,
                signed: false,
                ty: Type::Float,
            },
            false,
        ),
        (WordSize::W32, MemDesc::gc_ref(WordSize::W64), false),
        (WordSize::W64, MemDesc::gc_ref(WordSize::W64), true),
    ] {
        let mut b = TraceBuilder::new(word);
        let base = b.input(Type::Int);
        b.load(desc, Addr::field(base, 0));
        b.finish(&[], 0);
        let r = b.build();
        assert_eq!(r.is_ok(), ok, "{word:?} {desc:?}");
        if !ok {
            assert_eq!(
                r.unwrap_err(),
                VerifyError {
                    op: 1,
                    kind: K::BadMemDesc(desc)
                }
            );
        }
    }
}

#[test]
fn stores_check_the_value_type_and_item_size() {
    let mut b = TraceBuilder::new(WordSize::W64);
    let base = b.input(Type::Ref);
    let i = b.input(Type::Int);
    b.store(MemDesc::float(), Addr::field(base, 0), i);
    b.finish(&[], 0);
    assert_eq!(
        b.build().unwrap_err().kind,
        K::TypeMismatch {
            value: i,
            expected: Type::Float,
            found: Type::Int
        }
    );

    let mut b = TraceBuilder::new(WordSize::W64);
    let base = b.input(Type::Ref);
    let i = b.input(Type::Int);
    b.store(MemDesc::int(2, false), Addr::item(base, i, 0, 0), i);
    b.finish(&[], 0);
    assert_eq!(
        b.build().unwrap_err(),
        VerifyError {
            op: 2,
            kind: K::ZeroItemSize
        }
    );
}

#[test]
fn int_constants_must_fit_the_word() {
    let mut b = TraceBuilder::new(WordSize::W32);
    b.const_int(1 << 31);
    b.finish(&[], 0);
    assert_eq!(
        b.build().unwrap_err(),
        VerifyError {
            op: 0,
            kind: K::ConstOutOfRange(1 << 31)
        }
    );
    let mut b = TraceBuilder::new(WordSize::W32);
    b.const_int(i32::MIN as i64);
    b.finish(&[], 0);
    assert!(b.build().is_ok());
}

#[test]
fn bit_casts_and_32_bit_extensions_are_64_bit_only() {
    let mut b = TraceBuilder::new(WordSize::W32);
    let f = b.const_float(1.0);
    b.float_bits_to_int(f);
    b.finish(&[], 0);
    assert_eq!(
        b.build().unwrap_err(),
        VerifyError {
            op: 1,
            kind: K::NotInWordSize
        }
    );

    let mut b = TraceBuilder::new(WordSize::W32);
    let i = b.const_int(1);
    b.sext32(i);
    b.finish(&[], 0);
    assert_eq!(
        b.build().unwrap_err(),
        VerifyError {
            op: 1,
            kind: K::NotInWordSize
        }
    );

    let mut b = TraceBuilder::new(WordSize::W64);
    let i = b.const_int(1);
    let f = b.int_bits_to_float(i);
    let j = b.float_bits_to_int(f);
    b.sext32(j);
    b.finish(&[], 0);
    assert!(b.build().is_ok());
}

#[test]
fn overflow_ops_and_guards_come_in_pairs() {
    let mut b = TraceBuilder::new(WordSize::W64);
    let i = b.const_int(1);
    let s = b.iadd_ovf(i, i);
    b.finish(&[s], 0);
    assert_eq!(
        b.build().unwrap_err(),
        VerifyError {
            op: 1,
            kind: K::OverflowOpWithoutGuard
        }
    );

    let mut b = TraceBuilder::new(WordSize::W64);
    let i = b.const_int(1);
    let s = b.imul_ovf(i, i);
    b.const_int(2);
    b.guard_no_overflow(1, &[Some(s)]);
    b.finish(&[s], 0);
    assert_eq!(
        b.build().unwrap_err(),
        VerifyError {
            op: 1,
            kind: K::OverflowOpWithoutGuard
        }
    );

    let mut b = TraceBuilder::new(WordSize::W64);
    b.const_int(1);
    b.guard_overflow(1, &[]);
    b.finish(&[], 0);
    assert_eq!(
        b.build().unwrap_err(),
        VerifyError {
            op: 1,
            kind: K::OverflowGuardWithoutOp
        }
    );

    let mut b = TraceBuilder::new(WordSize::W64);
    let i = b.const_int(1);
    let s = b.isub_ovf(i, i);
    b.guard_overflow(1, &[Some(s), None]);
    b.finish(&[s], 0);
    assert!(b.build().is_ok());
}

#[test]
fn guard_operands_and_fail_args_are_checked() {
    let mut b = TraceBuilder::new(WordSize::W64);
    let i = b.const_int(1);
    b.guard_nonnull(i, 1, &[]);
    b.finish(&[], 0);
    assert_eq!(
        b.build().unwrap_err().kind,
        K::TypeMismatch {
            value: i,
            expected: Type::Ref,
            found: Type::Int
        }
    );

    let mut b = TraceBuilder::new(WordSize::W64);
    let i = b.const_int(1);
    b.guard_true(i, 1, &[None, Some(Value(9))]);
    b.finish(&[], 0);
    assert_eq!(
        b.build().unwrap_err(),
        VerifyError {
            op: 1,
            kind: K::UseBeforeDef(Value(9))
        }
    );

    let mut b = TraceBuilder::new(WordSize::W64);
    let r = b.const_ref(0);
    let f = b.const_float(0.0);
    b.guard_class(r, 0, f, 1, &[]);
    b.finish(&[], 0);
    assert_eq!(
        b.build().unwrap_err().kind,
        K::TypeMismatch {
            value: f,
            expected: Type::Int,
            found: Type::Float
        }
    );
}

#[test]
fn errors_display_readably() {
    let e = VerifyError {
        op: 4,
        kind: K::UseBeforeDef(Value(7)),
    };
    assert_eq!(e.to_string(), "op 4: value 7 used before definition");
}

#[test]
fn ops_stay_compact() {
    // The largest op is a conditional call with a constant (64-bit) address.
    assert!(
        std::mem::size_of::<Op>() <= 40,
        "Op is {} bytes",
        std::mem::size_of::<Op>()
    );
    assert_eq!(std::mem::size_of::<Value>(), 4);
}

#[test]
fn uses_are_visited_in_operand_order_with_their_kind() {
    use jit_core::ir::Use;
    let mut b = TraceBuilder::new(WordSize::W64);
    let r = b.input(Type::Ref);
    let i = b.input(Type::Int);
    let x = b.load(MemDesc::int(4, true), Addr::item(r, i, 12, 0));
    let sig = b.signature(Signature::new(&[Type::Int, Type::Ref], Some(RetType::Int)));
    let c = b.call(Callee::Value(i), sig, &[x, r]).unwrap();
    b.guard_class(r, 0, c, 1, &[Some(x), None, Some(i)]);
    let (l, p) = b.label(&[c]);
    b.jump(l, &p);
    let t = b.build().unwrap();
    let uses = |op| {
        let mut v = Vec::new();
        t.visit_uses(op, |val, u| v.push((val, u)));
        v
    };
    assert_eq!(uses(0), vec![]);
    assert_eq!(uses(2), vec![(r, Use::Operand), (i, Use::Operand)]);
    assert_eq!(
        uses(3),
        vec![(i, Use::Operand), (x, Use::CallArg), (r, Use::CallArg)]
    );
    assert_eq!(
        uses(4),
        vec![
            (r, Use::Operand),
            (c, Use::Operand),
            (x, Use::FailArg),
            (i, Use::FailArg)
        ]
    );
    assert_eq!(uses(5), vec![(c, Use::Move)]);
    assert_eq!(uses(6), vec![(p[0], Use::Move)]);
}

#[test]
fn display_dump_covers_calls_memory_and_guards() {
    let mut b = TraceBuilder::new(WordSize::W32);
    let r = b.input(Type::Ref);
    let f = b.input(Type::Float);
    let k = b.const_int(-2);
    let h = b.const_float(0.5);
    let null = b.const_ref(0);
    let s = b.fadd(f, h);
    b.store(MemDesc::float(), Addr::field(r, 8), s);
    let mut sig = Signature::new(&[Type::Ref, Type::Float], Some(RetType::U16));
    sig.flags.may_gc = true;
    let sig = b.signature(sig);
    let c = b.call(Callee::Const(0x4000), sig, &[r, s]).unwrap();
    let none = b.signature(Signature::new(&[], None));
    b.cond_call(c, Callee::Value(k), none, &[]);
    b.guard_class(r, 0, k, 3, &[Some(r), None]);
    let ovf = b.imul_ovf(c, k);
    b.guard_no_overflow(4, &[]);
    b.guard_not_invalidated(0x1000, 5, &[None]);
    let eq = b.ref_eq(r, null);
    b.finish(&[ovf, eq], 9);
    let text = b.build().unwrap().to_string();
    let expected = "\
trace w32: 2 inputs, 9 values
   0  r0 = input
   1  f1 = input
   2  i2 = const -2
   3  f3 = const 0.5 (0x3fe0000000000000)
   4  r4 = const_ref 0x0
   5  f5 = float_add f1, f3
   6  store.f8 [r0 + 8], f5
   7  i6 = call 0x4000(r0, f5) sig0 may_gc
   8  cond_call i6 ? i2() sig1
   9  guard_class [r0 + 0] == i2 #3 [r0, _]
  10  i7 = int_mul_ovf i6, i2
  11  guard_no_overflow #4 []
  12  guard_not_invalidated 0x1000 #5 [_]
  13  i8 = ref_eq r0, r4
  14  finish #9 (i7, i8)
";
    assert_eq!(text, expected);
}
