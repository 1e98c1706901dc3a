//! Fuzz-style properties: random raw IR (random ops, operand indices,
//! ranges, descriptors, signatures) and random mutations of valid traces
//! must make the verifier return a result, never panic; whatever it
//! accepts must also run in the interpreter without panicking.

use jit_core::ir::interp::run;
use jit_core::ir::testgen::{self, GenConfig, Rng, TestCalls, TestFunctions, TestHeap};
use jit_core::ir::{
    Addr, ArgRange, CallHandler, CallRejected, Callee, ConvOp, FloatBinOp, FloatCmpOp, FloatUnOp,
    GuardKind, IntBinOp, IntUnOp, LabelId, MemDesc, Op, OvfOp, RawTrace, RefCmpOp, RetType, SigId,
    Signature, Trace, Type, Val, Value, WordSize,
};
use quickcheck::{Arbitrary, Gen, QuickCheck};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// Traces the verifier accepted / that also ran, to show the fuzzing reaches them.
static VERIFIED: AtomicUsize = AtomicUsize::new(0);
static RAN: AtomicUsize = AtomicUsize::new(0);
static MUTANTS_VERIFIED: AtomicUsize = AtomicUsize::new(0);
static MUTANTS_RAN: AtomicUsize = AtomicUsize::new(0);

/// Answers every call with a value of the declared type.
struct AnyCalls;

impl CallHandler for AnyCalls {
    fn call(
        &mut self,
        callee: usize,
        sig: &Signature,
        _: &[Val],
    ) -> Result<Option<Val>, CallRejected> {
        if callee == 13 {
            return Err(CallRejected);
        }
        Ok(sig.ret.map(|r| match r.value_type() {
            Type::Int => Val::Int(callee as i64 - 7),
            Type::Float => Val::Float(f64::NAN),
            Type::Ref => Val::Ref(0),
        }))
    }
}

/// Whether the trace reads or writes memory (those cannot run on random
/// addresses, so such traces are only verified).
fn touches_memory(t: &Trace) -> bool {
    t.ops().iter().any(|op| {
        matches!(
            op,
            Op::Load(..)
                | Op::Store(..)
                | Op::Guard {
                    kind: GuardKind::Class { .. } | GuardKind::NotInvalidated { .. },
                    ..
                }
        )
    })
}

/// Verifies `raw`; if accepted and memory-free, runs it on random inputs.
fn check(raw: RawTrace, rng: &mut Rng) {
    let Ok(t) = Trace::from_raw(raw) else { return };
    VERIFIED.fetch_add(1, Relaxed);
    let _ = t.to_string();
    if touches_memory(&t) {
        return;
    }
    RAN.fetch_add(1, Relaxed);
    let inputs: Vec<Val> = t
        .input_types()
        .iter()
        .map(|ty| match ty {
            Type::Int => Val::Int(rng.int(t.word())),
            Type::Float => Val::Float(rng.float()),
            Type::Ref => Val::Ref(rng.below(3)),
        })
        .collect();
    // SAFETY: the trace has no memory-touching ops.
    let _ = unsafe { run(&t, &inputs, &mut AnyCalls, 2_000) };
}

/// Random raw IR, biased toward plausible operands so that some of it
/// verifies and reaches the interpreter.
#[derive(Clone, Debug)]
struct RandomIr(RawTrace, u64);

fn pick<T: Copy>(g: &mut Gen, xs: &[T]) -> T {
    *g.choose(xs).expect("non-empty")
}

fn below(g: &mut Gen, n: u32) -> u32 {
    u32::arbitrary(g) % n.max(1)
}

