//! `string.format`, following Lua 5.4's `str_format` step by step so that
//! output and error messages (and which error wins) match `lua5.4`.
//!
//! The caller converts its values to [`FmtArg`]s; the only thing this module
//! cannot do alone is `tostring` of tables, functions and other objects
//! (metamethods), which it asks of the caller through a callback.

use super::cfmt::{self, Spec};
use super::number::{self, Number};

/// One argument of `string.format`, as seen by the formatter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FmtArg<'a> {
    /// `nil`.
    Nil,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string; its address is what `%p` prints.
    Str(&'a [u8]),
    /// Any other value (table, function, userdata, thread). `type_name`
    /// is used in "number expected, got X" messages (pass `__name` if the
    /// VM supports it); `address` is what `%p` prints.
    Other {
        /// Lua type name, e.g. `"table"`.
        type_name: &'a str,
        /// The object's identity, printed by `%p`.
        address: usize,
    },
}

impl FmtArg<'_> {
    fn type_name(&self) -> &str {
        match self {
            FmtArg::Nil => "nil",
            FmtArg::Bool(_) => "boolean",
            FmtArg::Int(_) | FmtArg::Float(_) => "number",
            FmtArg::Str(_) => "string",
            FmtArg::Other { type_name, .. } => type_name,
        }
    }

    /// `lua_tonumberx`: numbers, and strings convertible to numbers.
    fn to_number(self) -> Option<Number> {
        match self {
            FmtArg::Int(i) => Some(Number::Int(i)),
            FmtArg::Float(f) => Some(Number::Float(f)),
            FmtArg::Str(s) => number::str_to_number(s),
            _ => None,
        }
    }
}

/// Builds the message of `luaL_argerror` for argument `arg` (1-based, the
/// format string being argument 1).
fn arg_error(arg: usize, extra: &str) -> String {
    format!("bad argument #{arg} to 'format' ({extra})")
}

fn type_error(arg: usize, expected: &str, got: Option<&FmtArg<'_>>) -> String {
    let got = got.map_or("no value", FmtArg::type_name);
    arg_error(arg, &format!("{expected} expected, got {got}"))
}

/// `luaL_checknumber` as a float.
fn check_number(arg: usize, a: &FmtArg<'_>) -> Result<f64, String> {
    match a.to_number() {
        Some(Number::Int(i)) => Ok(i as f64),
        Some(Number::Float(f)) => Ok(f),
        None => Err(type_error(arg, "number", Some(a))),
    }
}

/// `luaL_checkinteger`.
fn check_integer(arg: usize, a: &FmtArg<'_>) -> Result<i64, String> {
    match a.to_number() {
        Some(Number::Int(i)) => Ok(i),
        Some(Number::Float(f)) => number::float_to_int_exact(f)
            .ok_or_else(|| arg_error(arg, "number has no integer representation")),
        None => Err(type_error(arg, "number", Some(a))),
    }
}

/// Flags allowed per conversion group (Lua 5.4's `L_FMTFLAGS*`).
const FLAGS_F: &[u8] = b"-+ #0";
const FLAGS_X: &[u8] = b"-#0";
const FLAGS_I: &[u8] = b"-+ 0";
const FLAGS_U: &[u8] = b"-0";
const FLAGS_C: &[u8] = b"-";

/// Lua's `MAX_FORMAT - 10`: longest accepted spec (flags..conversion).
const MAX_SPEC_LEN: usize = 22;

/// `checkformat`: validates the spec (the text after `%`, conversion
/// included) against the allowed flags, width <= 2 digits and, if
/// `precision`, a precision <= 2 digits; returns the parsed [`Spec`].
fn check_spec(form: &[u8], flags: &[u8], precision: bool) -> Result<Spec, String> {
    let mut spec = Spec::default();
    let mut i = 0;
    while i < form.len() && flags.contains(&form[i]) {
        match form[i] {
            b'-' => spec.left = true,
            b'+' => spec.plus = true,
            b' ' => spec.space = true,
            b'#' => spec.alt = true,
            _ => spec.zero = true,
        }
        i += 1;
    }
    let two_digits = |i: &mut usize| {
        let mut v = 0;
        for _ in 0..2 {
            match form.get(*i) {
                Some(d) if d.is_ascii_digit() => {
                    v = v * 10 + usize::from(d - b'0');
                    *i += 1;
                }
                _ => break,
            }
        }
        v
    };
    if form.get(i) != Some(&b'0') {
        spec.width = two_digits(&mut i);
        if form.get(i) == Some(&b'.') && precision {
            i += 1;
            spec.precision = Some(two_digits(&mut i));
        }
    }
    match form.get(i) {
        Some(c) if c.is_ascii_alphabetic() && i + 1 == form.len() => {
            spec.conv = *c;
            Ok(spec)
        }
        _ => Err(format!(
            "invalid conversion specification: '%{}'",
            String::from_utf8_lossy(form)
        )),
    }
}

