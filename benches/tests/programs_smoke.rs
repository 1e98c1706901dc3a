//! Smoke test for the `programs` benchmark: every Lua program runs at its tiny
//! `quick-size` under lua5.4 and luajit and both print the same thing, and the
//! runner's own checks (missing demo-vm, output mismatch, summary lines) work.
//! Needs `lua5.4` and `luajit` on PATH; CI installs both.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

// The benchmark binary's own modules; some of their items are unused here.
#[allow(dead_code)]
#[path = "../src/bin/programs/catalog.rs"]
mod catalog;
#[allow(dead_code)]
#[path = "../src/bin/programs/runner.rs"]
mod runner;

use runner::Interp;

/// The peer `name`, or a panic saying how to install it.
fn require(label: &'static str) -> Interp {
    let exe = runner::which(label).unwrap_or_else(|| {
        panic!(
            "{label} not found on PATH: the benchmark smoke test needs both lua5.4 and luajit \
             (e.g. `apt-get install lua5.4 luajit`)"
        )
    });
    Interp {
        label,
        exe,
        pre_args: Vec::new(),
    }
}

#[test]
fn every_program_agrees_between_lua54_and_luajit() {
    let lua = require("lua5.4");
    let jit = require("luajit");
    let programs = catalog::load(&catalog::programs_dir()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        programs.len() >= 10,
        "expected the full program set, found {}",
        programs.len()
    );
    for p in &programs {
        let run = |i: &Interp| {
            runner::run(i, &p.path, Some(p.quick_size))
                .unwrap_or_else(|e| panic!("{}: {e}", p.name))
                .stdout
        };
        let a = run(&lua);
        let b = run(&jit);
        assert!(!a.trim().is_empty(), "{}: lua5.4 printed nothing", p.name);
        if let Some(diff) = runner::first_difference(&a, &b) {
            panic!(
                "{}: luajit differs from lua5.4, {diff}\nlua5.4:\n{a}luajit:\n{b}",
                p.name
            );
        }
    }
}

/// Run the benchmark binary with extra environment variables.
fn bench(args: &[&str], env: &[(&str, &Path)]) -> Output {
    require("lua5.4");
    require("luajit");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_programs"));
    cmd.args(args)
        .env_remove("DEMO_VM_ARGS")
        .env_remove("BENCH_CLOCK");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the programs binary starts")
}

#[test]
fn missing_demo_vm_is_a_clear_error() {
    let out = bench(
        &["--quick", "fib"],
        &[("DEMO_VM", Path::new("/nonexistent/demo-vm"))],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("DEMO_VM=/nonexistent/demo-vm is not an executable"),
        "{stderr}"
    );
}

#[test]
fn full_pipeline_prints_geomeans_last() {
    // lua5.4 stands in for demo-vm: the whole pipeline runs and ratios are sane.
    let lua = require("lua5.4").exe;
    let out = bench(&["--quick"], &[("DEMO_VM", &lua)]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    let n = lines.len();
    assert!(n >= 4, "{stdout}");
    for (line, peer) in [(lines[n - 2], "lua5.4"), (lines[n - 1], "luajit")] {
        let prefix = format!("geomean demo-vm vs {peer}: ");
        let value = line
            .strip_prefix(&prefix)
            .unwrap_or_else(|| panic!("expected `{prefix}R`, got {line:?}"));
        let r: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("bad ratio {value:?}"));
        assert!(r.is_finite() && r > 0.0, "{line}");
    }
    let programs = catalog::load(&catalog::programs_dir()).unwrap_or_else(|e| panic!("{e}"));
    for p in &programs {
        assert!(
            lines
                .iter()
                .any(|l| l.split_whitespace().next() == Some(p.name.as_str())),
            "no row for {}:\n{stdout}",
            p.name
        );
    }
}

#[test]
fn output_mismatch_fails_loudly() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("programs_smoke");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let fake = dir.join("wrong-vm.sh");
    std::fs::write(&fake, "#!/bin/sh\necho 'not the right answer'\n").expect("write fake vm");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let out = bench(&["--quick", "fib"], &[("DEMO_VM", &fake)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("OUTPUT MISMATCH in fib: demo-vm differs from lua5.4"),
        "{stderr}"
    );
}
