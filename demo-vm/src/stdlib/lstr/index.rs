//! Lua's 1-based, negative-from-the-end string positions, shared by
//! `string.sub`, `string.byte`, `string.find`, `string.match` and
//! `string.gmatch` (`posrelatI` and `getendpos` in `lstrlib.c`).

use std::ops::Range;

/// Converts a start position `init` (1-based; 0 and too-negative values
/// clip to 1; negative counts from the end) to a 0-based offset. The result
/// may exceed `len` (e.g. `init = len + 2`); callers decide what that means
/// ("no match" for `find`, an empty result for `sub`).
pub fn start_offset(init: i64, len: usize) -> usize {
    let pos = if init > 0 {
        usize::try_from(init).unwrap_or(usize::MAX)
    } else if init == 0 || init.unsigned_abs() > len as u64 {
        1
    } else {
        len - init.unsigned_abs() as usize + 1
    };
    pos - 1
}

/// Converts an end position `j` (1-based, inclusive; negative counts from
/// the end) to the number of bytes up to and including it, clipped to
/// `0..=len` (`getendpos`).
pub fn end_pos(j: i64, len: usize) -> usize {
    if j >= 0 {
        usize::try_from(j).map_or(len, |j| j.min(len))
    } else if j.unsigned_abs() > len as u64 {
        0
    } else {
        len - j.unsigned_abs() as usize + 1
    }
}

/// `string.sub(s, i, j)` as a byte range of `s` (`j` defaults to -1 in Lua).
/// An empty range when the positions cross.
pub fn sub_range(i: i64, j: i64, len: usize) -> Range<usize> {
    let start = start_offset(i, len);
    let end = end_pos(j, len);
    if start >= end { 0..0 } else { start..end }
}

/// `string.byte(s, i, j)` as a byte range of `s`: `i` defaults to 1 and
/// `j` to `i` as given (so `byte(s, 0)` and `byte(s, -9)` on short strings
/// are empty, as in Lua).
pub fn byte_range(i: Option<i64>, j: Option<i64>, len: usize) -> Range<usize> {
    let i = i.unwrap_or(1);
    let start = start_offset(i, len);
    let end = end_pos(j.unwrap_or(i), len);
    if start >= end { 0..0 } else { start..end }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_follows_lua() {
        assert_eq!(sub_range(2, -1, 5), 1..5);
        assert_eq!(sub_range(-3, -2, 5), 2..4);
        assert_eq!(sub_range(0, 100, 5), 0..5);
        assert_eq!(sub_range(4, 2, 5), 0..0);
        assert_eq!(sub_range(i64::MIN, i64::MAX, 5), 0..5);
        assert_eq!(sub_range(7, 9, 5), 0..0);
    }

    #[test]
    fn byte_defaults() {
        assert_eq!(byte_range(None, None, 3), 0..1);
        assert_eq!(byte_range(Some(-1), None, 3), 2..3);
        assert_eq!(byte_range(Some(0), None, 3), 0..0);
        assert_eq!(byte_range(Some(5), None, 3), 0..0);
    }
}
