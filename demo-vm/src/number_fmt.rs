//! Number <-> string conversions with Lua's rules (`%.14g` output, Lua numeral
//! syntax input). Small, local versions; the `stdlib::lstr` string library
//! may supersede them.

use crate::value::Value;

/// Format a float the way `tostring` does (`%.14g`, plus `.0` when the
/// result looks like an integer).
pub fn fmt_float(f: f64) -> String {
    if f.is_nan() {
        return if f.is_sign_negative() {
            "-nan".into()
        } else {
            "nan".into()
        };
    }
    if f.is_infinite() {
        return if f < 0.0 { "-inf".into() } else { "inf".into() };
    }
    let mut s = fmt_g(f, 14);
    if s.bytes().all(|c| c.is_ascii_digit() || c == b'-') {
        s.push_str(".0");
    }
    s
}

/// C's `%.{prec}g` for finite values.
pub fn fmt_g(f: f64, prec: usize) -> String {
    let prec = prec.max(1);
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let e = format!("{:.*e}", prec - 1, f);
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let x: i32 = exp.parse().unwrap_or(0);
    if x < -4 || x >= prec as i32 {
        let mant = strip_zeros(mant);
        let sign = if x < 0 { '-' } else { '+' };
        format!("{}e{}{:02}", mant, sign, x.abs())
    } else {
        let decimals = (prec as i32 - 1 - x).max(0) as usize;
        strip_zeros(&format!("{:.*}", decimals, f)).to_string()
    }
}

fn strip_zeros(s: &str) -> &str {
    if s.contains('.') {
        let t = s.trim_end_matches('0');
        t.strip_suffix('.').unwrap_or(t)
    } else {
        s
    }
}

/// `tostring` of a number value.
pub fn fmt_number(v: Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::Float(f) => fmt_float(f),
        _ => String::new(),
    }
}

/// Parse a Lua numeral (with surrounding whitespace and optional sign), as
/// `tonumber` and the string->number coercion do.
pub fn str_to_number(s: &[u8]) -> Option<Value> {
    let s = trim(s);
    let (neg, body) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let v = if body.len() > 2 && body[0] == b'0' && (body[1] == b'x' || body[1] == b'X') {
        parse_hex(&body[2..])?
    } else {
        parse_dec(body)?
    };
    Some(match (neg, v) {
        (false, v) => v,
        (true, Value::Int(i)) => Value::Int(i.wrapping_neg()),
        (true, Value::Float(f)) => Value::Float(-f),
        (true, v) => v,
    })
}

fn trim(s: &[u8]) -> &[u8] {
    let is_ws = |c: &u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
    let start = s.iter().position(|c| !is_ws(c)).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|c| !is_ws(c))
        .map(|p| p + 1)
        .unwrap_or(start);
    &s[start..end.max(start)]
}

fn parse_dec(s: &[u8]) -> Option<Value> {
    if !s
        .iter()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    if s.iter().all(|c| c.is_ascii_digit()) {
        let mut v: i64 = 0;
        let mut overflow = false;
        for &c in s {
            match v
                .checked_mul(10)
                .and_then(|v| v.checked_add((c - b'0') as i64))
            {
                Some(n) => v = n,
                None => {
                    overflow = true;
                    break;
                }
            }
        }
        if !overflow {
            return Some(Value::Int(v));
        }
    }
    // Validate float syntax: digits [. digits] [e [sign] digits], at least one digit in mantissa.
    let mut i = 0;
    let mut digits = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < s.len() && s[i] == b'.' {
        i += 1;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    if i < s.len() && (s[i] == b'e' || s[i] == b'E') {
        i += 1;
        if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
            i += 1;
        }
        let st = i;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
        }
        if i == st {
            return None;
        }
    }
    if i != s.len() {
        return None;
    }
    std::str::from_utf8(s)
        .ok()?
        .parse::<f64>()
        .ok()
        .map(Value::Float)
}

fn parse_hex(s: &[u8]) -> Option<Value> {
    let mut mant: u64 = 0;
    let mut fmant: f64 = 0.0;
    let mut exp: i64 = 0;
    let mut any = false;
    let mut is_float = false;
    let mut i = 0;
    while i < s.len() && s[i].is_ascii_hexdigit() {
        let d = (s[i] as char).to_digit(16)? as u64;
        mant = mant.wrapping_mul(16).wrapping_add(d);
        fmant = fmant * 16.0 + d as f64;
        any = true;
        i += 1;
    }
    if i < s.len() && s[i] == b'.' {
        is_float = true;
        i += 1;
        while i < s.len() && s[i].is_ascii_hexdigit() {
            let d = (s[i] as char).to_digit(16)? as f64;
            fmant = fmant * 16.0 + d;
            exp -= 4;
            any = true;
            i += 1;
        }
    }
    if !any {
        return None;
    }
    if i < s.len() && (s[i] == b'p' || s[i] == b'P') {
        is_float = true;
        i += 1;
        let mut neg = false;
        if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
            neg = s[i] == b'-';
            i += 1;
        }
        let st = i;
        let mut e: i64 = 0;
        while i < s.len() && s[i].is_ascii_digit() {
            e = (e * 10 + (s[i] - b'0') as i64).min(100_000);
            i += 1;
        }
        if i == st {
            return None;
        }
        exp += if neg { -e } else { e };
    }
    if i != s.len() {
        return None;
    }
    if is_float {
        Some(Value::Float(
            fmant * 2f64.powi(exp.clamp(-3000, 3000) as i32),
        ))
    } else {
        Some(Value::Int(mant as i64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_lua() {
        assert_eq!(fmt_float(1e15), "1e+15");
        assert_eq!(fmt_float(2f64.powi(53)), "9.007199254741e+15");
        assert_eq!(fmt_float(3.0), "3.0");
        assert_eq!(fmt_float(-0.0), "-0.0");
        assert_eq!(fmt_float(123.456), "123.456");
        assert_eq!(fmt_float(0.1), "0.1");
        assert_eq!(fmt_float(1e100), "1e+100");
        assert_eq!(fmt_float(1e-5), "1e-05");
    }

    #[test]
    fn parses_numerals() {
        assert!(matches!(str_to_number(b" 0x10 "), Some(Value::Int(16))));
        assert!(matches!(str_to_number(b"1e2"), Some(Value::Float(f)) if f == 100.0));
        assert!(matches!(str_to_number(b"0x1p4"), Some(Value::Float(f)) if f == 16.0));
        assert!(str_to_number(b"abc").is_none());
        assert!(str_to_number(b"inf").is_none());
        assert!(str_to_number(b"1e").is_none());
        assert!(matches!(
            str_to_number(b"9223372036854775808"),
            Some(Value::Float(_))
        ));
    }
}
