//! Lua 5.4's string library semantics over plain byte slices.
//!
//! Everything here is independent of the VM's value representation: callers
//! pass bytes, integers and floats, and receive bytes, byte ranges and typed
//! errors whose text is exactly what `lua5.4` would report (without the
//! `file:line:` prefix, which the VM adds).
//!
//! * [`number`] converts numbers to and from strings (`tostring`, `tonumber`).
//! * [`cfmt`] reproduces C `printf` conversions digit for digit (glibc).
//! * [`format`] implements `string.format`.
//! * [`pattern`] implements Lua patterns: `find`, `match`, `gmatch`, `gsub`.

pub mod cfmt;
pub mod format;
pub mod number;
pub mod pattern;
