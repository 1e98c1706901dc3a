//! Number <-> string conversions for VM values (`tostring`, `print`,
//! concatenation, `tonumber`, arithmetic on numeric strings, the lexer).
//! The rules live in [`crate::stdlib::lstr::number`], which matches
//! `lua5.4` digit for digit; this module only maps between its [`Number`]
//! and the VM's [`Value`].

use crate::stdlib::lstr::number::{self, Number};
use crate::value::Value;

/// `tostring` of a number value (`%.14g` for floats plus `.0` when the text
/// looks like an integer, `inf`, `-inf`, `nan`, `-nan`); empty for
/// non-numbers, which callers never pass.
pub fn fmt_number(v: Value) -> String {
    match v {
        Value::Int(i) => number::number_to_string(Number::Int(i)),
        Value::Float(f) => number::number_to_string(Number::Float(f)),
        _ => String::new(),
    }
}

/// A number as `io.write` and `file:write` print it: C's `%d` for
/// integers and `%.14g` for floats, so without the `.0` that `tostring`
/// adds (`io.write(1.0)` prints `1`).
pub fn fmt_number_io(v: Value) -> String {
    match v {
        Value::Float(f) => number::float_to_g14(f),
        _ => fmt_number(v),
    }
}

/// Parse a Lua numeral (surrounding whitespace and a sign allowed, hex
/// integers wrap, decimal integers that overflow become floats) as
/// `tonumber` and the string->number coercion do.
pub fn str_to_number(s: &[u8]) -> Option<Value> {
    number::str_to_number(s).map(|n| match n {
        Number::Int(i) => Value::Int(i),
        Number::Float(f) => Value::Float(f),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_lua() {
        let f = |x: f64| fmt_number(Value::Float(x));
        assert_eq!(f(1e15), "1e+15");
        assert_eq!(f(2f64.powi(53)), "9.007199254741e+15");
        assert_eq!(f(3.0), "3.0");
        assert_eq!(f(-0.0), "-0.0");
        assert_eq!(f(123.456), "123.456");
        assert_eq!(f(1e100), "1e+100");
        assert_eq!(f(1e-5), "1e-05");
        assert_eq!(f(f64::NEG_INFINITY), "-inf");
        assert_eq!(f(-f64::NAN), "-nan");
        assert_eq!(fmt_number(Value::Int(i64::MIN)), "-9223372036854775808");
    }

    #[test]
    fn io_text_has_no_float_suffix() {
        assert_eq!(fmt_number_io(Value::Float(1.0)), "1");
        assert_eq!(fmt_number_io(Value::Float(-0.0)), "-0");
        assert_eq!(fmt_number_io(Value::Float(0.1)), "0.1");
        assert_eq!(fmt_number_io(Value::Int(7)), "7");
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
        assert!(matches!(
            str_to_number(b"-9223372036854775808"),
            Some(Value::Int(i64::MIN))
        ));
    }
}
