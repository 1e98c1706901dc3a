//! `demo-vm`: a Lua 5.4 subset VM, the worked example of embedding `jit-core`.

/// The Lua standard library pieces that do not depend on the value representation.
pub mod stdlib;
