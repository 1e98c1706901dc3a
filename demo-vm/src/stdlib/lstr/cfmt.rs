//! C `printf` conversions, reproduced digit for digit as glibc prints them.
//!
//! Lua's `string.format` and `tostring` hand their work to the C library;
//! this module is that C library. Digits come from Rust's exact,
//! correctly rounded float formatting (`{:.*e}` / `{:.*}`, ties to even like
//! glibc in the default rounding mode); the `%g` selection rules, `%a` hex
//! digits, flags, width and precision are built on top here.

/// One parsed conversion specification (`%[flags][width][.precision]conv`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Spec {
    /// `-`: left-justify within the width.
    pub left: bool,
    /// `+`: always print a sign for signed conversions.
    pub plus: bool,
    /// ` `: print a space where a `+` would go.
    pub space: bool,
    /// `#`: alternate form (`0x` prefix, keep the decimal point, ...).
    pub alt: bool,
    /// `0`: pad numbers with zeros after the sign/prefix.
    pub zero: bool,
    /// Minimum field width.
    pub width: usize,
    /// Precision, if one was given (`.` alone means 0).
    pub precision: Option<usize>,
    /// The conversion character, e.g. `b'g'`.
    pub conv: u8,
}

/// Lays out `sign`, `prefix` and `body` in the field described by `spec`.
/// `zero_ok` says whether the `0` flag applies (not for inf/nan, not for
/// integers with a precision, never for strings).
fn pad(spec: &Spec, sign: &str, prefix: &str, body: &[u8], zero_ok: bool) -> Vec<u8> {
    let len = sign.len() + prefix.len() + body.len();
    let fill = spec.width.saturating_sub(len);
    let mut out = Vec::with_capacity(len + fill);
    if spec.left {
        out.extend_from_slice(sign.as_bytes());
        out.extend_from_slice(prefix.as_bytes());
        out.extend_from_slice(body);
        out.resize(out.len() + fill, b' ');
    } else if spec.zero && zero_ok {
        out.extend_from_slice(sign.as_bytes());
        out.extend_from_slice(prefix.as_bytes());
        out.resize(out.len() + fill, b'0');
        out.extend_from_slice(body);
    } else {
        out.resize(fill, b' ');
        out.extend_from_slice(sign.as_bytes());
        out.extend_from_slice(prefix.as_bytes());
        out.extend_from_slice(body);
    }
    out
}

/// `%s` (precision truncates) and `%c`-style byte output with width.
pub fn bytes(s: &[u8], spec: &Spec) -> Vec<u8> {
    let s = match spec.precision {
        Some(p) if p < s.len() => &s[..p],
        _ => s,
    };
    pad(spec, "", "", s, false)
}

/// `%d` / `%i` of a signed 64-bit integer.
pub fn signed(n: i64, spec: &Spec) -> Vec<u8> {
    let sign = if n < 0 {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    };
    let digits = int_digits(n.unsigned_abs().to_string(), spec.precision);
    pad(spec, sign, "", digits.as_bytes(), spec.precision.is_none())
}

/// Applies an integer precision: minimum digit count, and `.0` of zero is
/// empty.
fn int_digits(digits: String, precision: Option<usize>) -> String {
    match precision {
        Some(0) if digits == "0" => String::new(),
        Some(p) if p > digits.len() => "0".repeat(p - digits.len()) + &digits,
        _ => digits,
    }
}

/// `%u`, `%o`, `%x`, `%X` of a 64-bit value reinterpreted as unsigned.
pub fn unsigned(n: u64, spec: &Spec) -> Vec<u8> {
    let (digits, prefix) = match spec.conv {
        b'o' => {
            let mut d = int_digits(format!("{n:o}"), spec.precision);
            if spec.alt && !d.starts_with('0') {
                d.insert(0, '0');
            }
            (d, "")
        }
        b'x' => (
            int_digits(format!("{n:x}"), spec.precision),
            if spec.alt && n != 0 { "0x" } else { "" },
        ),
        b'X' => (
            int_digits(format!("{n:X}"), spec.precision),
            if spec.alt && n != 0 { "0X" } else { "" },
        ),
        _ => (int_digits(n.to_string(), spec.precision), ""),
    };
    pad(
        spec,
        "",
        prefix,
        digits.as_bytes(),
        spec.precision.is_none(),
    )
}

