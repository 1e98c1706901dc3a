//! Shared helpers for the backend tests: compile a trace, run it compiled
//! and in the reference interpreter on the same heap, compare everything.

#![allow(dead_code)]

use bumpalo::Bump;
use jit_core::backend::{Compiler, Exit, Target};
use jit_core::ir::interp::run;
use jit_core::ir::testgen::{
    self, CALL_DIGEST, GenConfig, Rng, TestCalls, TestFunctions, TestHeap,
};
use jit_core::ir::{Trace, Val};
use os_glue::unix::UnixMemory;
use std::sync::Mutex;
use std::sync::atomic::Ordering;

/// Serialises runs that read [`CALL_DIGEST`].
static DIGEST_LOCK: Mutex<()> = Mutex::new(());

/// Compiles `trace` for `target` and runs it natively (x86-64 targets).
pub fn run_compiled(target: Target, trace: &Trace, inputs: &[Val]) -> Exit {
    let bump = Bump::new();
    let compiled = Compiler::new(target)
        .compile(trace, UnixMemory::new(), &bump)
        .unwrap_or_else(|e| panic!("compile failed: {e}\n{trace}"));
    // SAFETY: tests only run traces whose accesses and calls are valid for
    // their inputs (checked by running the interpreter first).
    unsafe { compiled.execute(inputs) }.expect("execute")
}

/// Runs the interpreter (oracle).
pub fn run_interp(trace: &Trace, inputs: &[Val], calls: &mut TestCalls) -> Exit {
    // SAFETY: as above: generated/hand traces touch only their own memory.
    unsafe { run(trace, inputs, calls, 10_000_000) }.expect("interpreter")
}

/// Generates `n` random traces (seeds `seed0..`) for `target` with `cfg`,
/// runs each compiled and interpreted on the same heap and compares the
/// exit, every value, the heap bytes and the side-effect digest of calls.
/// Returns how many traces were checked.
pub fn differential(target: Target, cfg: GenConfig, seed0: u64, n: u64) -> u64 {
    differential_with(target, cfg, &TestFunctions::new(), seed0, n)
}

/// [`differential`] with a given function menu (e.g. Win64 wrappers).
pub fn differential_with(
    target: Target,
    cfg: GenConfig,
    funcs: &TestFunctions,
    seed0: u64,
    n: u64,
) -> u64 {
    // The test functions' effect digest is one global: one run at a time.
    let _one_at_a_time = DIGEST_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let funcs = funcs.clone();
    let mut total_calls = 0;
    for seed in (0..n).map(|k| seed0.wrapping_add(k)) {
        let mut rng = Rng::new(seed);
        let mut heap = TestHeap::new(cfg.word, 4, &mut rng);
        let g = testgen::generate(&mut rng, &mut heap, &funcs, &cfg).expect("generator");
        let start = heap.snapshot();
        let mut calls = TestCalls::new(cfg.word, &funcs);
        let expected = run_interp(&g.trace, &g.inputs, &mut calls);
        let after_interp = heap.snapshot();
        heap.restore(&start);
        CALL_DIGEST.store(0, Ordering::Relaxed);
        let got = run_compiled(target, &g.trace, &g.inputs);
        assert!(
            got.same(&expected),
            "seed {seed}: compiled {got:?} != interpreter {expected:?}\n{}",
            g.trace
        );
        assert!(
            heap.snapshot() == after_interp,
            "seed {seed}: memory differs\n{}",
            g.trace
        );
        if cfg.calls {
            assert_eq!(
                CALL_DIGEST.load(Ordering::Relaxed),
                calls.digest,
                "seed {seed}: call effects"
            );
        }
        total_calls += calls.calls;
    }
    // Calls must really be exercised when enabled (a menu that is never
    // reached would make the comparison vacuous).
    assert!(
        !cfg.calls || n < 50 || total_calls > n as usize / 4,
        "calls rarely reached: {total_calls} in {n} traces"
    );
    n
}
