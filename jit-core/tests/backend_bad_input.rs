//! Bad input never panics: random raw op sequences go through the verifier,
//! and whatever it accepts goes through the compiler for every target,
//! which returns code or a typed error. (Nothing is executed: random
//! traces may address random memory.)

use bumpalo::Bump;
use jit_core::backend::{CompileError, Compiler, Target};
use jit_core::ir::testgen::{self, GenConfig, Rng, TestFunctions, TestHeap};
use jit_core::ir::{
    Addr, ArgRange, Callee, ConvOp, FloatBinOp, FloatCmpOp, GuardKind, IntBinOp, IntUnOp, LabelId,
    MemDesc, Op, OvfOp, RawTrace, RetType, SigId, Signature, Trace, Type, Value, WordSize,
};
use os_glue::unix::UnixMemory;
use quickcheck::{QuickCheck, TestResult};

fn ty(rng: &mut Rng) -> Type {
    rng.pick(&[Type::Int, Type::Float, Type::Ref])
}

fn random_raw(seed: u64) -> RawTrace {
    let mut rng = Rng::new(seed);
    let word = if rng.chance(1, 2) {
        WordSize::W64
    } else {
        WordSize::W32
    };
    let mut raw = RawTrace::new(word);
    let n = 1 + rng.below(30);
    for _ in 0..4 {
        raw.args.push(Value(rng.below(n) as u32));
        raw.fail_args
            .push(rng.chance(3, 4).then(|| Value(rng.below(n) as u32)));
    }
    raw.sigs
        .push(Signature::new(&[Type::Int, Type::Float], Some(RetType::I8)));
    raw.sigs.push(Signature::new(&[], Some(RetType::Float)));
    for k in 0..n {
        let op = random_op(&mut rng, word, k, n, 4);
        raw.ops.push(op);
    }
    raw
}

/// A random op whose operands name values below `n + 4`, for position `k`.
fn random_op(rng: &mut Rng, word: WordSize, k: usize, n: usize, side: usize) -> Op {
    let v = |rng: &mut Rng| Value(rng.below(n + 4) as u32);
    let range = |rng: &mut Rng| ArgRange {
        start: rng.below(side) as u32,
        len: rng.below(4) as u32,
    };
    {
        match rng.below(16) {
            0 | 1 if k < 4 => Op::Input(ty(rng)),
            0 => Op::ConstInt(rng.int(word)),
            1 => Op::ConstFloat(rng.next_u64()),
            2 => Op::ConstRef(rng.below(1 << 20)),
            3 => Op::IntBin(
                rng.pick(&[IntBinOp::Add, IntBinOp::SDiv, IntBinOp::Lt, IntBinOp::Shl]),
                v(rng),
                v(rng),
            ),
            4 => Op::IntUn(
                rng.pick(&[IntUnOp::Sext32, IntUnOp::Neg, IntUnOp::Zext8]),
                v(rng),
            ),
            5 => Op::IntOvf(OvfOp::Mul, v(rng), v(rng)),
            6 => Op::FloatBin(FloatBinOp::Div, v(rng), v(rng)),
            7 => Op::FloatCmp(FloatCmpOp::Eq, v(rng), v(rng)),
            8 => Op::Conv(
                rng.pick(&[ConvOp::FloatBitsToInt, ConvOp::IntToFloat, ConvOp::IntToRef]),
                v(rng),
            ),
            9 => Op::Load(
                MemDesc::int(rng.pick(&[1, 2, 4, 8, 3]), true),
                Addr::item(v(rng), v(rng), rng.pick(&[0, 3, 8]), -4),
            ),
            10 => Op::Store(MemDesc::float(), Addr::field(v(rng), 8), v(rng)),
            11 => Op::Call {
                callee: if rng.chance(1, 2) {
                    Callee::Const(0x1000)
                } else {
                    Callee::Value(v(rng))
                },
                sig: SigId(rng.below(3) as u32),
                args: range(rng),
            },
            12 => {
                let (a, b) = (v(rng), v(rng));
                let kinds = [
                    GuardKind::True(a),
                    GuardKind::NoOverflow,
                    GuardKind::Value(a, b),
                ];
                Op::Guard {
                    kind: rng.pick(&kinds),
                    id: 1,
                    fail: range(rng),
                }
            }
            13 => Op::Label { args: range(rng) },
            14 => Op::Jump {
                label: LabelId(rng.below(2) as u32),
                args: range(rng),
            },
            _ => Op::Finish {
                id: 0,
                values: range(rng),
            },
        }
    }
}

/// A generated valid trace with one op replaced by a random one, or one
/// operand index perturbed through the side arrays.
fn mutant(seed: u64) -> RawTrace {
    let mut rng = Rng::new(seed ^ 0x5eed);
    let word = if rng.chance(1, 2) {
        WordSize::W64
    } else {
        WordSize::W32
    };
    let funcs = TestFunctions::new();
    let mut heap = TestHeap::new(word, 2, &mut rng);
    let mut cfg = GenConfig::all(word, 16);
    cfg.settle = false;
    let mut raw = testgen::generate(&mut rng, &mut heap, &funcs, &cfg)
        .unwrap()
        .trace
        .into_raw();
    let n = raw.ops.len();
    let k = rng.below(n);
    match rng.below(3) {
        0 => raw.ops[k] = random_op(&mut rng, word, k, k.max(1), raw.args.len().max(1)),
        1 if !raw.args.is_empty() => {
            let i = rng.below(raw.args.len());
            raw.args[i] = Value(rng.below(n + 2) as u32);
        }
        _ if !raw.fail_args.is_empty() => {
            let i = rng.below(raw.fail_args.len());
            raw.fail_args[i] = rng.chance(1, 2).then(|| Value(rng.below(n + 2) as u32));
        }
        _ => raw.ops.truncate(k),
    }
    raw
}

fn compile_all(t: &Trace, bump: &mut Bump) {
    for target in Target::ALL {
        bump.reset();
        match Compiler::new(target).compile(t, UnixMemory::new(), bump) {
            Ok(c) => assert!(!c.code().is_empty()),
            Err(e) if target.word() != t.word() => assert_eq!(e, CompileError::WordMismatch),
            Err(CompileError::Unsupported(_)) => {}
            Err(e) => panic!("{target:?}: unexpected error {e} for\n{t}"),
        }
    }
}

#[test]
fn random_op_sequences_give_errors_never_panics() {
    let mut accepted = 0;
    let mut bump = Bump::new();
    let prop = |seed: u64| -> TestResult {
        let raw = if seed.is_multiple_of(2) {
            random_raw(seed)
        } else {
            mutant(seed)
        };
        let mut b = Bump::new();
        if let Ok(t) = Trace::from_raw(raw) {
            compile_all(&t, &mut b);
        }
        TestResult::passed()
    };
    QuickCheck::new()
        .tests(2000)
        .quickcheck(prop as fn(u64) -> TestResult);
    for seed in 0..3_000 {
        if let Ok(t) = Trace::from_raw(mutant(seed)) {
            compile_all(&t, &mut bump);
            accepted += 1;
        }
    }
    // The generator must reach the compiler, not only the verifier.
    assert!(accepted > 100, "only {accepted} random traces verified");
    println!("{accepted} mutated traces verified and compiled for every target");
}
