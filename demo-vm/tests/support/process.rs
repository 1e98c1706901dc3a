//! Starting the VM under test (or the reference `lua5.4`) on one Lua file
//! with optional stdin, extra environment, and a wall-clock limit.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Environment variable replacing the VM command (see the module docs).
pub const VM_CMD_ENV: &str = "DEMO_VM_CMD";

/// Environment variable with the per-program time limit in seconds.
pub const TIMEOUT_ENV: &str = "DEMO_VM_TIMEOUT_SECS";

/// Default per-program time limit: generous, because GC-stress runs of a
/// debug build are slow, but finite so that a hung VM fails the test.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// A command prefix that runs one Lua file when the file name is appended.
#[derive(Debug, Clone)]
pub struct VmCommand {
    program: OsString,
    prefix_args: Vec<OsString>,
}

impl VmCommand {
    /// The VM under test: `DEMO_VM_CMD` when set, else `demo-vm run`.
    ///
    /// `built_vm` is `option_env!("CARGO_BIN_EXE_demo-vm")` of the calling
    /// test; it is `None` when the package has no `demo-vm` binary yet, and
    /// then only the override can name a VM.
    pub fn under_test(built_vm: Option<&str>) -> Result<VmCommand, String> {
        if let Some(cmd) = std::env::var_os(VM_CMD_ENV) {
            let text = cmd.to_string_lossy().into_owned();
            let mut words = text.split_whitespace().map(OsString::from);
            let program = words
                .next()
                .ok_or_else(|| format!("{VM_CMD_ENV} is set but empty"))?;
            return Ok(VmCommand {
                program,
                prefix_args: words.collect(),
            });
        }
        match built_vm {
            Some(path) => Ok(VmCommand {
                program: OsString::from(path),
                prefix_args: vec![OsString::from("run")],
            }),
            None => Err(format!(
                "this package has no `demo-vm` binary target, so there is no VM to test; \
                 build the VM or set {VM_CMD_ENV} (e.g. {VM_CMD_ENV}=lua5.4)"
            )),
        }
    }

    /// The reference interpreter: `lua5.4` found on `PATH`.
    pub fn reference() -> Result<VmCommand, String> {
        let path = find_on_path("lua5.4").ok_or_else(|| {
            "the reference interpreter `lua5.4` is not on PATH; install it \
             (e.g. `apt-get install lua5.4`) -- these tests compare against it"
                .to_string()
        })?;
        Ok(VmCommand {
            program: path.into_os_string(),
            prefix_args: Vec::new(),
        })
    }

    /// Prefixes this command may put in front of its first stderr line
    /// (`NAME: msg`), most specific first, for [`normalise_stderr_line`].
    pub fn program_names(&self) -> Vec<String> {
        let full = self.program.to_string_lossy().into_owned();
        let base = Path::new(&full)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| full.clone());
        let mut names = vec![full, base, "demo-vm".to_string(), "lua5.4".to_string()];
        names.dedup();
        names
    }

    /// A human-readable form of the command, for failure messages.
    pub fn describe(&self) -> String {
        let mut parts = vec![self.program.to_string_lossy().into_owned()];
        parts.extend(
            self.prefix_args
                .iter()
                .map(|a| a.to_string_lossy().into_owned()),
        );
        parts.join(" ")
    }

    /// Runs `file` (relative to `dir`, which becomes the working directory)
    /// with `stdin` as input and `envs` added to the environment.
    pub fn run(
        &self,
        dir: &Path,
        file: &str,
        stdin: &[u8],
        envs: &[(&str, &str)],
    ) -> Result<RunOutput, String> {
        let mut command = Command::new(&self.program);
        command
            .args(&self.prefix_args)
            .arg(file)
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in envs {
            command.env(key, value);
        }
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot start `{}`: {e}", self.describe()))?;
        feed_and_collect(&mut child, stdin.to_vec(), timeout())
    }
}

/// What one program run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutput {
    /// Everything written to stdout.
    pub stdout: Vec<u8>,
    /// Everything written to stderr.
    pub stderr: Vec<u8>,
    /// Exit status; `None` when killed by a signal (or by the time limit).
    pub code: Option<i32>,
    /// Whether the time limit killed the process.
    pub timed_out: bool,
}

fn timeout() -> Duration {
    std::env::var(TIMEOUT_ENV)
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_TIMEOUT)
}

/// Writes stdin and drains stdout/stderr on helper threads (so that no pipe
/// fills up), killing the child when `limit` passes.
fn feed_and_collect(
    child: &mut Child,
    input: Vec<u8>,
    limit: Duration,
) -> Result<RunOutput, String> {
    let mut stdin = child.stdin.take().ok_or("child has no stdin pipe")?;
    let mut stdout = child.stdout.take().ok_or("child has no stdout pipe")?;
    let mut stderr = child.stderr.take().ok_or("child has no stderr pipe")?;
    // A program that exits without reading its input closes the pipe: ignore that error.
    let writer = thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out_reader = thread::spawn(move || {
        let mut buf = Vec::new();
        stdout.read_to_end(&mut buf).map(|_| buf)
    });
    let err_reader = thread::spawn(move || {
        let mut buf = Vec::new();
        stderr.read_to_end(&mut buf).map(|_| buf)
    });
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        match child
            .try_wait()
            .map_err(|e| format!("waiting for child: {e}"))?
        {
            Some(status) => break status,
            None if start.elapsed() > limit => {
                timed_out = true;
                let _ = child.kill();
                break child
                    .wait()
                    .map_err(|e| format!("waiting for killed child: {e}"))?;
            }
            None => thread::sleep(Duration::from_millis(2)),
        }
    };
    let _ = writer.join();
    let stdout = join_reader(out_reader)?;
    let stderr = join_reader(err_reader)?;
    Ok(RunOutput {
        stdout,
        stderr,
        code: status.code(),
        timed_out,
    })
}

fn join_reader(handle: thread::JoinHandle<std::io::Result<Vec<u8>>>) -> Result<Vec<u8>, String> {
    handle
        .join()
        .map_err(|_| "output reader thread panicked".to_string())?
        .map_err(|e| format!("reading child output: {e}"))
}

/// The first line of `stderr` with a leading `NAME: ` (one of `names`)
/// replaced by `lua: `, so that `lua5.4: x` and `demo-vm: x` compare equal.
/// Empty when stderr is empty.
pub fn normalise_stderr_line(stderr: &[u8], names: &[String]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let first = text.lines().next().unwrap_or("");
    for name in names {
        if let Some(rest) = first
            .strip_prefix(name.as_str())
            .and_then(|r| r.strip_prefix(": "))
        {
            return format!("lua: {rest}");
        }
    }
    first.to_string()
}

/// The first executable file called `name` in the directories of `PATH`.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}
