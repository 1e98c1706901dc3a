//! Number <-> string conversions exactly as `lua5.4` does them.
//!
//! * [`float_to_string`] / [`int_to_string`]: `tostring` of numbers
//!   (`%.14g`, plus `.0` when the text looks like an integer).
//! * [`str_to_number`]: `lua_stringtonumber` (decimal and hex integers,
//!   decimal and hex floats, surrounding whitespace, no trailing garbage).
//! * [`str_to_int_base`]: `tonumber(s, base)` for bases 2..=36.

use super::cfmt::{self, Spec};

/// A Lua number: the two subtypes Lua 5.4 distinguishes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// A 64-bit integer (wraps on overflow like Lua's integers).
    Int(i64),
    /// An IEEE double.
    Float(f64),
}

/// `tostring` of an integer: plain decimal.
pub fn int_to_string(n: i64) -> String {
    n.to_string()
}

/// `tostring` of a float, byte for byte as `lua5.4` on Linux: `%.14g`,
/// with `.0` appended when the result consists only of `-` and digits
/// (`1.0`, `-0.0`, `1e+15` unchanged), `inf`, `-inf`, `nan`, `-nan`.
pub fn float_to_string(x: f64) -> String {
    let mut s = float_to_g14(x);
    if s.bytes().all(|b| b == b'-' || b.is_ascii_digit()) {
        s.push_str(".0");
    }
    s
}

/// A float as C's `%.14g` (Lua's `LUAI_NUMFFORMAT`), as `io.write` prints it:
/// no `.0` suffix, so `-0.0` is `-0`.
pub fn float_to_g14(x: f64) -> String {
    let spec = Spec {
        precision: Some(14),
        conv: b'g',
        ..Spec::default()
    };
    String::from_utf8(cfmt::float(x, &spec)).unwrap_or_default()
}

/// `tostring` of any number.
pub fn number_to_string(n: Number) -> String {
    match n {
        Number::Int(i) => int_to_string(i),
        Number::Float(f) => float_to_string(f),
    }
}

/// Converts a float to an integer when its value is exactly an integer in
/// `i64` range (Lua's `luaV_flttointns` in exact mode); `None` otherwise
/// ("number has no integer representation").
pub fn float_to_int_exact(f: f64) -> Option<i64> {
    // The range is [-2^63, 2^63); both bounds are exact doubles.
    let in_range = (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f);
    (in_range && f.floor() == f).then_some(f as i64)
}

/// C's `isspace` in the "C" locale, which Lua uses to skip blanks.
pub fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn trim_c_space(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| !is_c_space(b)).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|&b| !is_c_space(b))
        .map_or(start, |e| e + 1);
    &s[start..end]
}

fn hex_value(b: u8) -> Option<u32> {
    (b as char).to_digit(16)
}

/// Converts a string to a number like `lua_stringtonumber` (and so like
/// `tonumber(s)` and the lexer): tries an integer first (decimal integers
/// that overflow are read as floats; hex integers wrap around), then a float.
/// Returns `None` for anything Lua rejects, including `inf`/`nan` spellings
/// and embedded zero bytes.
pub fn str_to_number(s: &[u8]) -> Option<Number> {
    if s.contains(&0) {
        return None;
    }
    let t = trim_c_space(s);
    if let Some(i) = str_to_int(t) {
        return Some(Number::Int(i));
    }
    str_to_float(t).map(Number::Float)
}

/// Splits an optional leading sign off; `true` means negative.
fn split_sign(s: &[u8]) -> (bool, &[u8]) {
    match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    }
}

/// `l_str2int` on an already trimmed string.
fn str_to_int(t: &[u8]) -> Option<i64> {
    let (neg, body) = split_sign(t);
    let mut acc: u64 = 0;
    if body.len() >= 2 && body[0] == b'0' && (body[1] | 0x20) == b'x' {
        let digits = &body[2..];
        if digits.is_empty() {
            return None;
        }
        for &b in digits {
            acc = acc.wrapping_mul(16).wrapping_add(u64::from(hex_value(b)?));
        }
    } else {
        if body.is_empty() {
            return None;
        }
        let limit = if neg { 1u64 << 63 } else { i64::MAX as u64 };
        for &b in body {
            if !b.is_ascii_digit() {
                return None;
            }
            acc = acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
            if acc > limit {
                return None;
            }
        }
    }
    let v = if neg { acc.wrapping_neg() } else { acc };
    Some(v as i64)
}

/// `strtod` restricted to what Lua accepts, on an already trimmed string.
fn str_to_float(t: &[u8]) -> Option<f64> {
    let (neg, body) = split_sign(t);
    let v = if body.len() >= 2 && body[0] == b'0' && (body[1] | 0x20) == b'x' {
        parse_hex_float(&body[2..])?
    } else {
        if !is_decimal_float_syntax(body) {
            return None;
        }
        // Rust's parser is correctly rounded like glibc's strtod.
        std::str::from_utf8(body).ok()?.parse::<f64>().ok()?
    };
    Some(if neg { -v } else { v })
}

