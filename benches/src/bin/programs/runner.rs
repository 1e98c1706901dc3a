//! Running one Lua implementation on one program: locate the executable,
//! spawn it, capture its output, and time it (wall clock and the child's CPU
//! time, so a busy machine disturbs the numbers less).

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A Lua implementation to run programs with: `exe [pre_args...] FILE [SIZE]`.
#[derive(Debug, Clone)]
pub struct Interp {
    /// Column label: `demo-vm`, `lua5.4` or `luajit`.
    pub label: &'static str,
    /// Resolved path of the executable.
    pub exe: PathBuf,
    /// Arguments placed before the script (e.g. from `DEMO_VM_ARGS`).
    pub pre_args: Vec<OsString>,
}

/// What one run produced.
#[derive(Debug)]
pub struct Outcome {
    /// Everything the program printed on stdout.
    pub stdout: String,
    /// Elapsed wall-clock time from spawn to exit.
    pub wall: Duration,
    /// User plus system CPU time of the child.
    pub cpu: Duration,
}

/// Why a run gave no usable outcome.
#[derive(Debug)]
pub enum RunError {
    /// The process could not be started.
    Spawn(PathBuf, std::io::Error),
    /// The process exited unsuccessfully.
    Failed {
        /// Which implementation failed.
        label: &'static str,
        /// Exit status as text.
        status: String,
        /// The tail of its stderr.
        stderr: String,
    },
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Spawn(p, e) => write!(f, "cannot start {}: {e}", p.display()),
            Self::Failed {
                label,
                status,
                stderr,
            } => write!(f, "{label} failed ({status}); stderr:\n{stderr}"),
        }
    }
}

impl std::error::Error for RunError {}

/// Find `name` the way a shell would: a path if it contains `/`, else on `PATH`.
pub fn which(name: &str) -> Option<PathBuf> {
    if name.contains('/') {
        let p = PathBuf::from(name);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// CPU time (user + system) of all waited-for children so far.
fn children_cpu() -> Duration {
    let mut ru = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `ru` points to writable memory the size of a `rusage`, which
    // getrusage fills completely on success; RUSAGE_CHILDREN is a valid `who`.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, ru.as_mut_ptr()) };
    if rc != 0 {
        return Duration::ZERO;
    }
    // SAFETY: getrusage returned 0, so the struct is initialised (and it was
    // zeroed beforehand anyway, which is a valid `rusage`).
    let ru = unsafe { ru.assume_init() };
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// Run `script` with `interp`, passing `size` as `arg[1]` when given.
///
/// Children run one at a time, so the growth of the children's CPU time
/// across the wait is this child's own.
pub fn run(interp: &Interp, script: &Path, size: Option<u64>) -> Result<Outcome, RunError> {
    let mut cmd = Command::new(&interp.exe);
    cmd.args(&interp.pre_args).arg(script);
    if let Some(n) = size {
        cmd.arg(n.to_string());
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let cpu0 = children_cpu();
    let t0 = Instant::now();
    let out = cmd
        .output()
        .map_err(|e| RunError::Spawn(interp.exe.clone(), e))?;
    let wall = t0.elapsed();
    let cpu = children_cpu().saturating_sub(cpu0);
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(20).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(RunError::Failed {
            label: interp.label,
            status: out.status.to_string(),
            stderr: tail.join("\n"),
        });
    }
    Ok(Outcome {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        wall,
        cpu,
    })
}

/// Describe the first difference between two outputs, or `None` if equal.
pub fn first_difference(expected: &str, actual: &str) -> Option<String> {
    if expected == actual {
        return None;
    }
    let (mut e, mut a) = (expected.lines(), actual.lines());
    let mut line = 1;
    loop {
        match (e.next(), a.next()) {
            (Some(x), Some(y)) if x == y => line += 1,
            (None, None) => {
                return Some("outputs differ only in line endings or a final newline".into());
            }
            (x, y) => {
                let show =
                    |s: Option<&str>| s.map_or("<end of output>".to_string(), |s| format!("{s:?}"));
                return Some(format!(
                    "line {line}: expected {}, got {}",
                    show(x),
                    show(y)
                ));
            }
        }
    }
}