/// `%p` of an address (`None` prints `(nil)` like glibc).
pub fn pointer(p: Option<usize>, spec: &Spec) -> Vec<u8> {
    match p {
        Some(a) => pad(spec, "", "", format!("{a:#x}").as_bytes(), false),
        None => pad(spec, "", "", b"(nil)", false),
    }
}

/// `%e %E %f %F %g %G %a %A` of a double, with all flags, width and
/// precision, exactly as glibc's `printf`.
pub fn float(x: f64, spec: &Spec) -> Vec<u8> {
    let upper = spec.conv.is_ascii_uppercase();
    let sign = if x.is_sign_negative() {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    };
    if !x.is_finite() {
        let word = match (x.is_nan(), upper) {
            (true, false) => "nan",
            (true, true) => "NAN",
            (false, false) => "inf",
            (false, true) => "INF",
        };
        return pad(spec, sign, "", word.as_bytes(), false);
    }
    let a = x.abs();
    let (prefix, body) = match spec.conv.to_ascii_lowercase() {
        b'e' => ("", fmt_e(a, spec.precision.unwrap_or(6), spec.alt)),
        b'f' => ("", fmt_f(a, spec.precision.unwrap_or(6), spec.alt)),
        b'a' => ("0x", fmt_a(a, spec.precision, spec.alt)),
        _ => ("", fmt_g(a, spec.precision.unwrap_or(6), spec.alt)),
    };
    if upper {
        let prefix = if prefix.is_empty() { "" } else { "0X" };
        pad(
            spec,
            sign,
            prefix,
            body.to_ascii_uppercase().as_bytes(),
            true,
        )
    } else {
        pad(spec, sign, prefix, body.as_bytes(), true)
    }
}

/// Decimal digits of `a` (finite, >= 0) rounded to `prec + 1` significant
/// digits, and the decimal exponent of the first digit.
fn sci_digits(a: f64, prec: usize) -> (String, i32) {
    let s = format!("{a:.prec$e}");
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    (digits, exp.parse().unwrap_or(0))
}

/// `%.{prec}e` of a finite non-negative value, lowercase.
fn fmt_e(a: f64, prec: usize, alt: bool) -> String {
    let (digits, exp) = sci_digits(a, prec);
    let mut out = String::with_capacity(prec + 8);
    out.push_str(&digits[..1]);
    if prec > 0 || alt {
        out.push('.');
    }
    out.push_str(&digits[1..]);
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs();
    if e < 10 {
        out.push('0');
    }
    out.push_str(&e.to_string());
    out
}

/// `%.{prec}f` of a finite non-negative value.
fn fmt_f(a: f64, prec: usize, alt: bool) -> String {
    let mut s = format!("{a:.prec$}");
    if prec == 0 && alt {
        s.push('.');
    }
    s
}

/// `%.{prec}g` of a finite non-negative value (C99 7.19.6.1 rules).
fn fmt_g(a: f64, prec: usize, alt: bool) -> String {
    let p = prec.max(1);
    let exp = if a == 0.0 { 0 } else { sci_digits(a, p - 1).1 };
    let mut s = if exp < -4 || exp >= p as i32 {
        fmt_e(a, p - 1, alt)
    } else {
        fmt_f(a, (p as i32 - 1 - exp) as usize, alt)
    };
    if !alt {
        strip_fraction_zeros(&mut s);
    }
    s
}

/// Removes trailing zeros of the fraction (and a bare point), keeping any
/// exponent suffix.
fn strip_fraction_zeros(s: &mut String) {
    let Some(point) = s.find('.') else { return };
    let exp_at = s.find('e').unwrap_or(s.len());
    let frac_end = s[..exp_at].trim_end_matches('0').len();
    let cut_from = if frac_end == point + 1 {
        point
    } else {
        frac_end
    };
    s.replace_range(cut_from..exp_at, "");
}

