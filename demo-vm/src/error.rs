//! Error types: the internal in-flight Lua error and the public embedding error.

use crate::value::Value;

/// A Lua error being propagated inside the VM: any Lua value. The value is
/// only valid until the next collection; it is converted to a message or put
/// back into a root (pcall's results) before any safepoint.
#[derive(Debug, Clone)]
pub struct LuaError {
    /// The error object (usually a string with a "CHUNK:LINE:" prefix).
    pub value: Value,
}

/// An error reported to the embedder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The source did not parse or compile.
    Syntax(String),
    /// An uncaught runtime error, with its message (as `lua5.4` prints it).
    Runtime(String),
}

impl Error {
    /// The message text.
    pub fn message(&self) -> &str {
        match self {
            Error::Syntax(m) | Error::Runtime(m) => m,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for Error {}

/// Convenience alias for VM internals.
pub type LResult<T> = Result<T, LuaError>;