/// `digits [. digits] [e [sign] digits]` with at least one mantissa digit.
fn is_decimal_float_syntax(s: &[u8]) -> bool {
    let mut i = 0;
    let mut mantissa_digits = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        i += 1;
        mantissa_digits += 1;
    }
    if i < s.len() && s[i] == b'.' {
        i += 1;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
            mantissa_digits += 1;
        }
    }
    if mantissa_digits == 0 {
        return false;
    }
    if i < s.len() && (s[i] | 0x20) == b'e' {
        i += 1;
        if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == s.len()
}

/// Parses the part of a hex float after `0x`: `h* [. h*] [p [sign] d+]`,
/// correctly rounded to nearest-even like glibc's `strtod`.
fn parse_hex_float(s: &[u8]) -> Option<f64> {
    let mut mant: u64 = 0;
    let mut exp: i64 = 0; // value = mant * 2^exp (+ sticky bits)
    let mut sticky = false;
    let mut any_digit = false;
    let mut i = 0;
    let mut seen_point = false;
    while i < s.len() {
        let b = s[i];
        if b == b'.' && !seen_point {
            seen_point = true;
            i += 1;
            continue;
        }
        let Some(d) = hex_value(b) else { break };
        any_digit = true;
        if mant >> 56 == 0 {
            mant = mant * 16 + u64::from(d);
            if seen_point {
                exp -= 4;
            }
        } else {
            sticky |= d != 0;
            if !seen_point {
                exp += 4;
            }
        }
        i += 1;
    }
    if !any_digit {
        return None;
    }
    if i < s.len() && (s[i] | 0x20) == b'p' {
        i += 1;
        let (eneg, rest) = split_sign(&s[i..]);
        if rest.is_empty() || !rest[0].is_ascii_digit() {
            return None;
        }
        let mut e: i64 = 0;
        for &b in rest {
            if !b.is_ascii_digit() {
                return None;
            }
            e = (e * 10 + i64::from(b - b'0')).min(1 << 40);
        }
        exp += if eneg { -e } else { e };
        i = s.len();
    }
    if i != s.len() {
        return None;
    }
    Some(compose_binary(mant, exp, sticky))
}

/// Rounds `mant * 2^exp` (plus a nonzero tail if `sticky`) to the nearest
/// double, ties to even, handling subnormals and overflow to infinity.
fn compose_binary(mant: u64, exp: i64, sticky: bool) -> f64 {
    if mant == 0 {
        return 0.0;
    }
    let lz = i64::from(mant.leading_zeros());
    let norm = u128::from(mant << lz); // bit 63 set
    let unbiased = exp - lz + 63; // value = 1.xxx * 2^unbiased
    if unbiased > 1023 {
        return f64::INFINITY;
    }
    // Number of low bits of `norm` to drop so that 53 (or fewer) remain.
    let shift = if unbiased >= -1022 {
        11
    } else {
        11 + (-1022 - unbiased)
    };
    if shift > 100 {
        return 0.0;
    }
    let shift = shift as u32;
    let mut kept = norm >> shift;
    let rem = norm & ((1u128 << shift) - 1);
    let half = 1u128 << (shift - 1);
    if rem > half || (rem == half && (sticky || kept & 1 == 1)) {
        kept += 1;
    }
    let kept = kept as u64;
    if unbiased >= -1022 {
        let (kept, e) = if kept >> 53 != 0 {
            (kept >> 1, unbiased + 1)
        } else {
            (kept, unbiased)
        };
        if e > 1023 {
            return f64::INFINITY;
        }
        f64::from_bits((((e + 1023) as u64) << 52) | (kept & ((1 << 52) - 1)))
    } else {
        // Subnormal: a carry into bit 52 yields the smallest normal, which
        // these bits encode correctly.
        f64::from_bits(kept)
    }
}

