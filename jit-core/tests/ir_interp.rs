//! The reference interpreter, op family by op family: integer edges in both
//! word sizes, SSE float semantics, memory with narrow extension, calls,
//! guards with holes, loops and the step limit.

use jit_core::ir::interp::run;
use jit_core::ir::{
    Addr, CallHandler, CallRejected, Callee, IntBinOp, IntUnOp, IrError, MemDesc, NoCalls, Outcome,
    RetType, Signature, Trace, TraceBuilder, Type, Val, Value, WordSize,
};

const W32: WordSize = WordSize::W32;
const W64: WordSize = WordSize::W64;

fn exec(t: &Trace, inputs: &[Val]) -> Result<Outcome, IrError> {
    exec_with(t, inputs, &mut NoCalls)
}

fn exec_with(t: &Trace, inputs: &[Val], h: &mut dyn CallHandler) -> Result<Outcome, IrError> {
    // SAFETY: the tests' traces only touch buffers the tests own and keep alive.
    unsafe { run(t, inputs, h, 10_000) }
}

fn finished(values: &[Val]) -> Result<Outcome, IrError> {
    Ok(Outcome::Finish {
        id: 0,
        values: values.to_vec(),
    })
}

/// `f(inputs...)` as a one-op trace over `Int` inputs, returning the result.
fn int_op(
    word: WordSize,
    args: &[i64],
    f: impl FnOnce(&mut TraceBuilder, &[Value]) -> Value,
) -> Result<i64, IrError> {
    let mut b = TraceBuilder::new(word);
    let ins: Vec<Value> = args.iter().map(|_| b.input(Type::Int)).collect();
    let r = f(&mut b, &ins);
    b.finish(&[r], 0);
    let t = b.build().expect("valid trace");
    let vals: Vec<Val> = args.iter().map(|&a| Val::Int(a)).collect();
    match exec(&t, &vals)? {
        Outcome::Finish { values, .. } => match values[0] {
            Val::Int(x) => Ok(x),
            other => panic!("not an int: {other:?}"),
        },
        other => panic!("unexpected {other:?}"),
    }
}

fn bin(word: WordSize, op: IntBinOp, a: i64, b: i64) -> Result<i64, IrError> {
    int_op(word, &[a, b], |bl, v| bl.int_bin(op, v[0], v[1]))
}

#[test]
fn integer_arithmetic_wraps_at_the_word_size() {
    use IntBinOp::*;
    let m32 = i32::MIN as i64;
    let x32 = i32::MAX as i64;
    let cases: &[(WordSize, IntBinOp, i64, i64, i64)] = &[
        (W64, Add, i64::MAX, 1, i64::MIN),
        (W32, Add, x32, 1, m32),
        (W64, Sub, i64::MIN, 1, i64::MAX),
        (W32, Sub, m32, 1, x32),
        (W64, Mul, i64::MIN, -1, i64::MIN),
        (W32, Mul, 0x10000, 0x10000, 0),
        (W32, Mul, x32, 2, -2),
        (W64, Shl, 1, 65, 2),
        (W32, Shl, 1, 33, 2),
        (W32, Shl, 1, 31, m32),
        (W64, Sar, -8, 1, -4),
        (W32, Sar, m32, 31, -1),
        (W32, Shr, -1, 1, x32),
        (W64, Shr, -1, 63, 1),
        (W32, Shr, -1, 32, -1),
        (W64, SDiv, -7, 2, -3),
        (W64, SRem, -7, 2, -1),
        (W32, SDiv, m32, 1, m32),
        (W32, UDiv, -1, 2, x32),
        (W64, UDiv, -1, 2, i64::MAX),
        (W32, URem, -1, 10, 5),
        (W64, UMulH, -1, -1, -2),
        (W32, UMulH, -1, -1, -2),
        (W32, UMulH, 0x10000, 0x10000, 1),
        (W64, UMulH, 1 << 62, 8, 2),
        (W64, And, 0b1100, 0b1010, 0b1000),
        (W64, Or, 0b1100, 0b1010, 0b1110),
        (W32, Xor, -1, 0x0f, -16),
        (W64, Lt, -1, 0, 1),
        (W64, Ult, -1, 0, 0),
        (W32, Ugt, -1, 0, 1),
        (W32, Le, m32, x32, 1),
        (W32, Uge, m32, x32, 1),
        (W64, Ule, 5, 5, 1),
        (W64, Gt, 5, 5, 0),
        (W64, Ge, 5, 5, 1),
        (W64, Eq, 5, 5, 1),
        (W64, Ne, 5, 5, 0),
    ];
    for &(w, op, a, b, want) in cases {
        assert_eq!(bin(w, op, a, b), Ok(want), "{w:?} {op:?} {a} {b}");
    }
}

