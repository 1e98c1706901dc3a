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