/// `%a` body after the `0x` prefix of a finite non-negative value, as glibc
/// prints it: normalized `1.hhhp+e`, subnormals as `0.hhhp-1022`, zero as
/// `0p+0`; with a precision the mantissa is rounded to nearest-even and a
/// carry shows as a leading `2` (glibc does not renormalize).
fn fmt_a(a: f64, prec: Option<usize>, alt: bool) -> String {
    let bits = a.to_bits();
    let biased = (bits >> 52) as i64;
    let frac = bits & ((1 << 52) - 1);
    let (mut lead, exp) = match (biased, frac) {
        (0, 0) => (0u64, 0i64),
        (0, _) => (0, -1022),
        _ => (1, biased - 1023),
    };
    // 13 hex digits of fraction.
    let mut frac_digits: Vec<u8> = (0..13)
        .map(|i| ((frac >> (48 - 4 * i)) & 0xf) as u8)
        .collect();
    match prec {
        None => {
            while frac_digits.last() == Some(&0) {
                frac_digits.pop();
            }
        }
        Some(p) if p < 13 => {
            let next = frac_digits[p];
            let rest_nonzero = next & 7 != 0 || frac_digits[p + 1..].iter().any(|&d| d != 0);
            let last_odd = if p == 0 {
                lead & 1 == 1
            } else {
                frac_digits[p - 1] & 1 == 1
            };
            frac_digits.truncate(p);
            if next >= 8 && (rest_nonzero || last_odd) {
                let mut carry = true;
                for d in frac_digits.iter_mut().rev() {
                    if *d == 15 {
                        *d = 0;
                    } else {
                        *d += 1;
                        carry = false;
                        break;
                    }
                }
                if carry {
                    lead += 1;
                }
            }
        }
        Some(p) => frac_digits.resize(p, 0),
    }
    let mut out = format!("{lead}");
    if !frac_digits.is_empty() || alt {
        out.push('.');
    }
    for d in frac_digits {
        out.push(char::from_digit(u32::from(d), 16).unwrap_or('0'));
    }
    out.push('p');
    if exp >= 0 {
        out.push('+');
    }
    out.push_str(&exp.to_string());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(conv: u8, precision: Option<usize>) -> Spec {
        Spec {
            conv,
            precision,
            ..Spec::default()
        }
    }

    fn f(x: f64, conv: u8, precision: Option<usize>) -> String {
        String::from_utf8(float(x, &spec(conv, precision))).unwrap()
    }

    #[test]
    fn g_switches_between_fixed_and_exponent() {
        assert_eq!(f(100000.0, b'g', None), "100000");
        assert_eq!(f(1000000.0, b'g', None), "1e+06");
        assert_eq!(f(0.0001, b'g', None), "0.0001");
        assert_eq!(f(0.00001, b'g', None), "1e-05");
        assert_eq!(f(9.9999996, b'g', None), "10");
        assert_eq!(f(0.0, b'g', Some(0)), "0");
        assert_eq!(f(-0.0, b'g', None), "-0");
        assert_eq!(f(1e300, b'G', Some(3)), "1E+300");
    }

    #[test]
    fn ties_round_to_even_like_glibc() {
        assert_eq!(f(0.125, b'f', Some(2)), "0.12");
        assert_eq!(f(0.5, b'f', Some(0)), "0");
        assert_eq!(f(2.5, b'e', Some(0)), "2e+00");
    }

    #[test]
    fn hex_floats() {
        assert_eq!(f(1.0, b'a', None), "0x1p+0");
        assert_eq!(f(1.5, b'a', Some(0)), "0x2p+0");
        assert_eq!(f(0.1, b'a', None), "0x1.999999999999ap-4");
        assert_eq!(f(4.9e-324, b'a', None), "0x0.0000000000001p-1022");
        assert_eq!(f(0.0, b'A', None), "0X0P+0");
        assert_eq!(f(3.0, b'a', Some(3)), "0x1.800p+1");
    }

    #[test]
    fn integer_flags() {
        let mut s = spec(b'x', None);
        s.alt = true;
        s.width = 8;
        s.zero = true;
        assert_eq!(unsigned(255, &s), b"0x0000ff");
        let mut d = spec(b'd', Some(0));
        assert_eq!(signed(0, &d), b"");
        d.precision = Some(4);
        d.plus = true;
        d.width = 7;
        assert_eq!(signed(-42, &d), b"  -0042");
    }
}