#[test]
fn division_traps_are_errors_not_panics() {
    for w in [W32, W64] {
        let min = w.int_min();
        for op in [IntBinOp::SDiv, IntBinOp::SRem] {
            assert_eq!(bin(w, op, 5, 0), Err(IrError::DivisionByZero { op: 2 }));
            assert_eq!(
                bin(w, op, min, -1),
                Err(IrError::DivisionOverflow { op: 2 })
            );
            assert!(bin(w, op, min + 1, -1).is_ok());
        }
        for op in [IntBinOp::UDiv, IntBinOp::URem] {
            assert_eq!(bin(w, op, min, 0), Err(IrError::DivisionByZero { op: 2 }));
            assert!(bin(w, op, min, -1).is_ok());
        }
    }
}

#[test]
fn unary_ops_and_narrow_extensions() {
    use IntUnOp::*;
    let cases: &[(WordSize, IntUnOp, i64, i64)] = &[
        (W64, Neg, i64::MIN, i64::MIN),
        (W32, Neg, i32::MIN as i64, i32::MIN as i64),
        (W32, Not, 0, -1),
        (W64, IsZero, 0, 1),
        (W64, IsTrue, -5, 1),
        (W32, IsTrue, 0, 0),
        (W64, Sext8, 0x180, -128),
        (W32, Sext8, 0x7f, 127),
        (W64, Sext16, 0x1_8000, -32768),
        (W64, Sext32, 0x1_8000_0000, -(1 << 31)),
        (W64, Zext8, -1, 255),
        (W32, Zext16, -1, 65535),
        (W64, Zext32, -1, 0xffff_ffff),
    ];
    for &(w, op, a, want) in cases {
        assert_eq!(
            int_op(w, &[a], |b, v| b.int_un(op, v[0])),
            Ok(want),
            "{w:?} {op:?} {a}"
        );
    }
}

/// Runs `x op y` then an overflow guard; returns `Some(result)` if no overflow.
fn ovf(word: WordSize, op: jit_core::ir::OvfOp, x: i64, y: i64) -> Option<i64> {
    let mut b = TraceBuilder::new(word);
    let a = b.input(Type::Int);
    let c = b.input(Type::Int);
    let r = b.int_ovf(op, a, c);
    b.guard_no_overflow(9, &[Some(a), None, Some(r)]);
    b.finish(&[r], 0);
    let t = b.build().unwrap();
    match exec(&t, &[Val::Int(x), Val::Int(y)]).unwrap() {
        Outcome::Finish { values, .. } => Some(match values[0] {
            Val::Int(v) => v,
            _ => unreachable!(),
        }),
        Outcome::GuardFailed { id, values } => {
            assert_eq!(id, 9);
            assert_eq!(values[0], Some(Val::Int(x)));
            assert_eq!(values[1], None);
            // The fail-arg carries the wrapped result.
            assert!(matches!(values[2], Some(Val::Int(v)) if v == word.wrap(v)));
            None
        }
    }
}

#[test]
fn overflow_checked_ops_detect_signed_overflow_at_the_edges() {
    use jit_core::ir::OvfOp::*;
    for w in [W32, W64] {
        let (min, max) = (w.int_min(), w.int_max());
        assert_eq!(ovf(w, Add, max, 1), None);
        assert_eq!(ovf(w, Add, max, 0), Some(max));
        assert_eq!(ovf(w, Add, min, -1), None);
        assert_eq!(ovf(w, Add, -1, -1), Some(-2));
        assert_eq!(ovf(w, Sub, min, 1), None);
        assert_eq!(ovf(w, Sub, 0, min), None);
        assert_eq!(ovf(w, Sub, -1, min), Some(max));
        assert_eq!(ovf(w, Mul, min, -1), None);
        assert_eq!(ovf(w, Mul, max, -1), Some(min + 1));
        assert_eq!(ovf(w, Mul, max / 2 + 1, 2), None);
        assert_eq!(ovf(w, Mul, -(max / 2 + 1), 2), Some(min));
    }
}

