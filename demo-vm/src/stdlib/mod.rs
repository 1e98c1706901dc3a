//! The standard library: base functions, `table`, `math`, `string`, `io`,
//! `os`, `package`. Natives follow one convention (see [`crate::vm::NativeFn`]):
//! arguments are `stack[base..base+n]`, results are pushed.

pub mod base;
pub mod io;
pub mod lstr;
pub mod math;
pub mod string;
pub mod table;

use crate::error::{LResult, LuaError};
use crate::heap::{Obj, Table};
use crate::value::{GcRef, Value};
use crate::vm::{NativeFn, Vm};

/// Install every library into the globals.
pub fn open_all(vm: &mut Vm) {
    base::open(vm);
    table::open(vm);
    math::open(vm);
    string::open(vm);
    io::open(vm);
}

/// Create a library table with the given functions and store it as global `name`.
pub(crate) fn new_lib(
    vm: &mut Vm,
    name: &'static str,
    funcs: &[(&'static str, NativeFn)],
) -> Value {
    let t = Value::Table(vm.heap.alloc_table(Table::default()));
    for (n, f) in funcs {
        let fv = Value::Func(vm.heap.alloc_native(crate::heap::Native {
            f: *f,
            name: n,
            lib: name,
            upvals: Vec::new(),
        }));
        vm.set_str_field(t, n, fv);
    }
    let g = vm.globals;
    vm.set_str_field(g, name, t);
    let loaded = vm.loaded;
    vm.set_str_field(loaded, name, t);
    t
}

impl Vm {
    /// Argument `i` (0-based) or nil.
    #[inline]
    pub(crate) fn arg(&self, base: usize, n: usize, i: usize) -> Value {
        if i < n {
            self.stack[base + i]
        } else {
            Value::Nil
        }
    }

    fn arg_type_error(&mut self, n: usize, i: usize, expected: &str, v: Value) -> LuaError {
        let got = if i >= n {
            "no value".to_string()
        } else {
            self.type_name_of(v)
        };
        self.arg_error(i + 1, &format!("{expected} expected, got {got}"))
    }

    /// Argument `i` as an integer (Lua's `luaL_checkinteger`).
    pub(crate) fn check_int(&mut self, base: usize, n: usize, i: usize) -> LResult<i64> {
        let v = self.arg(base, n, i);
        match v {
            Value::Int(x) => Ok(x),
            _ => match self.to_number(v) {
                Some(num) => match self.to_integer(num) {
                    Some(x) => Ok(x),
                    None => Err(self.arg_error(i + 1, "number has no integer representation")),
                },
                None => Err(self.arg_type_error(n, i, "number", v)),
            },
        }
    }

    /// Optional integer argument.
    pub(crate) fn opt_int(&mut self, base: usize, n: usize, i: usize, def: i64) -> LResult<i64> {
        if self.arg(base, n, i).is_nil() {
            Ok(def)
        } else {
            self.check_int(base, n, i)
        }
    }

    /// Argument `i` as a number value (Int or Float).
    pub(crate) fn check_num(&mut self, base: usize, n: usize, i: usize) -> LResult<Value> {
        let v = self.arg(base, n, i);
        match self.to_number(v) {
            Some(x) => Ok(x),
            None => Err(self.arg_type_error(n, i, "number", v)),
        }
    }

    /// Argument `i` as a float.
    pub(crate) fn check_f64(&mut self, base: usize, n: usize, i: usize) -> LResult<f64> {
        Ok(self.check_num(base, n, i)?.as_f64().unwrap_or(0.0))
    }

    /// Argument `i` as a string (numbers are converted), returned as a string reference.
    pub(crate) fn check_str(&mut self, base: usize, n: usize, i: usize) -> LResult<GcRef> {
        let v = self.arg(base, n, i);
        match v {
            Value::Str(s) => Ok(s),
            Value::Int(_) | Value::Float(_) => {
                let s = crate::number_fmt::fmt_number(v);
                Ok(self.heap.intern(s.as_bytes()))
            }
            _ => Err(self.arg_type_error(n, i, "string", v)),
        }
    }

    /// Argument `i` as a table.
    pub(crate) fn check_table(&mut self, base: usize, n: usize, i: usize) -> LResult<GcRef> {
        match self.arg(base, n, i) {
            Value::Table(t) => Ok(t),
            v => Err(self.arg_type_error(n, i, "table", v)),
        }
    }

    /// Error unless argument `i` exists.
    pub(crate) fn check_any(&mut self, n: usize, i: usize) -> LResult<()> {
        if i >= n {
            Err(self.arg_error(i + 1, "value expected"))
        } else {
            Ok(())
        }
    }

    /// Private state slot `i` of the running native function.
    pub(crate) fn native_upval(&self, i: usize) -> Value {
        if let Some(f) = self.frames.last()
            && let Value::Func(r) = self.stack[f.func]
            && let Obj::Native(n) = &self.heap.slot(r).obj
        {
            return n.upvals.get(i).copied().unwrap_or(Value::Nil);
        }
        Value::Nil
    }

    /// A native function with private state.
    pub(crate) fn native_with(
        &mut self,
        name: &'static str,
        f: NativeFn,
        upvals: Vec<Value>,
    ) -> Value {
        Value::Func(self.heap.alloc_native(crate::heap::Native {
            f,
            name,
            lib: "",
            upvals,
        }))
    }
}
