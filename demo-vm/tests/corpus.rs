//! Runs every Lua program of `tests/lua/` under the VM and compares with
//! the expected files generated from `lua5.4` by `scripts/regen-lua-expected.sh`
//! (format: `tests/lua/README.md`): stdout exactly, the first stderr line
//! with the program name normalised to `lua: `, and the exit status.
//!
//! Every program runs twice: normally, and with `DEMO_VM_GC_STRESS=1`
//! (a collection at every allocation), which must not change any output.
//! The stress pass skips only the programs in [`GC_STRESS_SKIP`].
//!
//! Knobs (environment):
//! - `DEMO_VM_CMD`: command prefix replacing `demo-vm run` (e.g. `lua5.4`,
//!   which checks the harness and expected files against the reference);
//! - `DEMO_VM_CORPUS_FILTER`: only programs whose name contains this text;
//! - `DEMO_VM_TIMEOUT_SECS`: per-program time limit (default 120).
//!
//! All failing programs are reported together, each with a diff.

#[allow(dead_code)] // each test crate uses a different part of the shared harness
mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::thread;

use support::diff::line_diff;
use support::process::{VmCommand, normalise_stderr_line};

/// Programs not run under GC stress, with the reason. A collection at every
/// allocation makes these quadratic (many allocations times a large live
/// heap, or a very deep stack to scan at each allocation): they would take
/// minutes while adding little over the normal run.
const GC_STRESS_SKIP: &[(&str, &str)] = &[
    (
        "alloc_loop",
        "~250k allocations; each stress collection copies the whole heap",
    ),
    (
        "large_tables",
        "100k-element tables: every allocation would copy 100k entries",
    ),
    (
        "stack_overflow",
        "recursion to the stack limit: every frame's allocation scans ~200k frames",
    ),
];

/// Environment variable that turns on collection at every allocation.
const GC_STRESS_ENV: &str = "DEMO_VM_GC_STRESS";

/// Minimum corpus size, so that a broken directory scan cannot pass vacuously.
const MIN_PROGRAMS: usize = 70;

/// One corpus program and what the reference interpreter did with it.
#[derive(Debug)]
struct Case {
    name: String,
    stdin: Vec<u8>,
    stdout: Vec<u8>,
    stderr_line: String,
    code: i32,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("lua")
}

fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, String> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

fn load_case(dir: &Path, name: &str) -> Result<Case, String> {
    let file = |ext: &str| dir.join(format!("{name}.{ext}"));
    let stdout = read_optional(&file("out"))?.ok_or_else(|| {
        format!("{name}.lua has no {name}.out: run scripts/regen-lua-expected.sh")
    })?;
    let stderr_line = read_optional(&file("err"))?
        .map(|b| {
            String::from_utf8_lossy(&b)
                .lines()
                .next()
                .unwrap_or("")
                .to_string()
        })
        .unwrap_or_default();
    let code = match read_optional(&file("code"))? {
        None => 0,
        Some(b) => String::from_utf8_lossy(&b)
            .trim()
            .parse::<i32>()
            .map_err(|e| format!("{name}.code is not an exit status: {e}"))?,
    };
    let stdin = read_optional(&file("stdin"))?.unwrap_or_default();
    Ok(Case {
        name: name.to_string(),
        stdin,
        stdout,
        stderr_line,
        code,
    })
}

/// All programs (`*.lua` except `*_helper.lua`), sorted by name.
fn program_names(dir: &Path) -> Vec<String> {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut names: Vec<String> = entries
        .map(|entry| entry.expect("readable corpus directory entry").file_name())
        .filter_map(|n| {
            n.to_str()
                .and_then(|s| s.strip_suffix(".lua"))
                .map(str::to_string)
        })
        .filter(|n| !n.ends_with("_helper"))
        .collect();
    names.sort();
    names
}

