//! `string` library glue: byte-level functions implemented here, the string
//! metatable (`("x"):upper()`), and a local `string.format`. Pattern
//! functions (`find` with patterns, `match`, `gmatch`, `gsub`) come from the
//! `lstr` module; until it is merged `find` supports plain searches only.

use crate::error::LResult;
use crate::heap::Table;
use crate::number_fmt::fmt_g;
use crate::value::Value;
use crate::vm::Vm;

/// Install `string` and the string metatable.
pub fn open(vm: &mut Vm) {
    let s = crate::stdlib::new_lib(
        vm,
        "string",
        &[
            ("len", len),
            ("sub", sub),
            ("upper", upper),
            ("lower", lower),
            ("rep", rep),
            ("reverse", reverse),
            ("byte", byte),
            ("char", char),
            ("format", format),
            ("find", find),
        ],
    );
    let meta = Value::Table(vm.heap.alloc_table(Table::default()));
    vm.set_str_field(meta, "__index", s);
    vm.string_meta = meta;
}

fn bytes_arg(vm: &mut Vm, base: usize, n: usize, i: usize) -> LResult<Vec<u8>> {
    let s = vm.check_str(base, n, i)?;
    Ok(vm.heap.str_bytes(s).to_vec())
}

/// Lua's `posrelatI`: a start position clipped to `[1, ...]`.
pub fn start_pos(i: i64, len: usize) -> usize {
    let l = len as i64;
    if i > 0 {
        i as usize
    } else if i == 0 || i < -l {
        1
    } else {
        (l + i + 1) as usize
    }
}

/// Lua's `getendpos`: an end position clipped to `[0, len]`.
pub fn end_pos(j: i64, len: usize) -> usize {
    let l = len as i64;
    if j > l {
        len
    } else if j >= 0 {
        j as usize
    } else if j < -l {
        0
    } else {
        (l + j + 1) as usize
    }
}

fn len(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let s = vm.check_str(base, n, 0)?;
    let l = vm.heap.str_bytes(s).len();
    vm.push(Value::Int(l as i64));
    Ok(1)
}

fn sub(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let s = vm.check_str(base, n, 0)?;
    let i = vm.opt_int(base, n, 1, 1)?;
    let j = vm.opt_int(base, n, 2, -1)?;
    let b = vm.heap.str_bytes(s);
    let (i, j) = (start_pos(i, b.len()), end_pos(j, b.len()));
    let r = if i <= j {
        b[i - 1..j].to_vec()
    } else {
        Vec::new()
    };
    let v = vm.str_val(&r);
    vm.push(v);
    Ok(1)
}

fn upper(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let b = bytes_arg(vm, base, n, 0)?.to_ascii_uppercase();
    let v = vm.str_val(&b);
    vm.push(v);
    Ok(1)
}

fn lower(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let b = bytes_arg(vm, base, n, 0)?.to_ascii_lowercase();
    let v = vm.str_val(&b);
    vm.push(v);
    Ok(1)
}

fn rep(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let s = bytes_arg(vm, base, n, 0)?;
    let count = vm.check_int(base, n, 1)?;
    let sep = if vm.arg(base, n, 2).is_nil() {
        Vec::new()
    } else {
        bytes_arg(vm, base, n, 2)?
    };
    if count <= 0 {
        let v = vm.str_val(b"");
        vm.push(v);
        return Ok(1);
    }
    let total = (s.len() + sep.len()) as u128 * count as u128;
    if total >= (1u128 << 31) || total as usize > vm.max_memory {
        return Err(vm.native_error("resulting string too large"));
    }
    let mut out = Vec::with_capacity(total as usize);
    for k in 0..count {
        out.extend_from_slice(&s);
        if k + 1 < count {
            out.extend_from_slice(&sep);
        }
    }
    let v = vm.str_val(&out);
    vm.push(v);
    Ok(1)
}

fn reverse(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let mut b = bytes_arg(vm, base, n, 0)?;
    b.reverse();
    let v = vm.str_val(&b);
    vm.push(v);
    Ok(1)
}

fn byte(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let b = bytes_arg(vm, base, n, 0)?;
    let i = vm.opt_int(base, n, 1, 1)?;
    let pi = start_pos(i, b.len());
    let j = vm.opt_int(base, n, 2, pi as i64)?;
    let pe = end_pos(j, b.len());
    if pi > pe {
        return Ok(0);
    }
    for k in pi..=pe {
        vm.push(Value::Int(b[k - 1] as i64));
    }
    Ok(pe - pi + 1)
}

