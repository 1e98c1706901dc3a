//! x86-64 System V: random valid traces (ints, floats, memory, guards,
//! loops, calls to real `extern "C"` test functions) compiled and run must
//! end exactly as the reference interpreter says.

mod backend_support;

use backend_support::differential;
use jit_core::backend::Target;
use jit_core::ir::WordSize;
use jit_core::ir::testgen::GenConfig;

/// Traces per run (release builds run more).
const TRACES: u64 = if cfg!(debug_assertions) { 1500 } else { 20_000 };

#[test]
fn random_traces_match_the_interpreter_sysv() {
    let n = differential(Target::SysV64, GenConfig::all(WordSize::W64, 24), 1, TRACES);
    println!("sysv64: {n} random traces checked");
}

#[test]
fn quickcheck_seeds_match_the_interpreter_sysv() {
    fn prop(seed: u64) -> bool {
        differential(Target::SysV64, GenConfig::all(WordSize::W64, 32), seed, 1) == 1
    }
    quickcheck::QuickCheck::new()
        .tests(200)
        .quickcheck(prop as fn(u64) -> bool);
}