fn load_cases() -> Vec<Case> {
    let dir = corpus_dir();
    let all = program_names(&dir);
    assert!(
        all.len() >= MIN_PROGRAMS,
        "expected at least {MIN_PROGRAMS} programs in {}, found {}",
        dir.display(),
        all.len()
    );
    let filter = std::env::var("DEMO_VM_CORPUS_FILTER").unwrap_or_default();
    let cases: Vec<Case> = all
        .iter()
        .filter(|n| n.contains(&filter))
        .map(|n| load_case(&dir, n).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    assert!(
        !cases.is_empty(),
        "DEMO_VM_CORPUS_FILTER={filter:?} matches no program"
    );
    cases
}

fn vm() -> VmCommand {
    VmCommand::under_test(option_env!("CARGO_BIN_EXE_demo-vm")).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs one case; `Err` holds a failure report.
fn check_case(vm: &VmCommand, case: &Case, envs: &[(&str, &str)]) -> Result<(), String> {
    let file = format!("{}.lua", case.name);
    let out = vm.run(&corpus_dir(), &file, &case.stdin, envs)?;
    if out.timed_out {
        return Err("timed out (see DEMO_VM_TIMEOUT_SECS)".to_string());
    }
    let mut report = String::new();
    if out.stdout != case.stdout {
        report.push_str("stdout differs (-expected +actual):\n");
        report.push_str(&line_diff(
            &String::from_utf8_lossy(&case.stdout),
            &String::from_utf8_lossy(&out.stdout),
        ));
    }
    let stderr_line = normalise_stderr_line(&out.stderr, &vm.program_names());
    if stderr_line != case.stderr_line {
        report.push_str(&format!(
            "first stderr line differs:\n  expected: {:?}\n  actual:   {:?}\n",
            case.stderr_line, stderr_line
        ));
    }
    match out.code {
        Some(code) if code == case.code => {}
        Some(code) => report.push_str(&format!("exit status {code}, expected {}\n", case.code)),
        None => report.push_str(&format!(
            "killed by a signal, expected exit status {}; stderr:\n{}\n",
            case.code,
            String::from_utf8_lossy(&out.stderr)
        )),
    }
    if report.is_empty() {
        Ok(())
    } else {
        Err(report)
    }
}

/// Programs the VM is known not to pass yet, from `tests/lua/KNOWN_FAILING`
/// (one name per line, `#` starts a comment). A listed program must still
/// fail: once it passes, the test asks for its removal, so the list only shrinks.
fn known_failing() -> Vec<String> {
    let text = fs::read_to_string(corpus_dir().join("KNOWN_FAILING")).unwrap_or_default();
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// Runs `cases` on all cores and panics with every failure at once.
fn run_all(cases: &[&Case], envs: &[(&str, &str)], pass: &str) {
    let known = known_failing();
    let vm = vm();
    let next = Mutex::new(0usize);
    let failures = Mutex::new(Vec::<(String, String)>::new());
    let workers = thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(2);
    thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let index = {
                        let mut n = next.lock().expect("work counter");
                        let i = *n;
                        *n += 1;
                        i
                    };
                    let Some(case) = cases.get(index) else { break };
                    if let Err(report) = check_case(&vm, case, envs) {
                        failures
                            .lock()
                            .expect("failure list")
                            .push((case.name.clone(), report));
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().expect("failure list");
    failures.sort();
    let now_passing: Vec<&str> = cases
        .iter()
        .map(|c| c.name.as_str())
        .filter(|n| known.iter().any(|k| k == n) && !failures.iter().any(|(f, _)| f == n))
        .collect();
    assert!(
        now_passing.is_empty(),
        "listed in tests/lua/KNOWN_FAILING but passing now ({pass}); remove them: {}",
        now_passing.join(" ")
    );
    failures.retain(|(name, _)| !known.iter().any(|k| k == name));
    if !failures.is_empty() {
        let mut msg = format!(
            "{} of {} corpus programs failed ({pass}, VM `{}`):\n",
            failures.len(),
            cases.len(),
            vm.describe()
        );
        for (name, report) in &failures {
            msg.push_str(&format!("\n=== {name}.lua ===\n{report}"));
        }
        let names: Vec<&str> = failures.iter().map(|(n, _)| n.as_str()).collect();
        msg.push_str(&format!("\nfailing: {}\n", names.join(" ")));
        panic!("{msg}");
    }
}

#[test]
fn corpus_output_matches_reference() {
    let cases = load_cases();
    let refs: Vec<&Case> = cases.iter().collect();
    run_all(&refs, &[], "normal run");
}

#[test]
fn corpus_output_unchanged_under_gc_stress() {
    let cases = load_cases();
    let refs: Vec<&Case> = cases
        .iter()
        .filter(|c| !GC_STRESS_SKIP.iter().any(|(skip, _)| *skip == c.name))
        .collect();
    run_all(
        &refs,
        &[(GC_STRESS_ENV, "1")],
        "GC stress run, DEMO_VM_GC_STRESS=1",
    );
}

#[test]
fn gc_stress_skip_list_names_existing_programs() {
    let names = program_names(&corpus_dir());
    for (skip, reason) in GC_STRESS_SKIP {
        assert!(
            names.iter().any(|n| n == skip),
            "GC_STRESS_SKIP names missing program {skip} ({reason})"
        );
    }
    assert!(
        GC_STRESS_SKIP.len() * 10 < names.len(),
        "the stress skip list must stay small"
    );
}

#[test]
fn stderr_normalisation_maps_both_program_names_to_lua() {
    let names = vec![
        "/usr/bin/lua5.4".to_string(),
        "lua5.4".to_string(),
        "demo-vm".to_string(),
    ];
    assert_eq!(
        normalise_stderr_line(b"lua5.4: x.lua:1: boom\nstack traceback:\n", &names),
        "lua: x.lua:1: boom"
    );
    assert_eq!(
        normalise_stderr_line(b"/usr/bin/lua5.4: m\n", &names),
        "lua: m"
    );
    assert_eq!(normalise_stderr_line(b"demo-vm: m", &names), "lua: m");
    assert_eq!(normalise_stderr_line(b"other: m\n", &names), "other: m");
    assert_eq!(normalise_stderr_line(b"", &names), "");
}

#[test]
fn line_diff_shows_only_the_differing_region() {
    assert_eq!(line_diff("a\nb\n", "a\nb\n"), "");
    let d = line_diff("1\n2\n3\n4\n5\n6\n", "1\n2\n3\nX\n5\n6\n");
    assert!(d.contains("-4\n+X\n"), "{d}");
    assert!(
        d.contains(" 3\n") && d.contains(" 5\n") && !d.contains(" 1\n"),
        "{d}"
    );
    assert!(line_diff("a\n", "a").contains("no newline"));
}