#[test]
fn guard_overflow_passes_only_on_overflow() {
    let mut b = TraceBuilder::new(W32);
    let a = b.input(Type::Int);
    let r = b.iadd_ovf(a, a);
    b.guard_overflow(4, &[Some(r)]);
    b.finish(&[r], 0);
    let t = b.build().unwrap();
    assert_eq!(
        exec(&t, &[Val::Int(1 << 30)]),
        finished(&[Val::Int(i32::MIN as i64)])
    );
    assert_eq!(
        exec(&t, &[Val::Int(3)]),
        Ok(Outcome::GuardFailed {
            id: 4,
            values: vec![Some(Val::Int(6))]
        })
    );
}

/// A builder method for a float op on two values.
type FloatOp = fn(&mut TraceBuilder, Value, Value) -> Value;

fn float_trace(f: impl FnOnce(&mut TraceBuilder, Value, Value) -> Value) -> Trace {
    let mut b = TraceBuilder::new(W64);
    let x = b.input(Type::Float);
    let y = b.input(Type::Float);
    let r = f(&mut b, x, y);
    b.finish(&[r], 0);
    b.build().unwrap()
}

fn run_f(t: &Trace, x: f64, y: f64) -> Val {
    match exec(t, &[Val::Float(x), Val::Float(y)]).unwrap() {
        Outcome::Finish { values, .. } => values[0],
        other => panic!("{other:?}"),
    }
}

#[test]
fn float_comparisons_with_nan_are_false_except_ne() {
    let nan = f64::NAN;
    let ops: [(FloatOp, bool); 6] = [
        (TraceBuilder::flt, false),
        (TraceBuilder::fle, false),
        (TraceBuilder::fgt, false),
        (TraceBuilder::fge, false),
        (TraceBuilder::feq, false),
        (TraceBuilder::fne, true),
    ];
    for (op, on_nan) in ops {
        let t = float_trace(op);
        for (x, y) in [(nan, 1.0), (1.0, nan), (nan, nan)] {
            assert_eq!(run_f(&t, x, y), Val::Int(on_nan as i64));
        }
    }
    let t = float_trace(TraceBuilder::fle);
    assert_eq!(run_f(&t, -0.0, 0.0), Val::Int(1));
    let t = float_trace(TraceBuilder::feq);
    assert_eq!(run_f(&t, -0.0, 0.0), Val::Int(1));
    let t = float_trace(TraceBuilder::flt);
    assert_eq!(run_f(&t, f64::NEG_INFINITY, -1e308), Val::Int(1));
}

