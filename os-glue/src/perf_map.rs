//! A perf map file (`/tmp/perf-PID.map`), so `perf report` names compiled code.
//!
//! Format (one line per code range, read by `perf` when it meets an address
//! that belongs to no ELF image): `START SIZE NAME`, with START and SIZE in
//! hexadecimal without `0x`.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::PathBuf;
use std::string::String;

/// An append-only writer of this process's perf map.
#[derive(Debug)]
pub struct PerfMap {
    file: File,
    path: PathBuf,
}

impl PerfMap {
    /// Open (create or append to) `/tmp/perf-<pid>.map` for this process.
    pub fn open() -> io::Result<Self> {
        Self::open_at(Self::default_path())
    }

    /// The path `perf` looks at for this process.
    pub fn default_path() -> PathBuf {
        PathBuf::from(std::format!("/tmp/perf-{}.map", std::process::id()))
    }

    /// Open (create or append to) a perf map at `path` (tests, or a custom location).
    pub fn open_at(path: PathBuf) -> io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        Ok(Self { file, path })
    }

    /// Where this map is written.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Record that `len` bytes of code at `addr` are called `name`. Line
    /// breaks in `name` are replaced by spaces so one record stays one line.
    pub fn record(&mut self, addr: usize, len: usize, name: &str) -> io::Result<()> {
        let name: String = name
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .collect();
        // One write per record, so concurrent appenders do not interleave lines.
        let line = std::format!("{addr:x} {len:x} {name}\n");
        self.file.write_all(line.as_bytes())
    }
}