/// `tonumber(s, base)`: an integer numeral in `base` (2..=36), with
/// optional surrounding whitespace and sign; wraps around on overflow like
/// Lua. Returns `None` when Lua returns `fail`.
///
/// The caller checks the base range (`bad argument #2 to 'tonumber' (base
/// out of range)`); this function returns `None` for bases outside 2..=36.
pub fn str_to_int_base(s: &[u8], base: u32) -> Option<i64> {
    if !(2..=36).contains(&base) || s.contains(&0) {
        return None;
    }
    let (neg, body) = split_sign(trim_c_space(s));
    if body.is_empty() {
        return None;
    }
    let mut acc: u64 = 0;
    for &b in body {
        let d = (b as char).to_digit(36)?;
        if d >= base {
            return None;
        }
        acc = acc.wrapping_mul(u64::from(base)).wrapping_add(u64::from(d));
    }
    Some(if neg { acc.wrapping_neg() } else { acc } as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> Option<Number> {
        str_to_number(s.as_bytes())
    }

    #[test]
    fn tostring_of_floats_matches_lua() {
        assert_eq!(float_to_string(1.0), "1.0");
        assert_eq!(float_to_string(-0.0), "-0.0");
        assert_eq!(float_to_string(0.1), "0.1");
        assert_eq!(float_to_string(1e15), "1e+15");
        assert_eq!(float_to_string(123456789012345.0), "1.2345678901234e+14");
        assert_eq!(float_to_string(f64::INFINITY), "inf");
        assert_eq!(float_to_string(f64::NEG_INFINITY), "-inf");
        assert_eq!(float_to_string(f64::NAN), "nan");
        assert_eq!(float_to_string(-f64::NAN), "-nan");
        assert_eq!(float_to_string(2f64.powi(63)), "9.2233720368548e+18");
        assert_eq!(float_to_string(1e-5), "1e-05");
    }

    #[test]
    fn integers_decimal_and_hex() {
        assert_eq!(num("  16  "), Some(Number::Int(16)));
        assert_eq!(num("+0x10"), Some(Number::Int(16)));
        assert_eq!(num("0xffffffffffffffffff"), Some(Number::Int(-1)));
        assert_eq!(num("-9223372036854775808"), Some(Number::Int(i64::MIN)));
        assert_eq!(
            num("9223372036854775808"),
            Some(Number::Float(9223372036854775808.0))
        );
        assert_eq!(num("\x0b1\x0c"), Some(Number::Int(1)));
    }

    #[test]
    fn floats_decimal_and_hex() {
        assert_eq!(num("1."), Some(Number::Float(1.0)));
        assert_eq!(num(".5"), Some(Number::Float(0.5)));
        assert_eq!(num("1E2"), Some(Number::Float(100.0)));
        assert_eq!(num("1e400"), Some(Number::Float(f64::INFINITY)));
        assert_eq!(num("0x.8"), Some(Number::Float(0.5)));
        assert_eq!(num("0x8."), Some(Number::Float(8.0)));
        assert_eq!(num("0x1.8p3"), Some(Number::Float(12.0)));
        assert_eq!(num("0x1P-2"), Some(Number::Float(0.25)));
        assert_eq!(num("0x1p-1074"), Some(Number::Float(f64::from_bits(1))));
        assert_eq!(num("0x1p-1075"), Some(Number::Float(0.0)));
        assert_eq!(num("0x1.8p-1074"), Some(Number::Float(f64::from_bits(2))));
        assert_eq!(num("0x1p99999"), Some(Number::Float(f64::INFINITY)));
        assert_eq!(
            num("0x1.fffffffffffff8p0"),
            Some(Number::Float(2.0)),
            "tie rounds to even"
        );
        assert_eq!(num("0x1.fffffffffffff80000001p0"), Some(Number::Float(2.0)));
        assert_eq!(
            num("0x1.fffffffffffff7ffffffp0"),
            Some(Number::Float(f64::from_bits(0x3fff_ffff_ffff_ffff)))
        );
    }

    #[test]
    fn rejects_what_lua_rejects() {
        for bad in [
            "", " ", ".", "0x", "1e", "1e+", "- 1", "5\0", "inf", "nan", "1x", "0x1p", "1..2",
            "0x.p1", "1 2",
        ] {
            assert_eq!(num(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn exact_float_to_int() {
        assert_eq!(float_to_int_exact(3.0), Some(3));
        assert_eq!(float_to_int_exact(-0.0), Some(0));
        assert_eq!(float_to_int_exact(3.5), None);
        assert_eq!(float_to_int_exact(-9223372036854775808.0), Some(i64::MIN));
        assert_eq!(float_to_int_exact(9223372036854775808.0), None);
        assert_eq!(float_to_int_exact(f64::NAN), None);
        assert_eq!(float_to_int_exact(f64::INFINITY), None);
    }

    #[test]
    fn tonumber_with_base() {
        assert_eq!(str_to_int_base(b"ff", 16), Some(255));
        assert_eq!(str_to_int_base(b" -zz ", 36), Some(-1295));
        assert_eq!(str_to_int_base(b"102", 2), None);
        assert_eq!(str_to_int_base(b"", 10), None);
        assert_eq!(str_to_int_base(b"1.0", 10), None);
        assert_eq!(str_to_int_base(b"7", 37), None);
    }

    #[test]
    fn tostring_round_trips_through_tonumber_when_exact() {
        for x in [0.5, 1.0, -2.25, 1e100, 3.0e-300, 123.456] {
            let s = float_to_string(x);
            assert_eq!(num(&s), Some(Number::Float(x)), "{s}");
        }
    }
}