impl Arbitrary for RandomIr {
    fn arbitrary(g: &mut Gen) -> Self {
        let word = pick(g, &[WordSize::W32, WordSize::W64]);
        let mut raw = RawTrace::new(word);
        let n_ops = below(g, 40) as usize;
        let mut defined = 0u32;
        let val = |g: &mut Gen, defined: u32| Value(below(g, defined + 2));
        let ty = |g: &mut Gen| pick(g, &[Type::Int, Type::Float, Type::Ref]);
        for _ in 0..below(g, 8) {
            raw.sigs.push(Signature {
                args: (0..below(g, 5)).map(|_| ty(g)).collect(),
                ret: pick(
                    g,
                    &[
                        None,
                        Some(RetType::Int),
                        Some(RetType::I8),
                        Some(RetType::Float),
                        Some(RetType::Ref),
                    ],
                ),
                flags: Default::default(),
            });
        }
        for _ in 0..below(g, 60) {
            let v = val(g, n_ops as u32);
            raw.args.push(v);
            let hole = bool::arbitrary(g);
            raw.fail_args.push((!hole).then_some(v));
        }
        let range = |g: &mut Gen, len: usize| {
            let start = below(g, len as u32 + 2);
            ArgRange {
                start,
                len: below(g, 6),
            }
        };
        for _ in 0..n_ops {
            let (a, b) = (val(g, defined), val(g, defined));
            let addr = Addr {
                base: a,
                index: bool::arbitrary(g).then(|| (b, below(g, 30))),
                offset: i32::arbitrary(g),
            };
            let desc = MemDesc {
                size: pick(g, &[1, 2, 3, 4, 8, 16]),
                signed: bool::arbitrary(g),
                ty: ty(g),
            };
            let op = match below(g, 22) {
                0 => Op::Input(ty(g)),
                1 => Op::ConstInt(pick(
                    g,
                    &[0, 1, -1, i64::MIN, i64::MAX, 1 << 31, i32::MIN as i64],
                )),
                2 => Op::ConstFloat(u64::arbitrary(g)),
                3 => Op::ConstRef(below(g, 4) as usize),
                4 => Op::IntBin(
                    pick(
                        g,
                        &[
                            IntBinOp::Add,
                            IntBinOp::SDiv,
                            IntBinOp::URem,
                            IntBinOp::Shl,
                            IntBinOp::Ult,
                        ],
                    ),
                    a,
                    b,
                ),
                5 => Op::IntUn(pick(g, &[IntUnOp::Neg, IntUnOp::Sext32, IntUnOp::Zext8]), a),
                6 => Op::IntOvf(pick(g, &[OvfOp::Add, OvfOp::Sub, OvfOp::Mul]), a, b),
                7 => Op::FloatBin(
                    pick(g, &[FloatBinOp::Add, FloatBinOp::Div, FloatBinOp::Min]),
                    a,
                    b,
                ),
                8 => Op::FloatUn(pick(g, &[FloatUnOp::Sqrt, FloatUnOp::Neg]), a),
                9 => Op::FloatCmp(pick(g, &[FloatCmpOp::Lt, FloatCmpOp::Ne]), a, b),
                10 => Op::Conv(
                    pick(
                        g,
                        &[
                            ConvOp::IntToFloat,
                            ConvOp::FloatToInt,
                            ConvOp::FloatBitsToInt,
                            ConvOp::IntToRef,
                        ],
                    ),
                    a,
                ),
                11 => Op::RefCmp(pick(g, &[RefCmpOp::Eq, RefCmpOp::Ne]), a, b),
                12 => Op::RefIsNull(a),
                13 => Op::Load(desc, addr),
                14 => Op::Store(desc, addr, b),
                15 => Op::Call {
                    callee: pick(g, &[Callee::Const(7), Callee::Const(13), Callee::Value(a)]),
                    sig: SigId(below(g, raw.sigs.len() as u32 + 1)),
                    args: range(g, raw.args.len()),
                },
                16 => Op::CondCall {
                    cond: a,
                    callee: Callee::Const(9),
                    sig: SigId(below(g, 3)),
                    args: range(g, raw.args.len()),
                },
                17 | 18 => {
                    let kind = match below(g, 9) {
                        0 => GuardKind::True(a),
                        1 => GuardKind::False(a),
                        2 => GuardKind::Value(a, b),
                        3 => GuardKind::NonNull(a),
                        4 => GuardKind::IsNull(a),
                        5 => GuardKind::Class {
                            obj: a,
                            offset: 0,
                            expected: b,
                        },
                        6 => GuardKind::NoOverflow,
                        7 => GuardKind::Overflow,
                        _ => GuardKind::NotInvalidated { cell: 0 },
                    };
                    Op::Guard {
                        kind,
                        id: u32::arbitrary(g),
                        fail: range(g, raw.fail_args.len()),
                    }
                }
                19 => Op::Label {
                    args: range(g, raw.args.len()),
                },
                20 => Op::Jump {
                    label: LabelId(below(g, 3)),
                    args: range(g, raw.args.len()),
                },
                _ => Op::Finish {
                    id: 1,
                    values: range(g, raw.args.len()),
                },
            };
            defined += u32::from(op.result_type().is_some());
            raw.ops.push(op);
        }
        if bool::arbitrary(g) {
            raw.ops.push(Op::Finish {
                id: 0,
                values: ArgRange::default(),
            });
        }
        RandomIr(raw, u64::arbitrary(g))
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        let RandomIr(raw, seed) = self.clone();
        Box::new((0..raw.ops.len()).rev().map(move |k| {
            let mut r = raw.clone();
            r.ops.remove(k);
            RandomIr(r, seed)
        }))
    }
}

