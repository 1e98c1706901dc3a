//! The random valid-trace generator (`ir::testgen`): its traces verify, run
//! without interpreter errors, are deterministic, cover every op family,
//! and its real test functions agree with the interpreter's handler.

use jit_core::ir::interp::run;
use jit_core::ir::testgen::{self, GenConfig, Generated, Rng, TestCalls, TestFunctions, TestHeap};
use jit_core::ir::{CallHandler, GuardKind, Op, Outcome, RetType, Signature, Val, WordSize};
use quickcheck::QuickCheck;

const FUEL: u64 = 100_000;

fn gen_and_run(seed: u64, word: WordSize) -> (Generated, Outcome, TestCalls, TestHeap) {
    let mut rng = Rng::new(seed);
    let mut heap = TestHeap::new(word, 1 + rng.below(6), &mut rng);
    let funcs = TestFunctions::new();
    let cfg = GenConfig::all(word, 1 + rng.below(40));
    let g = testgen::generate(&mut rng, &mut heap, &funcs, &cfg)
        .unwrap_or_else(|e| panic!("seed {seed}: generator made an invalid trace: {e}"));
    let start = heap.snapshot();
    let mut calls = TestCalls::new(word, &funcs);
    // SAFETY: generated traces only access the heap's objects and cells.
    let out = unsafe { run(&g.trace, &g.inputs, &mut calls, FUEL) }
        .unwrap_or_else(|e| panic!("seed {seed}: {e}\n{}", g.trace));
    // Deterministic: the same start state gives the same result and heap.
    let end = heap.snapshot();
    heap.restore(&start);
    let mut calls2 = TestCalls::new(word, &funcs);
    // SAFETY: as above.
    let again = unsafe { run(&g.trace, &g.inputs, &mut calls2, FUEL) }.unwrap();
    assert!(out.same(&again), "seed {seed}: nondeterministic");
    assert_eq!(heap.snapshot(), end, "seed {seed}: heap differs on rerun");
    assert_eq!(calls.digest, calls2.digest);
    (g, out, calls, heap)
}

#[test]
fn generated_traces_verify_and_run_without_errors() {
    fn prop(seed: u64) -> bool {
        for word in [WordSize::W32, WordSize::W64] {
            let (g, _, _, _) = gen_and_run(seed, word);
            // The dump has a header and one line per op.
            assert_eq!(g.trace.to_string().lines().count(), g.trace.ops().len() + 1);
            // Every use refers to a value defined by an earlier op.
            for i in 0..g.trace.ops().len() {
                g.trace.visit_uses(i, |v, _| {
                    assert!(g.trace.value_def(v) < i, "op {i} uses {v:?}")
                });
            }
        }
        true
    }
    QuickCheck::new()
        .tests(300)
        .quickcheck(prop as fn(u64) -> bool);
}

#[test]
fn generated_traces_cover_every_op_family_and_both_exits() {
    let mut seen = std::collections::BTreeSet::<String>::new();
    let (mut loops_iterated, mut finishes, mut guard_exits, mut calls) = (0, 0, 0, 0);
    for seed in 0..400 {
        let word = if seed % 2 == 0 {
            WordSize::W64
        } else {
            WordSize::W32
        };
        let (g, out, handler, _) = gen_and_run(seed, word);
        calls += handler.calls;
        for op in g.trace.ops() {
            let name = match op {
                Op::Guard { kind, .. } => match kind {
                    GuardKind::True(_) => "guard_true",
                    GuardKind::False(_) => "guard_false",
                    GuardKind::Value(..) => "guard_value",
                    GuardKind::NonNull(_) => "guard_nonnull",
                    GuardKind::IsNull(_) => "guard_isnull",
                    GuardKind::Class { .. } => "guard_class",
                    GuardKind::NoOverflow => "guard_no_overflow",
                    GuardKind::Overflow => "guard_overflow",
                    GuardKind::NotInvalidated { .. } => "guard_not_invalidated",
                },
                Op::Load(d, a) => match (d.ty, a.index.is_some()) {
                    (jit_core::ir::Type::Ref, _) => "load_ref",
                    (_, true) => "load_item",
                    (_, false) => "load_field",
                },
                Op::Store(..) => "store",
                other => {
                    let s = format!("{other:?}");
                    let end = s.find(['(', ' ', '{']).unwrap_or(s.len());
                    seen.insert(s[..end].to_string());
                    continue;
                }
            };
            seen.insert(name.to_string());
        }
        match out {
            Outcome::Finish { .. } => finishes += 1,
            Outcome::GuardFailed { id: 0, values } => {
                if let Some(Some(Val::Int(n))) = values.last()
                    && *n >= 2
                {
                    loops_iterated += 1;
                }
            }
            Outcome::GuardFailed { .. } => guard_exits += 1,
        }
    }
    let expected = [
        "Input",
        "ConstInt",
        "ConstFloat",
        "ConstRef",
        "IntBin",
        "IntUn",
        "IntOvf",
        "FloatBin",
        "FloatUn",
        "FloatCmp",
        "Conv",
        "RefCmp",
        "RefIsNull",
        "load_field",
        "load_item",
        "load_ref",
        "store",
        "Call",
        "CondCall",
        "Label",
        "Jump",
        "Finish",
        "guard_true",
        "guard_false",
        "guard_value",
        "guard_nonnull",
        "guard_isnull",
        "guard_class",
        "guard_no_overflow",
        "guard_overflow",
        "guard_not_invalidated",
    ];
    for name in expected {
        assert!(
            seen.contains(name),
            "generator never produced {name}; saw {seen:?}"
        );
    }
    eprintln!(
        "400 traces: {finishes} finished, {guard_exits} random guard exits, {loops_iterated} loops ran 2+ times, {calls} calls"
    );
    assert!(
        loops_iterated >= 50,
        "only {loops_iterated} loops ran 2+ iterations"
    );
    assert!(
        finishes >= 100 && guard_exits >= 50,
        "finishes {finishes}, guard exits {guard_exits}"
    );
    assert!(calls >= 200, "only {calls} calls made");
}