/// Appends `s` quoted the way `%q` does (`addquoted`).
fn add_quoted(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for (i, &c) in s.iter().enumerate() {
        if c == b'"' || c == b'\\' || c == b'\n' {
            out.push(b'\\');
            out.push(c);
        } else if c < 0x20 || c == 0x7f {
            let next_is_digit = s.get(i + 1).is_some_and(u8::is_ascii_digit);
            let esc = if next_is_digit {
                format!("\\{c:03}")
            } else {
                format!("\\{c}")
            };
            out.extend_from_slice(esc.as_bytes());
        } else {
            out.push(c);
        }
    }
    out.push(b'"');
}

/// `%q` of one argument (`addliteral`).
fn add_literal(out: &mut Vec<u8>, arg: usize, a: &FmtArg<'_>) -> Result<(), String> {
    match *a {
        FmtArg::Str(s) => add_quoted(out, s),
        FmtArg::Int(i64::MIN) => out.extend_from_slice(b"0x8000000000000000"),
        FmtArg::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        FmtArg::Float(f) => {
            let text: Vec<u8> = if f == f64::INFINITY {
                b"1e9999".to_vec()
            } else if f == f64::NEG_INFINITY {
                b"-1e9999".to_vec()
            } else if f.is_nan() {
                b"(0/0)".to_vec()
            } else {
                let spec = Spec {
                    conv: b'a',
                    ..Spec::default()
                };
                cfmt::float(f, &spec)
            };
            out.extend_from_slice(&text);
        }
        FmtArg::Nil => out.extend_from_slice(b"nil"),
        FmtArg::Bool(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
        FmtArg::Other { .. } => return Err(arg_error(arg, "value has no literal form")),
    }
    Ok(())
}

/// `string.format(fmt, args...)`.
///
/// `tostring` is called with the index into `args` of an
/// [`FmtArg::Other`] that `%s` must convert (Lua's `luaL_tolstring`, which
/// may run `__tostring`); its errors pass through unchanged. Errors of the
/// formatter itself are Lua's messages, converted with `E::from`.
pub fn format<E: From<String>>(
    fmt: &[u8],
    args: &[FmtArg<'_>],
    tostring: &mut dyn FnMut(usize) -> Result<Vec<u8>, E>,
) -> Result<Vec<u8>, E> {
    let mut out = Vec::with_capacity(fmt.len() + 16);
    let mut i = 0;
    let mut next_arg = 0; // index into `args`
    while i < fmt.len() {
        if fmt[i] != b'%' {
            out.push(fmt[i]);
            i += 1;
            continue;
        }
        i += 1;
        if fmt.get(i) == Some(&b'%') {
            out.push(b'%');
            i += 1;
            continue;
        }
        let arg_no = next_arg + 2; // Lua argument number (format is #1)
        let Some(arg) = args.get(next_arg) else {
            return Err(arg_error(arg_no, "no value").into());
        };
        next_arg += 1;
        // getformat: span flags/digits/'.', then the conversion character.
        let span = fmt[i..]
            .iter()
            .take_while(|c| b"-+ #0123456789.".contains(c))
            .count();
        let conv = fmt.get(i + span).copied().filter(|&c| c != 0);
        let len = span + 1;
        if len >= MAX_SPEC_LEN {
            return Err(String::from("invalid format (too long)").into());
        }
        let form_end = if conv.is_some() { i + len } else { i + span };
        let form = &fmt[i..form_end];
        i += len;
        let piece = format_one(form, conv, arg_no, arg, next_arg - 1, tostring)?;
        out.extend_from_slice(&piece);
    }
    Ok(out)
}

/// Formats one conversion; `form` is the spec text after `%` (conversion
/// included when present).
fn format_one<E: From<String>>(
    form: &[u8],
    conv: Option<u8>,
    arg_no: usize,
    arg: &FmtArg<'_>,
    arg_index: usize,
    tostring: &mut dyn FnMut(usize) -> Result<Vec<u8>, E>,
) -> Result<Vec<u8>, E> {
    let bad_conv = || {
        format!(
            "invalid conversion '%{}' to 'format'",
            String::from_utf8_lossy(form)
        )
    };
    let Some(conv) = conv else {
        return Err(bad_conv().into());
    };
    let out = match conv {
        b'c' => {
            let spec = check_spec(form, FLAGS_C, false)?;
            let n = check_integer(arg_no, arg)?;
            cfmt::bytes(&[n as u8], &spec)
        }
        b'd' | b'i' => {
            let n = check_integer(arg_no, arg)?;
            cfmt::signed(n, &check_spec(form, FLAGS_I, true)?)
        }
        b'u' | b'o' | b'x' | b'X' => {
            let n = check_integer(arg_no, arg)?;
            let flags = if conv == b'u' { FLAGS_U } else { FLAGS_X };
            cfmt::unsigned(n as u64, &check_spec(form, flags, true)?)
        }
        b'a' | b'A' => {
            let spec = check_spec(form, FLAGS_F, true)?;
            cfmt::float(check_number(arg_no, arg)?, &spec)
        }
        b'e' | b'E' | b'f' | b'g' | b'G' => {
            let x = check_number(arg_no, arg)?;
            cfmt::float(x, &check_spec(form, FLAGS_F, true)?)
        }
        b'p' => {
            let addr = match *arg {
                FmtArg::Str(s) => Some(s.as_ptr() as usize),
                FmtArg::Other { address, .. } => Some(address),
                _ => None,
            };
            let spec = check_spec(form, FLAGS_C, false)?;
            match addr {
                Some(a) => cfmt::pointer(Some(a), &spec),
                None => cfmt::bytes(b"(null)", &spec),
            }
        }
        b'q' => {
            if form.len() > 1 {
                return Err(String::from("specifier '%q' cannot have modifiers").into());
            }
            let mut out = Vec::new();
            add_literal(&mut out, arg_no, arg)?;
            out
        }
        b's' => {
            let s = match *arg {
                FmtArg::Str(s) => s.to_vec(),
                FmtArg::Other { .. } => tostring(arg_index)?,
                FmtArg::Int(i) => number::int_to_string(i).into_bytes(),
                FmtArg::Float(f) => number::float_to_string(f).into_bytes(),
                FmtArg::Nil => b"nil".to_vec(),
                FmtArg::Bool(b) => if b { &b"true"[..] } else { b"false" }.to_vec(),
            };
            if form.len() == 1 {
                return Ok(s);
            }
            if s.contains(&0) {
                return Err(arg_error(arg_no, "string contains zeros").into());
            }
            let spec = check_spec(form, FLAGS_C, true)?;
            if spec.precision.is_none() && s.len() >= 100 {
                s
            } else {
                cfmt::bytes(&s, &spec)
            }
        }
        _ => return Err(bad_conv().into()),
    };
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(f: &str, args: &[FmtArg<'_>]) -> Result<String, String> {
        let mut ts = |i: usize| Ok::<_, String>(format!("obj{i}").into_bytes());
        format(f.as_bytes(), args, &mut ts).map(|v| String::from_utf8_lossy(&v).into_owned())
    }

    #[test]
    fn basic_conversions() {
        use FmtArg::*;
        assert_eq!(
            fmt(
                "%d|%5.2f|%-5s|%x",
                &[Int(42), Float(2.71), Str(b"ab"), Int(-1)]
            )
            .unwrap(),
            "42| 2.71|ab   |ffffffffffffffff"
        );
        assert_eq!(fmt("%s %s", &[Float(1.0), Nil]).unwrap(), "1.0 nil");
        assert_eq!(
            fmt(
                "%s",
                &[Other {
                    type_name: "table",
                    address: 1
                }]
            )
            .unwrap(),
            "obj0"
        );
        assert_eq!(fmt("%d", &[Str(b" 0x10 ")]).unwrap(), "16");
        assert_eq!(fmt("100%%", &[]).unwrap(), "100%");
    }

    #[test]
    fn quoting() {
        use FmtArg::*;
        assert_eq!(
            fmt("%q", &[Str(b"a\x001\r\n\"\\\x7f")]).unwrap(),
            "\"a\\0001\\13\\\n\\\"\\\\\\127\""
        );
        assert_eq!(fmt("%q", &[Int(i64::MIN)]).unwrap(), "0x8000000000000000");
        assert_eq!(
            fmt("%q %q", &[Float(0.5), Float(f64::NAN)]).unwrap(),
            "0x1p-1 (0/0)"
        );
    }

    #[test]
    fn errors_like_lua() {
        use FmtArg::*;
        assert_eq!(
            fmt("%d", &[Str(b"x")]).unwrap_err(),
            "bad argument #2 to 'format' (number expected, got string)"
        );
        assert_eq!(
            fmt("%d", &[Float(1.5)]).unwrap_err(),
            "bad argument #2 to 'format' (number has no integer representation)"
        );
        assert_eq!(
            fmt("%y", &[Int(1)]).unwrap_err(),
            "invalid conversion '%y' to 'format'"
        );
        assert_eq!(
            fmt("%d %d", &[Int(1)]).unwrap_err(),
            "bad argument #3 to 'format' (no value)"
        );
        assert_eq!(
            fmt("%100d", &[Int(1)]).unwrap_err(),
            "invalid conversion specification: '%100d'"
        );
        assert_eq!(
            fmt("%", &[Int(1)]).unwrap_err(),
            "invalid conversion '%' to 'format'"
        );
    }
}
