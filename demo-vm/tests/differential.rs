//! Differential property test: batches of random Lua programs (see
//! `support/luagen.rs`) must produce exactly the same stdout, first stderr
//! line and exit status under the VM as under the reference `lua5.4`.
//!
//! Also one batch with `DEMO_VM_GC_STRESS=1` for the VM.
//!
//! Deterministic: the batches come from a fixed seed, replaced by
//! `DEMO_VM_DIFF_SEED=<u64>` to explore (or to reproduce a reported
//! failure). A failing batch is shrunk to the fewest failing cases, saved
//! under Cargo's test tmp dir, and reported with the seed and a diff.
//! `DEMO_VM_CMD` replaces the VM as in `corpus.rs` (`DEMO_VM_CMD=lua5.4`
//! compares the reference with itself, which checks that the generated
//! programs are deterministic). The test fails, not skips, without `lua5.4`.

#[allow(dead_code)] // each test crate uses a different part of the shared harness
mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use quickcheck::{Arbitrary, Gen, QuickCheck, TestResult};
use support::diff::line_diff;
use support::luagen::{CaseGen, batch_source};
use support::process::{RunOutput, VmCommand, normalise_stderr_line};

/// Programs per batch: one process start covers this many programs.
const CASES_PER_BATCH: u32 = 200;
/// Batches per test run (so 1000 programs).
const BATCHES: u64 = 5;
/// Statements per generated program (before nesting).
const STATEMENT_BUDGET: usize = 14;
/// The fixed seed used unless `DEMO_VM_DIFF_SEED` is set.
const DEFAULT_SEED: u64 = 0x5EED_0001_DEC0_DE42;
const SEED_ENV: &str = "DEMO_VM_DIFF_SEED";

/// A batch of generated programs, each with its original case number.
#[derive(Debug, Clone)]
struct Batch {
    cases: Vec<(u32, String)>,
}

impl Arbitrary for Batch {
    fn arbitrary(g: &mut Gen) -> Batch {
        let cases = (0..CASES_PER_BATCH)
            .map(|id| (id, CaseGen::new(g, STATEMENT_BUDGET).case_body()))
            .collect();
        Batch { cases }
    }

    /// Removes runs of cases: halves first, then smaller chunks, down to
    /// single cases, so a failure shrinks to the cases that cause it.
    fn shrink(&self) -> Box<dyn Iterator<Item = Batch>> {
        let cases = self.cases.clone();
        let n = cases.len();
        if n <= 1 {
            return Box::new(std::iter::empty());
        }
        let chunk_sizes = std::iter::successors(Some(n.div_ceil(2)), |&c| {
            if c > 1 { Some(c.div_ceil(2)) } else { None }
        });
        Box::new(chunk_sizes.flat_map(move |size| {
            let cases = cases.clone();
            (0..n.div_ceil(size)).map(move |chunk| {
                let kept = cases
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i / size != chunk)
                    .map(|(_, c)| c.clone())
                    .collect();
                Batch { cases: kept }
            })
        }))
    }
}

/// The two interpreters being compared, set once per test process.
#[derive(Debug)]
struct Pair {
    reference: VmCommand,
    vm: VmCommand,
}

static PAIR: OnceLock<Pair> = OnceLock::new();
/// The report of the most recent failing batch of each property; after
/// shrinking, the minimal one. Separate slots because tests run in parallel.
static LAST_FAILURE: Mutex<Option<String>> = Mutex::new(None);
static LAST_STRESS_FAILURE: Mutex<Option<String>> = Mutex::new(None);
static RUN_COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Environment variable that turns on collection at every allocation.
const GC_STRESS_ENV: &str = "DEMO_VM_GC_STRESS";

fn pair() -> &'static Pair {
    PAIR.get_or_init(|| Pair {
        reference: VmCommand::reference().unwrap_or_else(|e| panic!("{e}")),
        vm: VmCommand::under_test(option_env!("CARGO_BIN_EXE_demo-vm"))
            .unwrap_or_else(|e| panic!("{e}")),
    })
}

fn scratch_dir() -> PathBuf {
    let n = RUN_COUNTER.fetch_add(1, Ordering::Relaxed);
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("differential")
        .join(format!("{}-{n}", std::process::id()))
}

fn run_batch(cmd: &VmCommand, dir: &Path, envs: &[(&str, &str)]) -> Result<RunOutput, String> {
    cmd.run(dir, "batch.lua", b"", envs)
}

/// Compares one batch, the VM running with `vm_envs`; `Err` is a failure report.
fn compare(pair: &Pair, batch: &Batch, vm_envs: &[(&str, &str)]) -> Result<(), String> {
    let dir = scratch_dir();
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let source = batch_source(&batch.cases);
    fs::write(dir.join("batch.lua"), &source).map_err(|e| format!("writing batch: {e}"))?;
    let expected = run_batch(&pair.reference, &dir, &[])?;
    let actual = run_batch(&pair.vm, &dir, vm_envs)?;
    let _ = fs::remove_dir_all(&dir);
    let mut report = String::new();
    if expected.code != Some(0) || !expected.stderr.is_empty() {
        report.push_str(&format!(
            "generator bug: the reference rejected the batch (status {:?}): {}\n",
            expected.code,
            String::from_utf8_lossy(&expected.stderr)
        ));
    }
    if actual.timed_out {
        report.push_str("the VM timed out\n");
    }
    if actual.stdout != expected.stdout {
        report.push_str("stdout differs (-lua5.4 +vm):\n");
        report.push_str(&line_diff(
            &String::from_utf8_lossy(&expected.stdout),
            &String::from_utf8_lossy(&actual.stdout),
        ));
    }
    let exp_err = normalise_stderr_line(&expected.stderr, &pair.reference.program_names());
    let act_err = normalise_stderr_line(&actual.stderr, &pair.vm.program_names());
    if exp_err != act_err {
        report.push_str(&format!(
            "first stderr line: lua5.4 {exp_err:?}, vm {act_err:?}\n"
        ));
    }
    if expected.code != actual.code {
        report.push_str(&format!(
            "exit status: lua5.4 {:?}, vm {:?}\n",
            expected.code, actual.code
        ));
    }
    if report.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{report}\n{PROGRAM_MARK}{}\n{source}",
            batch.cases.len()
        ))
    }
}