#[test]
fn real_test_functions_agree_with_the_handler() {
    let funcs = TestFunctions::new();
    let mut handler = TestCalls::new(WordSize::W64, &funcs);
    let mut rng = Rng::new(7);
    let call = |h: &mut TestCalls, k: usize, args: &[Val]| -> Option<Val> {
        let (addr, sig): &(usize, Signature) = &funcs.fns[k];
        let r = h.call(*addr, sig, args).unwrap();
        match (r, sig.ret) {
            (Some(Val::Int(x)), Some(rt)) => Some(Val::Int(rt.extend(x, WordSize::W64))),
            (r, _) => r,
        }
    };
    for _ in 0..200 {
        let (a, b, c) = (rng.int(WordSize::W64), rng.int(WordSize::W64), rng.float());
        let obj = 0x1000 + rng.below(1000);
        assert_eq!(
            call(&mut handler, 0, &[Val::Int(a), Val::Int(b)]),
            Some(Val::Int(testgen::tf_mix(a, b)))
        );
        let scaled = call(&mut handler, 1, &[Val::Float(c), Val::Int(b)]).unwrap();
        assert!(scaled.same(Val::Float(testgen::tf_scale(c, b))));
        assert_eq!(
            call(&mut handler, 2, &[Val::Ref(obj), Val::Int(b)]),
            Some(Val::Int(testgen::tf_obj(obj, b)))
        );
        assert_eq!(
            call(&mut handler, 3, &[Val::Int(a)]),
            Some(Val::Int(testgen::tf_narrow_i8(a) as i64))
        );
        assert_eq!(
            call(&mut handler, 4, &[Val::Int(a)]),
            Some(Val::Int(testgen::tf_narrow_u16(a) as i64))
        );
        let ints: Vec<i64> = (0..8).map(|_| rng.int(WordSize::W64)).collect();
        let args: Vec<Val> = ints.iter().map(|&x| Val::Int(x)).collect();
        let want = testgen::tf_many_ints(
            ints[0], ints[1], ints[2], ints[3], ints[4], ints[5], ints[6], ints[7],
        );
        assert_eq!(call(&mut handler, 6, &args), Some(Val::Int(want)));
        let fl: Vec<f64> = (0..9).map(|_| rng.float()).collect();
        let mut args: Vec<Val> = fl.iter().map(|&x| Val::Float(x)).collect();
        args.push(Val::Int(a));
        let want = testgen::tf_many_floats(
            fl[0], fl[1], fl[2], fl[3], fl[4], fl[5], fl[6], fl[7], fl[8], a,
        );
        assert!(call(&mut handler, 7, &args).unwrap().same(Val::Float(want)));
        let want = testgen::tf_mixed(a, c, obj, b, c);
        let got = call(
            &mut handler,
            8,
            &[
                Val::Int(a),
                Val::Float(c),
                Val::Ref(obj),
                Val::Int(b),
                Val::Float(c),
            ],
        );
        assert_eq!(got, Some(Val::Int(want)));
        assert_eq!(
            call(&mut handler, 10, &[Val::Ref(obj)]),
            Some(Val::Ref(testgen::tf_same_ref(obj)))
        );
    }
    // Side effects: the digest the real functions keep matches the handler's.
    testgen::CALL_DIGEST.store(0, std::sync::atomic::Ordering::Relaxed);
    let mut h2 = TestCalls::new(WordSize::W64, &funcs);
    for x in [3i64, -1, 99] {
        testgen::tf_log(x);
        testgen::tf_effect();
        call(&mut h2, 9, &[Val::Int(x)]);
        call(&mut h2, 5, &[]);
    }
    assert_eq!(
        testgen::CALL_DIGEST.load(std::sync::atomic::Ordering::Relaxed),
        h2.digest
    );
    assert_eq!(RetType::U16.extend(-1, WordSize::W64), 0xffff);
}
