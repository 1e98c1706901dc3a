//! Lua 5.4's string library semantics over plain byte slices.
//!
//! Everything here is independent of the VM's value representation: callers
//! pass bytes, integers and floats, and receive bytes, byte ranges and typed
//! errors whose text is exactly what `lua5.4` would report (without the
//! `file:line:` prefix, which the VM adds).
//!
//! * [`number`] converts numbers to and from strings (`tostring`, `tonumber`).
//! * [`cfmt`] reproduces C `printf` conversions digit for digit (glibc).
//! * [`format`](mod@format) implements `string.format`.
//! * [`index`] converts Lua's 1-based / negative string positions.
//! * [`pattern`] implements Lua patterns: `find`, `match`, `gmatch`, `gsub`.

//!
//! How the VM uses it:
//! * `tostring(n)`: [`number::number_to_string`]; `tonumber(s)` and numeric
//!   coercion of strings: [`number::str_to_number`]; `tonumber(s, base)`:
//!   [`number::str_to_int_base`]; float -> integer: [`number::float_to_int_exact`].
//! * `string.format`: convert arguments to [`format::FmtArg`] and call
//!   [`format::format`] with a `tostring` callback for tables and other objects.
//! * `string.sub` / `string.byte`: [`index::sub_range`] / [`index::byte_range`].
//! * `string.find` / `string.match`: [`pattern::find`] / [`pattern::match_`];
//!   captures come back as [`pattern::Capture`] (byte range or position).
//! * `string.gmatch`: keep a [`pattern::GMatch`] in the iterator closure and
//!   call [`pattern::GMatch::next_match`] with the same subject and pattern.
//! * `string.gsub`: [`pattern::gsub`] with a [`pattern::Replacement`]; table
//!   and function replacements are callbacks returning `Ok(None)` for
//!   `nil`/`false`. The VM raises "invalid replacement value (a table)"
//!   itself when the callback's Lua result is not a string or number.
//!
//! Error strings are Lua's messages without position; the VM prefixes
//! `chunk:line:` where Lua would.

pub mod cfmt;
pub mod format;
pub mod index;
pub mod number;
pub mod pattern;
