//! `string.format`: VM values become [`FmtArg`]s for
//! [`lstr::format`](crate::stdlib::lstr::format), which does all the work;
//! `%s` of tables and functions comes back here for the VM's `tostring`
//! (with `__tostring` and `__name`).

use super::{NativeErr, bytes_arg};
use crate::error::LResult;
use crate::stdlib::lstr::format::{self as lfmt, FmtArg};
use crate::value::Value;
use crate::vm::Vm;

/// What a VM value hands to the formatter, owned so that `__tostring`
/// (Lua code, which may collect and move heap strings) can run while the
/// formatter holds the arguments.
enum Owned {
    Plain(FmtArg<'static>),
    Str(Vec<u8>),
    Other { type_name: String, address: usize },
}

fn owned_arg(vm: &Vm, v: Value) -> Owned {
    match v {
        Value::Nil => Owned::Plain(FmtArg::Nil),
        Value::Bool(b) => Owned::Plain(FmtArg::Bool(b)),
        Value::Int(i) => Owned::Plain(FmtArg::Int(i)),
        Value::Float(f) => Owned::Plain(FmtArg::Float(f)),
        Value::Str(s) => Owned::Str(vm.heap.str_bytes(s).to_vec()),
        Value::Table(r) | Value::Func(r) => Owned::Other {
            type_name: vm.type_name_of(v),
            address: (vm.heap.slot(r).header & 0xffff_ffff_ffff) as usize,
        },
    }
}

impl Owned {
    fn as_arg(&self) -> FmtArg<'_> {
        match self {
            Owned::Plain(a) => *a,
            Owned::Str(s) => FmtArg::Str(s),
            Owned::Other { type_name, address } => FmtArg::Other {
                type_name,
                address: *address,
            },
        }
    }
}

/// `string.format(fmt, ...)`.
pub(super) fn format(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    if let Some(out) = format_simple(vm, base, n) {
        let v = vm.str_val(&out);
        vm.push(v);
        return Ok(1);
    }
    let fmt = bytes_arg(vm, base, n, 0)?;
    let owned: Vec<Owned> = (1..n).map(|i| owned_arg(vm, vm.stack[base + i])).collect();
    let args: Vec<FmtArg<'_>> = owned.iter().map(Owned::as_arg).collect();
    // Arguments stay on the stack (roots): read them there when `%s`
    // needs the VM's `tostring`.
    let mut tostring = |i: usize| -> Result<Vec<u8>, NativeErr> {
        let v = vm.stack[base + 1 + i];
        Ok(vm.tostring_bytes(v)?)
    };
    match lfmt::format::<NativeErr>(&fmt, &args, &mut tostring) {
        Ok(out) => {
            let v = vm.str_val(&out);
            vm.push(v);
            Ok(1)
        }
        Err(e) => Err(e.raise(vm)),
    }
}

/// The common simple formats without the general machinery: only `%%`,
/// `%s` of strings and `%d` of integers with an optional `0` flag and a
/// width of at most two digits (C's padding rules: sign before zeros, spaces
/// before the sign). `None` for anything else (other conversions, flags,
/// precision, argument kinds, missing arguments); the general formatter
/// then does the work, including every error.
fn format_simple(vm: &Vm, base: usize, n: usize) -> Option<Vec<u8>> {
    let Value::Str(f) = *vm.stack.get(base)? else {
        return None;
    };
    if n == 0 {
        return None;
    }
    let fmt = vm.heap.str_bytes(f);
    let mut out = Vec::with_capacity(fmt.len() + 16);
    let mut next = 1;
    let mut i = 0;
    while i < fmt.len() {
        let c = fmt[i];
        i += 1;
        if c != b'%' {
            out.push(c);
            continue;
        }
        let zero = fmt.get(i) == Some(&b'0');
        if zero {
            i += 1;
        }
        let mut width = 0usize;
        let mut digits = 0;
        while let Some(&d) = fmt.get(i).filter(|d| d.is_ascii_digit()) {
            width = width * 10 + usize::from(d - b'0');
            digits += 1;
            i += 1;
        }
        let conv = *fmt.get(i)?;
        i += 1;
        if digits > 2 || (conv == b'%' && (zero || digits > 0)) {
            return None;
        }
        if conv == b'%' {
            out.push(b'%');
            continue;
        }
        if next >= n {
            return None;
        }
        let arg = vm.stack[base + next];
        next += 1;
        match (conv, arg) {
            (b's', Value::Str(a)) if !zero && digits == 0 => {
                out.extend_from_slice(vm.heap.str_bytes(a));
            }
            (b'd', Value::Int(v)) => {
                let mut buf = [0u8; 20];
                let mut k = buf.len();
                let mut m = v.unsigned_abs();
                loop {
                    k -= 1;
                    buf[k] = b'0' + (m % 10) as u8;
                    m /= 10;
                    if m == 0 {
                        break;
                    }
                }
                let body = &buf[k..];
                let len = body.len() + usize::from(v < 0);
                let pad = width.saturating_sub(len);
                if !zero {
                    out.resize(out.len() + pad, b' ');
                }
                if v < 0 {
                    out.push(b'-');
                }
                if zero {
                    out.resize(out.len() + pad, b'0');
                }
                out.extend_from_slice(body);
            }
            _ => return None,
        }
    }
    Some(out)
}