/// Separates the report from the program text in failure messages.
const PROGRAM_MARK: &str = "--- program, cases: ";

fn record(slot: &Mutex<Option<String>>, result: Result<(), String>) -> TestResult {
    match result {
        Ok(()) => TestResult::passed(),
        Err(report) => {
            *slot.lock().expect("failure slot") = Some(report);
            TestResult::failed()
        }
    }
}

fn batch_agrees(batch: Batch) -> TestResult {
    record(&LAST_FAILURE, compare(pair(), &batch, &[]))
}

fn batch_agrees_under_gc_stress(batch: Batch) -> TestResult {
    record(
        &LAST_STRESS_FAILURE,
        compare(pair(), &batch, &[(GC_STRESS_ENV, "1")]),
    )
}

fn seed() -> u64 {
    match std::env::var(SEED_ENV) {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|e| panic!("{SEED_ENV}={text:?} is not a u64: {e}")),
        Err(_) => DEFAULT_SEED,
    }
}

fn generate(seed: u64) -> Batch {
    Batch::arbitrary(&mut Gen::from_size_and_seed(100, seed))
}

/// Runs `property` on `batches` batches drawn from `seed`; on failure saves
/// the shrunk batch and panics with the seed and the report.
fn check_property(
    property: fn(Batch) -> TestResult,
    slot: &Mutex<Option<String>>,
    batches: u64,
    label: &str,
) {
    let pair = pair();
    let seed = seed();
    let result = QuickCheck::new()
        .rng(Gen::from_size_and_seed(100, seed))
        .tests(batches)
        .max_tests(batches)
        .quicktest(property);
    if result.is_ok() {
        return;
    }
    let report = slot
        .lock()
        .expect("failure slot")
        .take()
        .unwrap_or_default();
    let saved = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("differential-failure-{label}-{seed}.lua"));
    let program = report
        .split_once(PROGRAM_MARK)
        .and_then(|(_, rest)| rest.split_once('\n'))
        .map(|(_, program)| program)
        .unwrap_or("");
    let _ = fs::write(&saved, program);
    panic!(
        "VM `{}` ({label}) disagrees with lua5.4 on a generated program (seed {seed}; \
         reproduce with {SEED_ENV}={seed} cargo test -p demo-vm --test differential; \
         minimal batch saved to {}):\n{report}",
        pair.vm.describe(),
        saved.display()
    );
}

#[test]
fn random_programs_behave_as_in_lua54() {
    check_property(batch_agrees, &LAST_FAILURE, BATCHES, "normal");
}

/// One batch under `DEMO_VM_GC_STRESS=1`: generated programs allocate many
/// closures, tables and strings, so collections happen at every point.
#[test]
fn random_programs_behave_as_in_lua54_under_gc_stress() {
    check_property(
        batch_agrees_under_gc_stress,
        &LAST_STRESS_FAILURE,
        1,
        "gc-stress",
    );
}

#[test]
fn generator_is_deterministic_per_seed() {
    let a = batch_source(&generate(7).cases);
    let b = batch_source(&generate(7).cases);
    let c = batch_source(&generate(8).cases);
    assert_eq!(a, b, "same seed must give the same programs");
    assert_ne!(a, c, "different seeds should give different programs");
}

#[test]
fn generated_programs_mostly_run_to_completion_in_lua54() {
    let reference = VmCommand::reference().unwrap_or_else(|e| panic!("{e}"));
    let batch = generate(DEFAULT_SEED ^ 1);
    let dir = scratch_dir();
    fs::create_dir_all(&dir).expect("scratch dir");
    fs::write(dir.join("batch.lua"), batch_source(&batch.cases)).expect("write batch");
    let out = run_batch(&reference, &dir, &[]).expect("run lua5.4");
    let _ = fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.code,
        Some(0),
        "lua5.4 rejected a generated batch: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let started = stdout
        .lines()
        .filter(|l| l.starts_with("=== case "))
        .count();
    let aborted = stdout
        .lines()
        .filter(|l| l.starts_with("error\t") || l.starts_with("error object\t"))
        .count();
    assert_eq!(started, CASES_PER_BATCH as usize, "every case must start");
    assert!(
        aborted * 4 < started,
        "{aborted} of {started} cases died of an uncaught error: the generator is too sloppy"
    );
    assert!(
        stdout.lines().count() > started * 5,
        "cases should print more than their header"
    );
}

#[test]
fn shrinking_removes_cases() {
    let batch = Batch {
        cases: (0..8).map(|i| (i, String::new())).collect(),
    };
    let smaller: Vec<Batch> = batch.shrink().collect();
    assert!(smaller.iter().all(|b| b.cases.len() < 8));
    assert!(
        smaller.iter().any(|b| b.cases.len() == 7),
        "single cases can be removed"
    );
    assert!(
        smaller.iter().any(|b| b.cases.len() == 4),
        "halves can be removed"
    );
}