fn char(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let c = vm.check_int(base, n, i)?;
        if !(0..=255).contains(&c) {
            return Err(vm.arg_error(i + 1, "value out of range"));
        }
        out.push(c as u8);
    }
    let v = vm.str_val(&out);
    vm.push(v);
    Ok(1)
}

fn find(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let s = bytes_arg(vm, base, n, 0)?;
    let p = bytes_arg(vm, base, n, 1)?;
    let init = vm.opt_int(base, n, 2, 1)?;
    let plain = vm.arg(base, n, 3).truthy();
    let init = start_pos(init, s.len());
    if init > s.len() + 1 {
        vm.push(Value::Nil);
        return Ok(1);
    }
    let special = p.iter().any(|c| b"^$*+?.([%-".contains(c));
    if special && !plain {
        return Err(
            vm.native_error("pattern matching is not available in this build (plain find only)")
        );
    }
    let hay = &s[init - 1..];
    let pos = if p.is_empty() {
        Some(0)
    } else {
        hay.windows(p.len()).position(|w| w == &p[..])
    };
    match pos {
        Some(k) => {
            let st = init + k;
            vm.push(Value::Int(st as i64));
            vm.push(Value::Int((st + p.len() - 1) as i64));
            Ok(2)
        }
        None => {
            vm.push(Value::Nil);
            Ok(1)
        }
    }
}

fn pad(body: String, width: usize, left: bool, zero: bool) -> String {
    if body.len() >= width {
        return body;
    }
    let fill = width - body.len();
    if left {
        format!("{body}{}", " ".repeat(fill))
    } else if zero {
        let (sign, digits) = if body.starts_with(['-', '+', ' ']) {
            body.split_at(1)
        } else {
            ("", body.as_str())
        };
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{body}", " ".repeat(fill))
    }
}

fn c_exp(f: f64, prec: usize, upper: bool) -> String {
    let s = format!("{:.*e}", prec, f);
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let x: i32 = e.parse().unwrap_or(0);
    let r = format!("{}e{}{:02}", m, if x < 0 { '-' } else { '+' }, x.abs());
    if upper { r.to_uppercase() } else { r }
}

