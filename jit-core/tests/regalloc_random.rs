//! Property tests: random programs are allocated, then the allocated code
//! is simulated on a symbolic machine and every read is checked (see
//! `regalloc_support::check`).

mod regalloc_support;

use bumpalo::Bump;
use jit_core::regalloc::{RegEnv, allocate};
use quickcheck::{QuickCheck, TestResult};
use regalloc_support::{Rng, check, dump, exit_sources, random_program, tiny_env};

/// Programs per property: the default, or `QUICKCHECK_TESTS` for long runs.
fn runs(default: u64) -> u64 {
    std::env::var("QUICKCHECK_TESTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn allocate_and_check(seed: u64, env: &RegEnv, len: usize) -> TestResult {
    let mut rng = Rng::new(seed);
    let func = random_program(&mut rng, env, len);
    let bump = Bump::new();
    match allocate(&func, env, &bump) {
        Err(e) => TestResult::error(format!(
            "seed {seed}: allocation refused: {e}\n{}",
            dump(&func, None)
        )),
        Ok(out) => match check(&func, env, &out, 3) {
            Ok(()) if out.exit_sources() != exit_sources(&func, &out) => TestResult::error(
                format!("seed {seed}: exit sources {:?}", out.exit_sources()),
            ),
            Ok(()) => TestResult::passed(),
            Err(msg) => {
                TestResult::error(format!("seed {seed}: {msg}\n{}", dump(&func, Some(&out))))
            }
        },
    }
}

#[test]
fn random_programs_on_a_tiny_register_file_read_the_right_values() {
    fn prop(seed: u64) -> TestResult {
        allocate_and_check(seed, &tiny_env(), 5 + (seed % 30) as usize)
    }
    QuickCheck::new()
        .tests(runs(3000))
        .quickcheck(prop as fn(u64) -> TestResult);
}

#[test]
fn random_programs_on_x86_64_read_the_right_values() {
    fn prop(seed: u64) -> TestResult {
        allocate_and_check(seed, &RegEnv::x86_64_sysv(), 10 + (seed % 60) as usize)
    }
    QuickCheck::new()
        .tests(runs(1000))
        .quickcheck(prop as fn(u64) -> TestResult);
}

#[test]
fn random_programs_on_x86_32_read_the_right_values() {
    fn prop(seed: u64) -> TestResult {
        allocate_and_check(seed, &RegEnv::x86_32(), 10 + (seed % 40) as usize)
    }
    QuickCheck::new()
        .tests(runs(1000))
        .quickcheck(prop as fn(u64) -> TestResult);
}