fn bits(v: Val) -> u64 {
    match v {
        Val::Float(f) => f.to_bits(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn float_min_max_follow_minsd_maxsd() {
    let min = float_trace(TraceBuilder::fmin);
    let max = float_trace(TraceBuilder::fmax);
    let snan = f64::from_bits(0x7ff0_0000_0000_0001);
    assert_eq!(run_f(&min, 1.0, 2.0), Val::Float(1.0));
    assert_eq!(run_f(&max, 1.0, 2.0), Val::Float(2.0));
    // A NaN anywhere: the second operand, bit for bit (even a signalling NaN).
    assert_eq!(run_f(&min, f64::NAN, 2.0), Val::Float(2.0));
    assert_eq!(bits(run_f(&min, 2.0, snan)), snan.to_bits());
    assert_eq!(bits(run_f(&max, 2.0, snan)), snan.to_bits());
    // Zeros of either sign: the second operand.
    assert_eq!(bits(run_f(&min, 0.0, -0.0)), (-0.0f64).to_bits());
    assert_eq!(bits(run_f(&min, -0.0, 0.0)), 0.0f64.to_bits());
    assert_eq!(bits(run_f(&max, -0.0, 0.0)), 0.0f64.to_bits());
}

#[test]
fn float_arithmetic_propagates_nans_like_sse() {
    let add = float_trace(TraceBuilder::fadd);
    let sub = float_trace(TraceBuilder::fsub);
    let div = float_trace(TraceBuilder::fdiv);
    let q1 = f64::from_bits(0x7ff8_0000_0000_0001);
    let s2 = f64::from_bits(0xfff0_0000_0000_0002);
    assert_eq!(run_f(&add, 1.5, 2.25), Val::Float(3.75));
    // First operand's NaN wins; signalling NaNs come out quieted.
    assert_eq!(bits(run_f(&add, q1, s2)), q1.to_bits());
    assert_eq!(bits(run_f(&add, s2, q1)), 0xfff8_0000_0000_0002);
    assert_eq!(bits(run_f(&sub, 1.0, s2)), 0xfff8_0000_0000_0002);
    // Invalid operations give the default NaN.
    assert_eq!(
        bits(run_f(&sub, f64::INFINITY, f64::INFINITY)),
        0xfff8_0000_0000_0000
    );
    assert_eq!(bits(run_f(&div, 0.0, 0.0)), 0xfff8_0000_0000_0000);
    assert_eq!(run_f(&div, 1.0, -0.0), Val::Float(f64::NEG_INFINITY));
}

#[test]
fn float_unary_ops_touch_sign_bits_and_sqrt_is_exact() {
    let neg = float_trace(|b, x, _| b.fneg(x));
    let abs = float_trace(|b, x, _| b.fabs(x));
    let sqrt = float_trace(|b, x, _| b.fsqrt(x));
    assert_eq!(
        bits(run_f(&neg, f64::NAN, 0.0)),
        f64::NAN.to_bits() ^ (1 << 63)
    );
    assert_eq!(bits(run_f(&abs, -0.0, 0.0)), 0);
    assert_eq!(bits(run_f(&sqrt, -0.0, 0.0)), (-0.0f64).to_bits());
    assert_eq!(bits(run_f(&sqrt, -1.0, 0.0)), 0xfff8_0000_0000_0000);
    assert_eq!(run_f(&sqrt, f64::INFINITY, 0.0), Val::Float(f64::INFINITY));
    // Against the host's sqrtsd over many bit patterns, subnormals included.
    let mut x = 0x1234_5678_9abc_def0u64;
    for i in 0..20_000u64 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let v = f64::from_bits(if i % 4 == 0 { x >> 12 } else { x & !(1 << 63) });
        assert_eq!(
            jit_core::ir::float::sqrt(v).to_bits(),
            v.sqrt().to_bits(),
            "sqrt({v:e})"
        );
    }
}

#[test]
fn float_to_int_truncates_and_gives_min_when_out_of_range() {
    for w in [W32, W64] {
        let mut b = TraceBuilder::new(w);
        let x = b.input(Type::Float);
        let r = b.float_to_int(x);
        b.finish(&[r], 0);
        let t = b.build().unwrap();
        let to_int = |x: f64| match exec(&t, &[Val::Float(x)]).unwrap() {
            Outcome::Finish { values, .. } => values[0],
            o => panic!("{o:?}"),
        };
        let min = Val::Int(w.int_min());
        assert_eq!(to_int(-2.9), Val::Int(-2));
        assert_eq!(to_int(2.9), Val::Int(2));
        assert_eq!(to_int(f64::NAN), min);
        assert_eq!(to_int(f64::INFINITY), min);
        assert_eq!(to_int(f64::NEG_INFINITY), min);
        assert_eq!(to_int(w.int_max() as f64 + 1.0), min);
        assert_eq!(to_int(w.int_min() as f64), min);
    }
    assert_eq!(
        int_op(W32, &[], |b, _| {
            let f = b.const_float(2147483647.9);
            b.float_to_int(f)
        }),
        Ok(i32::MAX as i64)
    );
    assert_eq!(
        int_op(W32, &[], |b, _| {
            let f = b.const_float(-2147483648.9);
            b.float_to_int(f)
        }),
        Ok(i32::MIN as i64)
    );
}

#[test]
fn int_to_float_and_bit_casts() {
    let mut b = TraceBuilder::new(W64);
    let i = b.input(Type::Int);
    let f = b.int_to_float(i);
    let bitsv = b.float_bits_to_int(f);
    let back = b.int_bits_to_float(bitsv);
    b.finish(&[f, bitsv, back], 0);
    let t = b.build().unwrap();
    let x = (1i64 << 53) + 1; // rounds to even
    let want = (x as f64).to_bits() as i64;
    assert_eq!(
        exec(&t, &[Val::Int(x)]),
        finished(&[
            Val::Float(9007199254740992.0),
            Val::Int(want),
            Val::Float(9007199254740992.0)
        ])
    );
}

#[test]
fn ref_comparisons_and_casts() {
    for w in [W32, W64] {
        let mut b = TraceBuilder::new(w);
        let r = b.input(Type::Ref);
        let null = b.const_ref(0);
        let eq = b.ref_eq(r, null);
        let ne = b.ref_ne(r, null);
        let isn = b.is_null(r);
        let i = b.ref_to_int(r);
        let back = b.int_to_ref(i);
        b.finish(&[eq, ne, isn, i, back], 0);
        let t = b.build().unwrap();
        let addr = 0x8000_1000usize;
        let as_int = w.wrap(addr as i64);
        assert_eq!(
            exec(&t, &[Val::Ref(addr)]),
            finished(&[
                Val::Int(0),
                Val::Int(1),
                Val::Int(0),
                Val::Int(as_int),
                Val::Ref(addr)
            ])
        );
        assert_eq!(
            exec(&t, &[Val::Ref(0)])
                .map(|o| matches!(o, Outcome::Finish { values, .. } if values[2] == Val::Int(1))),
            Ok(true)
        );
    }
}

#[test]
fn loads_extend_narrow_values_per_descriptor() {
    let buf: [u8; 16] = [
        0x80, 0xff, 0x00, 0x80, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0x7f,
    ];
    let addr = buf.as_ptr() as usize;
    let cases: &[(WordSize, MemDesc, i32, i64)] = &[
        (W64, MemDesc::int(1, true), 0, -128),
        (W64, MemDesc::int(1, false), 0, 128),
        (W64, MemDesc::int(2, true), 2, i16::MIN as i64),
        (W64, MemDesc::int(2, false), 2, 0x8000),
        (W64, MemDesc::int(4, true), 4, -1),
        (W64, MemDesc::int(4, false), 4, 0xffff_ffff),
        (W64, MemDesc::int(8, true), 8, i64::MAX - 1),
        (W32, MemDesc::int(4, false), 4, -1),
        (W32, MemDesc::int(2, false), 1, 0xff),
        (W32, MemDesc::int(1, true), 1, -1),
    ];
    for &(w, desc, off, want) in cases {
        let mut b = TraceBuilder::new(w);
        let base = b.input(Type::Ref);
        let v = b.load(desc, Addr::field(base, off));
        b.finish(&[v], 0);
        let t = b.build().unwrap();
        assert_eq!(
            exec(&t, &[Val::Ref(addr)]),
            finished(&[Val::Int(want)]),
            "{w:?} {desc:?} +{off}"
        );
    }
}

#[test]
fn indexed_stores_and_loads_with_odd_item_sizes() {
    // 5 items of 12 bytes: [i32 tag][f64 value], written then summed back.
    let mut buf = [0u8; 64];
    let addr = buf.as_mut_ptr() as usize;
    let mut b = TraceBuilder::new(W64);
    let base = b.input(Type::Int); // a raw address
    let idx = b.input(Type::Int);
    let val = b.input(Type::Float);
    let tag = b.const_int(-3);
    b.store(MemDesc::int(4, true), Addr::item(base, idx, 12, 0), tag);
    b.store(MemDesc::float(), Addr::item(base, idx, 12, 4), val);
    let t1 = b.load(MemDesc::int(4, false), Addr::item(base, idx, 12, 0));
    let v1 = b.load(MemDesc::float(), Addr::item(base, idx, 12, 4));
    let byte = b.load(MemDesc::int(1, true), Addr::field(base, 12 * 3 + 1));
    b.finish(&[t1, v1, byte], 0);
    let t = b.build().unwrap();
    let out = exec(&t, &[Val::Int(addr as i64), Val::Int(3), Val::Float(2.5)]);
    assert_eq!(
        out,
        finished(&[Val::Int(0xffff_fffd), Val::Float(2.5), Val::Int(-1)])
    );
    assert_eq!(&buf[36..40], &(-3i32).to_le_bytes());
    assert_eq!(&buf[40..48], &2.5f64.to_le_bytes());
    assert!(buf[..36].iter().chain(&buf[48..]).all(|&x| x == 0));
}

#[test]
fn refs_round_trip_through_memory() {
    let mut slot = [0usize; 2];
    let target = 0xdead_beefusize;
    let mut b = TraceBuilder::new(W64);
    let obj = b.input(Type::Ref);
    let r = b.input(Type::Ref);
    b.store(MemDesc::gc_ref(W64), Addr::field(obj, 8), r);
    let back = b.load(MemDesc::gc_ref(W64), Addr::field(obj, 8));
    b.finish(&[back], 0);
    let t = b.build().unwrap();
    let out = exec(
        &t,
        &[Val::Ref(slot.as_mut_ptr() as usize), Val::Ref(target)],
    );
    assert_eq!(out, finished(&[Val::Ref(target)]));
    assert_eq!(slot[1], target);
}

/// Test functions by address: 0x10 adds its ints, 0x20 returns a raw
/// narrow-looking value, 0x30 logs its argument, 0x40 returns the wrong type.
#[derive(Default)]
struct Calls {
    log: Vec<(usize, Vec<Val>)>,
}

impl CallHandler for Calls {
    fn call(
        &mut self,
        callee: usize,
        _: &Signature,
        args: &[Val],
    ) -> Result<Option<Val>, CallRejected> {
        self.log.push((callee, args.to_vec()));
        match callee {
            0x10 => {
                let mut s = 0.0;
                for a in args {
                    s += match *a {
                        Val::Int(x) => x as f64,
                        Val::Float(f) => f,
                        Val::Ref(_) => 0.0,
                    };
                }
                Ok(Some(Val::Float(s)))
            }
            0x20 => Ok(Some(Val::Int(0x1_2345_ff80))),
            0x30 => Ok(None),
            0x40 => Ok(Some(Val::Ref(1))),
            _ => Err(CallRejected),
        }
    }
}

#[test]
fn calls_pass_arguments_and_extend_narrow_results() {
    let rets = [
        (RetType::I8, -128),
        (RetType::U8, 0x80),
        (RetType::I16, -128),
        (RetType::U16, 0xff80),
        (RetType::I32, 0x2345_ff80),
        (RetType::U32, 0x2345_ff80),
        (RetType::Int, 0x1_2345_ff80),
    ];
    for (rt, want) in rets {
        let mut b = TraceBuilder::new(W64);
        let sig = b.signature(Signature::new(&[], Some(rt)));
        let r = b.call(Callee::Const(0x20), sig, &[]).unwrap();
        b.finish(&[r], 0);
        let t = b.build().unwrap();
        assert_eq!(
            exec_with(&t, &[], &mut Calls::default()),
            finished(&[Val::Int(want)]),
            "{rt:?}"
        );
    }
    // Many arguments of mixed types, through a computed address.
    let mut b = TraceBuilder::new(W64);
    let f = b.input(Type::Int);
    let types: Vec<Type> = (0..9)
        .map(|k| if k % 3 == 0 { Type::Float } else { Type::Int })
        .collect();
    let sig = b.signature(Signature::new(&types, Some(RetType::Float)));
    let args: Vec<Value> = (0..9)
        .map(|k| {
            if k % 3 == 0 {
                b.const_float(0.5)
            } else {
                b.const_int(k)
            }
        })
        .collect();
    let r = b.call(Callee::Value(f), sig, &args).unwrap();
    b.finish(&[r], 0);
    let t = b.build().unwrap();
    let mut calls = Calls::default();
    assert_eq!(
        exec_with(&t, &[Val::Int(0x10)], &mut calls),
        finished(&[Val::Float(1.5 + 1. + 2. + 4. + 5. + 7. + 8.)])
    );
    assert_eq!(calls.log[0].1.len(), 9);
}

#[test]
fn conditional_calls_happen_only_when_the_condition_is_true() {
    let mut b = TraceBuilder::new(W32);
    let c = b.input(Type::Int);
    let sig = b.signature(Signature::new(&[Type::Int], None));
    b.cond_call(c, Callee::Const(0x30), sig, &[c]);
    b.finish(&[], 0);
    let t = b.build().unwrap();
    let mut calls = Calls::default();
    exec_with(&t, &[Val::Int(0)], &mut calls).unwrap();
    assert!(calls.log.is_empty());
    exec_with(&t, &[Val::Int(-7)], &mut calls).unwrap();
    assert_eq!(calls.log, vec![(0x30, vec![Val::Int(-7)])]);
}

#[test]
fn handler_refusals_and_wrong_results_are_errors() {
    let mut b = TraceBuilder::new(W64);
    let sig = b.signature(Signature::new(&[], Some(RetType::Int)));
    b.call(Callee::Const(0x99), sig, &[]);
    b.call(Callee::Const(0x40), sig, &[]);
    b.finish(&[], 0);
    let t = b.build().unwrap();
    assert_eq!(
        exec_with(&t, &[], &mut Calls::default()),
        Err(IrError::CallRejected { op: 0 })
    );
    let mut b = TraceBuilder::new(W64);
    let sig = b.signature(Signature::new(&[], Some(RetType::Int)));
    b.call(Callee::Const(0x40), sig, &[]);
    b.finish(&[], 0);
    let t = b.build().unwrap();
    assert_eq!(
        exec_with(&t, &[], &mut Calls::default()),
        Err(IrError::CallResultMismatch { op: 0 })
    );
}

#[test]
fn guards_exit_with_their_id_and_fail_args_including_holes() {
    // A third word: `obj = hdr + 8` reads the class word at hdr + 16,
    // which must be in bounds (0, not the class).
    let header: [u64; 3] = [0, 0x77, 0];
    let mut cell = 0u64;
    let cell_addr = &mut cell as *mut u64 as usize;
    let mut b = TraceBuilder::new(W64);
    let obj = b.input(Type::Ref);
    let x = b.input(Type::Float);
    let k = b.const_int(0x77);
    b.guard_nonnull(obj, 1, &[None]);
    b.guard_class(obj, 8, k, 2, &[Some(obj), None, Some(x)]);
    let nan = b.const_float(f64::NAN);
    b.guard_value(x, nan, 3, &[None, Some(x), None]);
    b.guard_not_invalidated(cell_addr, 4, &[Some(k)]);
    b.finish(&[x], 0);
    let t = b.build().unwrap();
    let hdr = header.as_ptr() as usize;
    let run = |obj: usize, x: f64| exec(&t, &[Val::Ref(obj), Val::Float(x)]).unwrap();
    assert_eq!(
        run(0, 1.0),
        Outcome::GuardFailed {
            id: 1,
            values: vec![None]
        }
    );
    assert_eq!(
        run(hdr + 8, 1.0),
        Outcome::GuardFailed {
            id: 2,
            values: vec![Some(Val::Ref(hdr + 8)), None, Some(Val::Float(1.0))]
        }
    );
    let failed = run(hdr, 1.0);
    assert_eq!(
        failed,
        Outcome::GuardFailed {
            id: 3,
            values: vec![None, Some(Val::Float(1.0)), None]
        }
    );
    let ok = run(hdr, f64::NAN);
    assert!(matches!(ok, Outcome::Finish { id: 0, .. }));
    // SAFETY: no trace is running; the cell is ours.
    unsafe { (cell_addr as *mut u64).write(1) };
    assert_eq!(
        run(hdr, f64::NAN),
        Outcome::GuardFailed {
            id: 4,
            values: vec![Some(Val::Int(0x77))]
        }
    );
}

#[test]
fn guard_true_false_and_isnull() {
    let mut b = TraceBuilder::new(W32);
    let i = b.input(Type::Int);
    let r = b.input(Type::Ref);
    b.guard_true(i, 1, &[]);
    b.guard_isnull(r, 2, &[Some(i)]);
    let z = b.is_zero(i);
    b.guard_false(z, 3, &[]);
    b.finish(&[i], 5);
    let t = b.build().unwrap();
    assert_eq!(
        exec(&t, &[Val::Int(0), Val::Ref(0)]),
        Ok(Outcome::GuardFailed {
            id: 1,
            values: vec![]
        })
    );
    assert_eq!(
        exec(&t, &[Val::Int(2), Val::Ref(8)]),
        Ok(Outcome::GuardFailed {
            id: 2,
            values: vec![Some(Val::Int(2))]
        })
    );
    assert_eq!(
        exec(&t, &[Val::Int(2), Val::Ref(0)]),
        Ok(Outcome::Finish {
            id: 5,
            values: vec![Val::Int(2)]
        })
    );
}

/// `sum = 0; for i in 0..n { sum += i }` with the exit as a guard on the counter.
fn sum_loop(word: WordSize) -> Trace {
    let mut b = TraceBuilder::new(word);
    let n = b.input(Type::Int);
    let zero = b.const_int(0);
    let (l, p) = b.label(&[zero, zero]);
    let (i, sum) = (p[0], p[1]);
    let lt = b.ilt(i, n);
    b.guard_true(lt, 1, &[Some(sum), None, Some(i)]);
    let sum2 = b.iadd(sum, i);
    let one = b.const_int(1);
    let i2 = b.iadd(i, one);
    b.jump(l, &[i2, sum2]);
    b.build().unwrap()
}

#[test]
fn loops_run_until_a_guard_exits() {
    for w in [W32, W64] {
        let t = sum_loop(w);
        assert_eq!(
            exec(&t, &[Val::Int(100)]),
            Ok(Outcome::GuardFailed {
                id: 1,
                values: vec![Some(Val::Int(4950)), None, Some(Val::Int(100))]
            })
        );
        assert_eq!(
            exec(&t, &[Val::Int(-5)]),
            Ok(Outcome::GuardFailed {
                id: 1,
                values: vec![Some(Val::Int(0)), None, Some(Val::Int(0))]
            })
        );
    }
}

#[test]
fn jump_arguments_are_bound_in_parallel() {
    // label(a, b) -> jump(b, a): a swap every iteration, 3 iterations.
    let mut b = TraceBuilder::new(W64);
    let x = b.input(Type::Int);
    let y = b.input(Type::Int);
    let zero = b.const_int(0);
    let (l, p) = b.label(&[x, y, zero]);
    let three = b.const_int(3);
    let done = b.ige(p[2], three);
    b.guard_false(done, 1, &[Some(p[0]), Some(p[1])]);
    let one = b.const_int(1);
    let n = b.iadd(p[2], one);
    b.jump(l, &[p[1], p[0], n]);
    let t = b.build().unwrap();
    assert_eq!(
        exec(&t, &[Val::Int(1), Val::Int(2)]),
        Ok(Outcome::GuardFailed {
            id: 1,
            values: vec![Some(Val::Int(2)), Some(Val::Int(1))]
        })
    );
}

#[test]
fn step_limit_stops_endless_loops() {
    let mut b = TraceBuilder::new(W64);
    let x = b.input(Type::Int);
    let (l, p) = b.label(&[x]);
    b.jump(l, &p);
    let t = b.build().unwrap();
    // SAFETY: the trace touches no memory.
    let r = unsafe { run(&t, &[Val::Int(0)], &mut NoCalls, 1000) };
    assert_eq!(r, Err(IrError::OutOfFuel));
}

#[test]
fn inputs_are_checked() {
    let t = sum_loop(W32);
    assert_eq!(
        exec(&t, &[]),
        Err(IrError::InputCount {
            expected: 1,
            found: 0
        })
    );
    assert_eq!(
        exec(&t, &[Val::Float(1.0)]),
        Err(IrError::InputType {
            index: 0,
            expected: Type::Int
        })
    );
    assert_eq!(
        exec(&t, &[Val::Int(1 << 40)]),
        Err(IrError::InputOutOfRange { index: 0 })
    );
}

#[test]
fn refs_in_32_bit_mode_are_stored_and_loaded_as_4_bytes() {
    let mut buf = [0xaau8; 12];
    let mut b = TraceBuilder::new(W32);
    let obj = b.input(Type::Ref);
    let r = b.input(Type::Ref);
    b.store(MemDesc::gc_ref(W32), Addr::field(obj, 4), r);
    let back = b.load(MemDesc::gc_ref(W32), Addr::field(obj, 4));
    b.finish(&[back], 0);
    let t = b.build().unwrap();
    let out = exec(
        &t,
        &[Val::Ref(buf.as_mut_ptr() as usize), Val::Ref(0x8765_4321)],
    );
    assert_eq!(out, finished(&[Val::Ref(0x8765_4321)]));
    assert_eq!(
        buf,
        [
            0xaa, 0xaa, 0xaa, 0xaa, 0x21, 0x43, 0x65, 0x87, 0xaa, 0xaa, 0xaa, 0xaa
        ]
    );
}
