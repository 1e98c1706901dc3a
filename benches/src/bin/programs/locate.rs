//! Finding the three implementations: demo-vm (from `DEMO_VM` or built from
//! this workspace) and the peers `lua5.4` and `luajit` (from `PATH`, or
//! `LUA54` / `LUAJIT`).

use crate::runner::{Interp, which};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Resolve a peer named by environment variable `var` (default `default`).
pub fn peer(label: &'static str, var: &str, default: &str) -> Result<Interp, String> {
    let name = std::env::var(var).unwrap_or_else(|_| default.to_string());
    let exe = which(&name).ok_or_else(|| {
        format!(
            "{label} not found: `{name}` is not an executable file or on PATH \
             (install it, e.g. `apt-get install {default}`, or set {var}=/path/to/{default})"
        )
    })?;
    Ok(Interp {
        label,
        exe,
        pre_args: Vec::new(),
    })
}

/// Resolve demo-vm.
///
/// `DEMO_VM` names the binary directly. Otherwise the binary is
/// `<target>/release/demo-vm`, where `<target>` is the target directory this
/// benchmark was built into; `cargo build --release -p demo-vm` runs first so
/// the binary is never stale (a no-op when it is fresh). `DEMO_VM_ARGS`
/// (split on whitespace) goes before the script, e.g. a flag disabling the JIT.
pub fn demo_vm(root: &Path) -> Result<Interp, String> {
    let pre_args: Vec<OsString> = std::env::var("DEMO_VM_ARGS")
        .unwrap_or_default()
        .split_whitespace()
        .map(OsString::from)
        .collect();
    let exe = match std::env::var("DEMO_VM") {
        Ok(name) => which(&name).ok_or_else(|| {
            format!("DEMO_VM={name} is not an executable file or a command on PATH")
        })?,
        Err(_) => build_demo_vm(root)?,
    };
    Ok(Interp {
        label: "demo-vm",
        exe,
        pre_args,
    })
}

/// The target directory: `CARGO_TARGET_DIR`, else the one holding this
/// executable (`<target>/<profile>/programs`), else `<root>/target`.
fn target_dir(root: &Path) -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        // Cargo reads a relative CARGO_TARGET_DIR against the working directory.
        return std::path::absolute(&dir).unwrap_or_else(|_| PathBuf::from(dir));
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.to_path_buf()))
        .filter(|dir| dir.join("release").is_dir() || dir.join("debug").is_dir())
        .unwrap_or_else(|| root.join("target"))
}

/// Build demo-vm in release mode and return its binary.
fn build_demo_vm(root: &Path) -> Result<PathBuf, String> {
    let bin = target_dir(root).join("release").join("demo-vm");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("building demo-vm: cargo build --release -p demo-vm");
    let status = Command::new(&cargo)
        .args(["build", "--release", "-p", "demo-vm"])
        .current_dir(root)
        .status();
    let built = matches!(status, Ok(s) if s.success());
    if bin.is_file() {
        if !built {
            eprintln!(
                "warning: `cargo build --release -p demo-vm` failed; using the existing {}",
                bin.display()
            );
        }
        return Ok(bin);
    }
    let why = match status {
        Ok(s) if s.success() => "the build produced no `demo-vm` binary \
                                 (does the demo-vm crate have its command-line binary yet?)"
            .to_string(),
        Ok(s) => format!("the build failed ({s})"),
        Err(e) => format!("cargo could not be started: {e}"),
    };
    Err(format!(
        "demo-vm binary unavailable: expected {} after `cargo build --release -p demo-vm`, but {why}. \
         Set DEMO_VM=/path/to/demo-vm to benchmark a binary built elsewhere.",
        bin.display()
    ))
}