fn format(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let f = bytes_arg(vm, base, n, 0)?;
    let mut out: Vec<u8> = Vec::new();
    let mut arg = 1;
    let mut i = 0;
    while i < f.len() {
        let c = f[i];
        i += 1;
        if c != b'%' {
            out.push(c);
            continue;
        }
        if f.get(i) == Some(&b'%') {
            out.push(b'%');
            i += 1;
            continue;
        }
        let (mut left, mut zero, mut plus, mut space, mut alt) =
            (false, false, false, false, false);
        while let Some(&fl) = f.get(i) {
            match fl {
                b'-' => left = true,
                b'0' => zero = true,
                b'+' => plus = true,
                b' ' => space = true,
                b'#' => alt = true,
                _ => break,
            }
            i += 1;
        }
        let mut width = 0usize;
        while let Some(d) = f.get(i).filter(|d| d.is_ascii_digit()) {
            width = width * 10 + (d - b'0') as usize;
            i += 1;
        }
        let mut prec: Option<usize> = None;
        if f.get(i) == Some(&b'.') {
            i += 1;
            let mut p = 0;
            while let Some(d) = f.get(i).filter(|d| d.is_ascii_digit()) {
                p = p * 10 + (d - b'0') as usize;
                i += 1;
            }
            prec = Some(p);
        }
        if width > 99 || prec.is_some_and(|p| p > 99) {
            return Err(vm.native_error("invalid conversion (width or precision too long)"));
        }
        let Some(&conv) = f.get(i) else {
            return Err(vm.native_error("invalid conversion '%' to 'format'"));
        };
        i += 1;
        if arg >= n && conv != b'%' {
            return Err(vm.arg_error(arg + 1, "no value"));
        }
        let sign = |neg: bool| {
            if neg {
                "-"
            } else if plus {
                "+"
            } else if space {
                " "
            } else {
                ""
            }
        };
        let body: String = match conv {
            b'd' | b'i' => {
                let v = vm.check_int(base, n, arg)?;
                let mut s = format!("{}{}", sign(v < 0), v.unsigned_abs());
                if let Some(p) = prec {
                    let digits = v.unsigned_abs().to_string();
                    if digits.len() < p {
                        s = format!("{}{}{}", sign(v < 0), "0".repeat(p - digits.len()), digits);
                    }
                }
                s
            }
            b'u' => (vm.check_int(base, n, arg)? as u64).to_string(),
            b'c' => {
                let v = vm.check_int(base, n, arg)?;
                out.extend_from_slice(
                    pad(String::new(), width.saturating_sub(1), left, false).as_bytes(),
                );
                out.push(v as u8);
                arg += 1;
                continue;
            }
            b'x' | b'X' | b'o' => {
                let v = vm.check_int(base, n, arg)? as u64;
                let mut s = match conv {
                    b'x' => format!("{v:x}"),
                    b'X' => format!("{v:X}"),
                    _ => format!("{v:o}"),
                };
                if let Some(p) = prec
                    && s.len() < p
                {
                    s = format!("{}{}", "0".repeat(p - s.len()), s);
                }
                if alt && v != 0 {
                    s = match conv {
                        b'x' => format!("0x{s}"),
                        b'X' => format!("0X{s}"),
                        _ => format!("0{s}"),
                    };
                }
                s
            }
            b'f' | b'F' | b'e' | b'E' | b'g' | b'G' => {
                let x = vm.check_f64(base, n, arg)?;
                let p = prec.unwrap_or(6);
                let mag = x.abs();
                let txt = if !x.is_finite() {
                    let t = if x.is_nan() { "nan" } else { "inf" };
                    if conv.is_ascii_uppercase() {
                        t.to_uppercase()
                    } else {
                        t.to_string()
                    }
                } else {
                    match conv {
                        b'f' | b'F' => format!("{:.*}", p, mag),
                        b'e' | b'E' => c_exp(mag, p, conv == b'E'),
                        _ => {
                            let g = fmt_g(mag, if p == 0 { 1 } else { p });
                            if conv == b'G' { g.to_uppercase() } else { g }
                        }
                    }
                };
                let neg = x.is_sign_negative() && !x.is_nan();
                format!("{}{}", sign(neg), txt)
            }
            b'a' | b'A' => {
                let x = vm.check_f64(base, n, arg)?;
                let s = crate::number_fmt::fmt_float(x);
                if conv == b'A' { s.to_uppercase() } else { s }
            }
            b's' => {
                let v = vm.stack[base + arg];
                let b = vm.tostring_bytes(v)?;
                let b = match prec {
                    Some(p) if p < b.len() => b[..p].to_vec(),
                    _ => b,
                };
                let s = String::from_utf8_lossy(&b).into_owned();
                if s.len() == b.len() {
                    s
                } else {
                    // Non-UTF-8 bytes: pad by bytes directly.
                    if !left && width > b.len() {
                        out.extend(std::iter::repeat_n(b' ', width - b.len()));
                    }
                    out.extend_from_slice(&b);
                    if left && width > b.len() {
                        out.extend(std::iter::repeat_n(b' ', width - b.len()));
                    }
                    arg += 1;
                    continue;
                }
            }
            b'q' => {
                let v = vm.stack[base + arg];
                match v {
                    Value::Str(s) => {
                        let b = vm.heap.str_bytes(s).to_vec();
                        out.push(b'"');
                        for (k, &ch) in b.iter().enumerate() {
                            match ch {
                                b'"' | b'\\' => {
                                    out.push(b'\\');
                                    out.push(ch);
                                }
                                b'\n' => out.extend_from_slice(b"\\\n"),
                                b'\r' => out.extend_from_slice(b"\\r"),
                                0 => {
                                    if b.get(k + 1).is_some_and(|d| d.is_ascii_digit()) {
                                        out.extend_from_slice(b"\\000")
                                    } else {
                                        out.extend_from_slice(b"\\0")
                                    }
                                }
                                c if c < 32 || c == 127 => {
                                    if b.get(k + 1).is_some_and(|d| d.is_ascii_digit()) {
                                        out.extend_from_slice(format!("\\{c:03}").as_bytes())
                                    } else {
                                        out.extend_from_slice(format!("\\{c}").as_bytes())
                                    }
                                }
                                c => out.push(c),
                            }
                        }
                        out.push(b'"');
                    }
                    Value::Int(x) => out.extend_from_slice(x.to_string().as_bytes()),
                    _ => {
                        let b = vm.tostring_bytes(v)?;
                        out.extend_from_slice(&b);
                    }
                }
                arg += 1;
                continue;
            }
            other => {
                return Err(vm.native_error(&format!(
                    "invalid conversion '%{}' to 'format'",
                    other as char
                )));
            }
        };
        let zero_ok = zero && !left && !matches!(conv, b's');
        out.extend_from_slice(pad(body, width, left, zero_ok).as_bytes());
        arg += 1;
    }
    let v = vm.str_val(&out);
    vm.push(v);
    Ok(1)
}
