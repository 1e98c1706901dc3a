//! Proof of `no_std`: build the freestanding program (no std, no libc, own `_start`,
//! panic handler and allocator) that links `jit-core` and `gc-maps`, run it, and
//! check that the code it assembled computed the right value.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn freestanding_program_links_jit_core_and_runs_jitted_code() {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let manifest = here.join("freestanding/Cargo.toml");
    let target_dir = here.join("../target/freestanding");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let build = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(&manifest)
        .arg("--target-dir")
        .arg(&target_dir)
        // The outer build's flags (e.g. coverage instrumentation) would need a runtime we do not link.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        build.status.success(),
        "freestanding build failed:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );

    let exe = target_dir.join("release/freestanding");
    let run = Command::new(&exe)
        .output()
        .expect("freestanding binary runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        run.status.code(),
        Some(0),
        "stdout: {stdout}\nstderr: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        stdout.starts_with("freestanding: ok"),
        "unexpected output: {stdout}"
    );

    // It really is freestanding: statically linked, no interpreter, no libc.
    let elf = std::fs::read(&exe).expect("read binary");
    assert!(
        !elf.windows(b"libc.so".len()).any(|w| w == b"libc.so"),
        "binary mentions libc.so"
    );
    assert!(
        !elf.windows(b"ld-linux".len()).any(|w| w == b"ld-linux"),
        "binary has a dynamic loader"
    );
}
