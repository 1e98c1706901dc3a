//! Lua standard library support code.

pub mod lstr;
