//! The `string` library as the VM sees it: argument checking, conversion
//! between VM values and bytes, and the string metatable (`("x"):upper()`).
//! The string semantics themselves (positions, patterns, `format`, number
//! text) come from [`crate::stdlib::lstr`]; this module and its two children
//! only adapt them to the VM:
//!
//! * here: `len`, `sub`, `upper`, `lower`, `rep`, `reverse`, `byte`, `char`;
//! * [`pattern`]: `find`, `match`, `gmatch`, `gsub`;
//! * [`format`](mod@format): `format`.

mod format;
mod pattern;

use crate::error::{LResult, LuaError};
use crate::heap::Table;
use crate::stdlib::lstr::index;
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
            ("format", format::format),
            ("find", pattern::find),
            ("match", pattern::match_),
            ("gmatch", pattern::gmatch),
            ("gsub", pattern::gsub),
        ],
    );
    let meta = Value::Table(vm.heap.alloc_table(Table::default()));
    vm.set_str_field(meta, "__index", s);
    vm.string_meta = meta;
}

/// An error inside an `lstr` call that may run Lua code: either one of
/// `lstr`'s own messages (Lua's text without position, raised at the
/// caller of the native like `luaL_error`) or an error thrown by Lua code
/// the library called (`__tostring`, a `gsub` replacement function), which
/// passes through unchanged.
enum NativeErr {
    Msg(String),
    Lua(LuaError),
}

impl From<String> for NativeErr {
    fn from(m: String) -> Self {
        NativeErr::Msg(m)
    }
}

impl From<LuaError> for NativeErr {
    fn from(e: LuaError) -> Self {
        NativeErr::Lua(e)
    }
}

impl NativeErr {
    /// The Lua error to raise; must run while the native's frame is on top.
    /// `lstr`'s "bad argument #N to 'NAME' (EXTRA)" messages go through
    /// [`Vm::arg_error`], so argument errors name the function the way the
    /// VM names it for every other native.
    fn raise(self, vm: &mut Vm) -> LuaError {
        match self {
            NativeErr::Msg(m) => match split_arg_error(&m) {
                Some((arg, extra)) => vm.arg_error(arg, extra),
                None => vm.native_error(&m),
            },
            NativeErr::Lua(e) => e,
        }
    }
}

/// Splits "bad argument #N to 'NAME' (EXTRA)" into `N` and `EXTRA`.
fn split_arg_error(m: &str) -> Option<(usize, &str)> {
    let rest = m.strip_prefix("bad argument #")?;
    let (arg, rest) = rest.split_once(" to '")?;
    let (_name, extra) = rest.split_once("' (")?;
    Some((arg.parse().ok()?, extra.strip_suffix(')')?))
}

/// Argument `i` as an owned byte string (numbers converted, as
/// `luaL_checklstring`). Owned so it survives collections triggered by Lua
/// code the native calls.
fn bytes_arg(vm: &mut Vm, base: usize, n: usize, i: usize) -> LResult<Vec<u8>> {
    let s = vm.check_str(base, n, i)?;
    Ok(vm.heap.str_bytes(s).to_vec())
}

/// Optional integer argument `i`: `None` when absent or nil.
fn opt_int_arg(vm: &mut Vm, base: usize, n: usize, i: usize) -> LResult<Option<i64>> {
    if vm.arg(base, n, i).is_nil() {
        Ok(None)
    } else {
        vm.check_int(base, n, i).map(Some)
    }
}

/// Intern `b` and push it as the native's result.
fn push_str(vm: &mut Vm, b: &[u8]) -> usize {
    let v = vm.str_val(b);
    vm.push(v);
    1
}

fn len(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let s = vm.check_str(base, n, 0)?;
    let l = vm.heap.str_bytes(s).len();
    vm.push(Value::Int(l as i64));
    Ok(1)
}

fn sub(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let s = vm.check_str(base, n, 0)?;
    let i = vm.check_int(base, n, 1)?;
    let j = vm.opt_int(base, n, 2, -1)?;
    let b = vm.heap.str_bytes(s);
    let r = b[index::sub_range(i, j, b.len())].to_vec();
    Ok(push_str(vm, &r))
}

fn upper(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let b = bytes_arg(vm, base, n, 0)?.to_ascii_uppercase();
    Ok(push_str(vm, &b))
}

fn lower(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let b = bytes_arg(vm, base, n, 0)?.to_ascii_lowercase();
    Ok(push_str(vm, &b))
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
        return Ok(push_str(vm, b""));
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
    Ok(push_str(vm, &out))
}

fn reverse(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let mut b = bytes_arg(vm, base, n, 0)?;
    b.reverse();
    Ok(push_str(vm, &b))
}

fn byte(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let s = vm.check_str(base, n, 0)?;
    let i = opt_int_arg(vm, base, n, 1)?;
    let j = opt_int_arg(vm, base, n, 2)?;
    let len = vm.heap.str_bytes(s).len();
    let r = index::byte_range(i, j, len);
    vm.ensure_stack(vm.top + r.len())?;
    // Copy only the requested bytes (the string may be long).
    for k in r.clone() {
        let c = vm.heap.str_bytes(s)[k];
        vm.push(Value::Int(i64::from(c)));
    }
    Ok(r.len())
}

fn char(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let c = vm.check_int(base, n, i)?;
        let Ok(c) = u8::try_from(c) else {
            return Err(vm.arg_error(i + 1, "value out of range"));
        };
        out.push(c);
    }
    Ok(push_str(vm, &out))
}
