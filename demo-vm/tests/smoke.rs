//! Runs every `tests/smoke/*.lua` program and compares its output with the
//! `.expected` file produced by the reference `lua5.4` (see
//! `tests/smoke/gen_expected.sh`), once normally and once under GC stress
//! (a collection at every allocating safepoint, from-space poisoned).

use demo_vm::Vm;
use std::path::{Path, PathBuf};

fn programs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smoke");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("smoke dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "lua") && p.with_extension("expected").exists()
        })
        .collect();
    v.sort();
    assert!(v.len() >= 10, "smoke programs missing");
    v
}

fn run(path: &Path, stress: bool) -> String {
    let rel = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .expect("inside crate")
        .to_string_lossy()
        .into_owned();
    let src = std::fs::read(path).expect("read program");
    let rel2 = rel.clone();
    // Run on a thread with a large stack, in the crate directory (modules use relative paths).
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let mut vm = Vm::new();
            vm.set_capture(true);
            vm.set_gc_stress(stress);
            vm.set_args(&rel2, &[]);
            let r = vm.run_bytes(&src, &format!("@{rel2}"), &[]);
            let mut out = String::from_utf8_lossy(&vm.take_output()).into_owned();
            if let Err(e) = r {
                out.push_str(&format!("ERROR: {}\n", e.message()));
            }
            out
        })
        .expect("spawn")
        .join()
        .expect("vm thread panicked")
}

fn check_all(stress: bool) {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).expect("chdir");
    let mut failures = Vec::new();
    for p in programs() {
        let expected =
            std::fs::read_to_string(p.with_extension("expected")).expect("expected file");
        let got = run(&p, stress);
        if got != expected {
            failures.push(format!(
                "--- {} (stress={stress})\nexpected:\n{expected}\ngot:\n{got}",
                p.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn smoke_programs_match_lua54() {
    check_all(false);
}

#[test]
fn smoke_programs_match_lua54_under_gc_stress() {
    check_all(true);
}

#[test]
fn cli_reports_uncaught_errors_like_lua() {
    let exe = env!("CARGO_BIN_EXE_demo-vm");
    let out = std::process::Command::new(exe)
        .args(["-e", "local t = nil; print(t.x)"])
        .output()
        .expect("run demo-vm");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("demo-vm: (command line):1: attempt to index a nil value (local 't')\nstack traceback:\n\t[C]: in ?"),
        "stderr was {err:?}"
    );
    let ok = std::process::Command::new(exe)
        .args(["-e", "print(1 + 1)"])
        .output()
        .expect("run demo-vm");
    assert_eq!(String::from_utf8_lossy(&ok.stdout), "2\n");
}

#[test]
fn repl_evaluates_lines_and_continues_incomplete_input() {
    use std::io::Write;
    let exe = env!("CARGO_BIN_EXE_demo-vm");
    let mut child = std::process::Command::new(exe)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run demo-vm");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"x = 20\nfunction f(v)\n  return v + x\nend\nf(1), f(2)\n1 +\n2\nerror('e')\nprint('done')\n")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "21\t22\n3\ndone\n");
    assert!(String::from_utf8_lossy(&out.stderr).contains("demo-vm: stdin:1: e"));
}