#[test]
fn random_raw_ir_never_panics_the_verifier_or_interpreter() {
    fn prop(ir: RandomIr) -> bool {
        check(ir.0, &mut Rng::new(ir.1));
        true
    }
    QuickCheck::new()
        .tests(10_000)
        .quickcheck(prop as fn(RandomIr) -> bool);
    let (verified, ran) = (VERIFIED.load(Relaxed), RAN.load(Relaxed));
    eprintln!("random raw IR: {verified} of 10000 verified, {ran} ran");
    assert!(
        verified >= 100 && ran >= 50,
        "fuzzing rarely gets past the verifier: {verified} verified, {ran} ran"
    );
}

/// One random change to a valid trace: an operand, a range, a descriptor,
/// an op swapped, removed or duplicated.
fn mutate(raw: &mut RawTrace, rng: &mut Rng) {
    let n = raw.ops.len();
    if n == 0 {
        return;
    }
    let k = rng.below(n);
    let bump =
        |v: &mut Value, rng: &mut Rng| v.0 = (v.0 as i64 + rng.below(7) as i64 - 3).max(0) as u32;
    match rng.below(6) {
        0 => {
            raw.ops.remove(k);
        }
        1 => {
            let op = raw.ops[k];
            raw.ops.insert(rng.below(n), op);
        }
        2 => raw.ops.swap(k, rng.below(n)),
        3 => match &mut raw.ops[k] {
            Op::IntBin(_, a, b)
            | Op::FloatBin(_, a, b)
            | Op::IntOvf(_, a, b)
            | Op::RefCmp(_, a, b) => {
                bump(a, rng);
                bump(b, rng);
            }
            Op::Load(d, addr) | Op::Store(d, addr, _) => {
                d.size = rng.pick(&[1, 2, 4, 8, 5]);
                d.ty = rng.pick(&[Type::Int, Type::Float, Type::Ref]);
                bump(&mut addr.base, rng);
            }
            Op::Label { args } | Op::Jump { args, .. } | Op::Call { args, .. } => args.len += 1,
            Op::Guard { fail, .. } => fail.start = fail.start.wrapping_add(rng.below(5) as u32),
            op => *op = Op::IntUn(IntUnOp::Sext32, Value(rng.below(n) as u32)),
        },
        4 => {
            let i = rng.below(raw.args.len().max(1));
            if let Some(v) = raw.args.get_mut(i) {
                bump(v, rng);
            }
        }
        _ => {
            raw.word = if raw.word == WordSize::W64 {
                WordSize::W32
            } else {
                WordSize::W64
            }
        }
    }
}

#[test]
fn mutated_valid_traces_never_panic_the_verifier_or_interpreter() {
    fn prop(seed: u64) -> bool {
        let mut rng = Rng::new(seed);
        let word = rng.pick(&[WordSize::W32, WordSize::W64]);
        let mut heap = TestHeap::new(word, 2, &mut rng);
        let funcs = TestFunctions::new();
        let g = testgen::generate(&mut rng, &mut heap, &funcs, &GenConfig::all(word, 20)).unwrap();
        let mut raw = g.trace.into_raw();
        for _ in 0..1 + rng.below(3) {
            mutate(&mut raw, &mut rng);
        }
        let Ok(t) = Trace::from_raw(raw) else {
            return true;
        };
        MUTANTS_VERIFIED.fetch_add(1, Relaxed);
        let _ = t.to_string();
        if touches_memory(&t) {
            return true;
        }
        MUTANTS_RAN.fetch_add(1, Relaxed);
        // Inputs may no longer match: the interpreter must say so, not panic.
        let mut calls = TestCalls::new(t.word(), &funcs);
        // SAFETY: the trace has no memory-touching ops.
        let _ = unsafe { run(&t, &g.inputs, &mut calls, 5_000) };
        true
    }
    QuickCheck::new()
        .tests(4000)
        .quickcheck(prop as fn(u64) -> bool);
    let (verified, ran) = (MUTANTS_VERIFIED.load(Relaxed), MUTANTS_RAN.load(Relaxed));
    eprintln!("mutated traces: {verified} of 4000 verified, {ran} ran");
    assert!(
        verified >= 200 && ran >= 50,
        "mutants rarely get past the verifier: {verified} verified, {ran} ran"
    );
}
