//! `Trace` queries backends rely on: which op defines which values, and
//! which values each op reads and how (`visit_uses`), on a trace with every
//! kind of operand (indexed addresses, class and invalidation guards, calls
//! through a value, conditional calls, loop labels).

use jit_core::ir::{
    Addr, Callee, LabelId, MemDesc, RetType, Signature, TraceBuilder, Type, Use, Value, WordSize,
};

#[test]
fn visit_uses_reports_every_read_with_its_role() {
    use Use::*;
    let mut b = TraceBuilder::new(WordSize::W64);
    let obj = b.input(Type::Ref); // op 0, v0
    let idx = b.input(Type::Int); // op 1, v1
    let x = b.input(Type::Float); // op 2, v2
    let k = b.const_int(0x4000); // op 3, v3
    let ld = b.load(MemDesc::int(8, false), Addr::item(obj, idx, 8, 4)); // op 4, v4
    b.store(MemDesc::int(8, false), Addr::item(obj, idx, 8, 0), ld); // op 5
    b.guard_class(obj, 0, k, 1, &[Some(x), None]); // op 6
    b.guard_not_invalidated(0x1000, 2, &[Some(idx)]); // op 7
    let sig = b.signature(Signature::new(
        &[Type::Int, Type::Float],
        Some(RetType::Int),
    ));
    let r = b.call(Callee::Value(k), sig, &[idx, x]).unwrap(); // op 8, v5
    let proc_sig = b.signature(Signature::new(&[Type::Ref], None));
    b.cond_call(r, Callee::Const(0x2000), proc_sig, &[obj]); // op 9
    let (top, p) = b.label(&[idx, x]); // op 10, v6 v7
    let next = b.iadd(p[0], idx); // op 11, v8
    b.jump(top, &[next, p[1]]); // op 12
    let t = b.build().expect("valid trace");

    let uses: Vec<Vec<(Value, Use)>> = (0..t.ops().len())
        .map(|op| {
            let mut v = Vec::new();
            t.visit_uses(op, |val, u| v.push((val, u)));
            v
        })
        .collect();
    let v = Value;
    let expected: Vec<Vec<(Value, Use)>> = vec![
        vec![],
        vec![],
        vec![],
        vec![],
        vec![(v(0), Operand), (v(1), Operand)],
        vec![(v(0), Operand), (v(1), Operand), (v(4), Operand)],
        vec![(v(0), Operand), (v(3), Operand), (v(2), FailArg)],
        vec![(v(1), FailArg)],
        vec![(v(3), Operand), (v(1), CallArg), (v(2), CallArg)],
        vec![(v(5), Operand), (v(0), CallArg)],
        vec![(v(1), Move), (v(2), Move)],
        vec![(v(6), Operand), (v(1), Operand)],
        vec![(v(8), Move), (v(7), Move)],
    ];
    assert_eq!(uses, expected);

    // Definitions: one value per value op, two for the label, none otherwise.
    assert_eq!(t.num_values(), 9);
    assert_eq!(t.input_types(), [Type::Ref, Type::Int, Type::Float]);
    assert_eq!(t.op_values(10), 6..8);
    assert_eq!(t.op_result(10), None);
    assert_eq!(t.op_result(5), None);
    assert_eq!(t.op_result(4), Some(ld));
    assert_eq!(t.op_result(8), Some(r));
    assert_eq!(t.value_def(p[1]), 10);
    assert_eq!(t.value_def(next), 11);
    assert_eq!(t.value_type(p[1]), Type::Float);
    assert_eq!(t.value_type(r), Type::Int);
    assert_eq!(t.num_labels(), 1);
    assert_eq!(t.label_op(LabelId(0)), 10);
    assert_eq!(t.sig(sig).ret, Some(RetType::Int));
    assert_eq!(t.sig(proc_sig).args, [Type::Ref]);
    // The raw form round-trips through the verifier unchanged.
    let ops = t.ops().to_vec();
    let raw = t.into_raw();
    assert_eq!(raw.ops, ops);
    let again = jit_core::ir::Trace::from_raw(raw).expect("still valid");
    assert_eq!(again.ops(), ops.as_slice());
}

#[test]
fn visit_uses_covers_value_ops_guards_and_exits() {
    use Use::*;
    use jit_core::ir::{FloatCmpOp, FloatUnOp};
    let mut b = TraceBuilder::new(WordSize::W32);
    assert_eq!(b.word(), WordSize::W32);
    let i = b.input(Type::Int); // v0
    let r = b.input(Type::Ref); // v1
    let x = b.input(Type::Float); // v2
    let s = b.iadd_ovf(i, i); // op 3, v3
    b.guard_no_overflow(1, &[Some(i)]); // op 4
    let lt = b.float_cmp(FloatCmpOp::Lt, x, x); // op 5, v4
    let eq = b.ref_eq(r, r); // op 6, v5
    let n = b.float_un(FloatUnOp::Neg, x); // op 7, v6
    let f = b.int_to_float(s); // op 8, v7
    let z = b.is_null(r); // op 9, v8
    b.guard_true(lt, 2, &[]); // op 10
    b.guard_false(eq, 3, &[None, Some(n)]); // op 11
    b.guard_nonnull(r, 4, &[]); // op 12
    b.guard_isnull(r, 5, &[]); // op 13
    b.guard_value(z, s, 6, &[Some(f)]); // op 14
    b.finish(&[f, z], 0); // op 15
    let raw = b.into_raw();
    let t = jit_core::ir::Trace::from_raw(raw).expect("valid trace");
    let v = Value;
    let expected: Vec<(usize, Vec<(Value, Use)>)> = vec![
        (3, vec![(v(0), Operand), (v(0), Operand)]),
        (4, vec![(v(0), FailArg)]),
        (5, vec![(v(2), Operand), (v(2), Operand)]),
        (6, vec![(v(1), Operand), (v(1), Operand)]),
        (7, vec![(v(2), Operand)]),
        (8, vec![(v(3), Operand)]),
        (9, vec![(v(1), Operand)]),
        (10, vec![(v(4), Operand)]),
        (11, vec![(v(5), Operand), (v(6), FailArg)]),
        (12, vec![(v(1), Operand)]),
        (13, vec![(v(1), Operand)]),
        (14, vec![(v(8), Operand), (v(3), Operand), (v(7), FailArg)]),
        (15, vec![(v(7), Exit), (v(8), Exit)]),
    ];
    for (op, want) in expected {
        let mut got = Vec::new();
        t.visit_uses(op, |val, u| got.push((val, u)));
        assert_eq!(got, want, "op {op}: {:?}", t.ops()[op]);
    }
    // Exactly the guards report is_guard; only the last op terminates.
    let guards: Vec<usize> = (0..t.ops().len())
        .filter(|&k| t.ops()[k].is_guard())
        .collect();
    assert_eq!(guards, [4, 10, 11, 12, 13, 14]);
    let terms: Vec<usize> = (0..t.ops().len())
        .filter(|&k| t.ops()[k].is_terminator())
        .collect();
    assert_eq!(terms, [15]);
    assert_eq!(t.raw().ops.len(), 16);
}
