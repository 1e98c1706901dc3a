//! The benchmark programs: every `benches/programs/*.lua` file, described by
//! its header comments.
//!
//! Each program starts with two header lines that this module reads:
//!
//! ```lua
//! -- bench: what the program exercises
//! -- quick-size: 12
//! ```
//!
//! `quick-size` is the `arg[1]` used by `--quick` and the smoke test; without
//! an argument each program uses its own default size (about 1-1.5 s on
//! lua5.4). Adding a program means adding a file; nothing else lists them.
//! Shared with `tests/programs_smoke.rs` through `#[path]`.

use std::fmt;
use std::path::{Path, PathBuf};

/// One benchmark program found in the programs directory.
#[derive(Debug, Clone)]
pub struct Program {
    /// File stem, used as the program's name in tables and filters.
    pub name: String,
    /// Absolute path of the `.lua` file.
    pub path: PathBuf,
    /// The `-- bench:` header: what the program measures.
    pub description: String,
    /// The `-- quick-size:` header: a tiny `arg[1]` for smoke runs.
    pub quick_size: u64,
}

/// Why the program directory could not be turned into a list of programs.
#[derive(Debug)]
pub enum CatalogError {
    /// Reading the directory or a file failed.
    Io(PathBuf, std::io::Error),
    /// A program lacks one of the required header lines.
    MissingHeader(PathBuf, &'static str),
    /// The `quick-size` header is not a positive integer.
    BadQuickSize(PathBuf, String),
    /// The directory holds no `.lua` files.
    Empty(PathBuf),
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(p, e) => write!(f, "cannot read {}: {e}", p.display()),
            Self::MissingHeader(p, key) => {
                write!(f, "{} has no `-- {key}:` header line", p.display())
            }
            Self::BadQuickSize(p, v) => write!(
                f,
                "{}: `-- quick-size: {v}` is not a positive integer",
                p.display()
            ),
            Self::Empty(p) => write!(f, "no .lua programs in {}", p.display()),
        }
    }
}

impl std::error::Error for CatalogError {}

/// The workspace root, fixed at compile time (the parent of `benches/`).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The directory holding the benchmark programs.
pub fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("programs")
}

/// Every program in `dir`, sorted by name.
pub fn load(dir: &Path) -> Result<Vec<Program>, CatalogError> {
    let entries = std::fs::read_dir(dir).map_err(|e| CatalogError::Io(dir.to_path_buf(), e))?;
    let mut programs = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| CatalogError::Io(dir.to_path_buf(), e))?
            .path();
        if path.extension().is_some_and(|x| x == "lua") {
            programs.push(parse(&path)?);
        }
    }
    if programs.is_empty() {
        return Err(CatalogError::Empty(dir.to_path_buf()));
    }
    programs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(programs)
}

/// Read one program's header.
fn parse(path: &Path) -> Result<Program, CatalogError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| CatalogError::Io(path.to_path_buf(), e))?;
    let header = |key: &'static str| {
        text.lines()
            .take_while(|l| l.starts_with("--"))
            .find_map(|l| {
                l.strip_prefix("--")?
                    .trim_start()
                    .strip_prefix(key)?
                    .strip_prefix(':')
                    .map(|v| v.trim().to_string())
            })
            .ok_or_else(|| CatalogError::MissingHeader(path.to_path_buf(), key))
    };
    let description = header("bench")?;
    let quick = header("quick-size")?;
    let quick_size = match quick.parse::<u64>() {
        Ok(n) if n > 0 => n,
        _ => return Err(CatalogError::BadQuickSize(path.to_path_buf(), quick)),
    };
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Program {
        name,
        path: path.to_path_buf(),
        description,
        quick_size,
    })
}
