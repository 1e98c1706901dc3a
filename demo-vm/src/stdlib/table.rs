//! `table` library: insert, remove, concat, sort, unpack, pack.

use crate::error::LResult;
use crate::heap::Table;
use crate::value::Value;
use crate::vm::Vm;

/// Install `table`.
pub fn open(vm: &mut Vm) {
    crate::stdlib::new_lib(
        vm,
        "table",
        &[
            ("insert", insert),
            ("remove", remove),
            ("concat", concat),
            ("sort", sort),
            ("unpack", unpack),
            ("pack", pack),
        ],
    );
}

fn insert(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let t = vm.check_table(base, n, 0)?;
    let e = vm.heap.table(t).length() + 1;
    match n {
        2 => {
            let v = vm.stack[base + 1];
            vm.raw_set_checked(t, Value::Int(e), v)?;
        }
        3 => {
            let pos = vm.check_int(base, n, 1)?;
            if (pos as u64).wrapping_sub(1) >= e as u64 {
                return Err(vm.arg_error(2, "position out of bounds"));
            }
            let mut i = e;
            while i > pos {
                let v = vm.heap.table(t).get_int(i - 1);
                vm.heap.table_mut(t).set_int(i, v);
                i -= 1;
            }
            let v = vm.stack[base + 2];
            vm.heap.table_mut(t).set_int(pos, v);
        }
        _ => return Err(vm.native_error("wrong number of arguments to 'insert'")),
    }
    vm.heap.charge(16);
    Ok(0)
}

fn remove(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let t = vm.check_table(base, n, 0)?;
    let size = vm.heap.table(t).length();
    let mut pos = vm.opt_int(base, n, 1, size)?;
    if n >= 2 && pos != size && (pos as u64).wrapping_sub(1) > size as u64 {
        return Err(vm.arg_error(2, "position out of bounds"));
    }
    let v = vm.heap.table(t).get_int(pos);
    while pos < size {
        let next = vm.heap.table(t).get_int(pos + 1);
        vm.heap.table_mut(t).set_int(pos, next);
        pos += 1;
    }
    if pos <= size || n >= 2 {
        vm.heap.table_mut(t).set_int(pos, Value::Nil);
    }
    // Trim trailing nils from the array part so `#` stays cheap.
    let tab = vm.heap.table_mut(t);
    while tab.arr.last().is_some_and(|v| v.is_nil()) {
        tab.arr.pop();
    }
    vm.push(v);
    Ok(1)
}

fn concat(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let t = vm.check_table(base, n, 0)?;
    let sep = match vm.arg(base, n, 1) {
        Value::Nil => Vec::new(),
        _ => {
            let s = vm.check_str(base, n, 1)?;
            vm.heap.str_bytes(s).to_vec()
        }
    };
    let i = vm.opt_int(base, n, 2, 1)?;
    let j = if vm.arg(base, n, 3).is_nil() {
        vm.heap.table(t).length()
    } else {
        vm.check_int(base, n, 3)?
    };
    let mut out = Vec::new();
    let mut k = i;
    while k <= j {
        let v = vm.heap.table(t).get_int(k);
        match v {
            Value::Str(s) => out.extend_from_slice(vm.heap.str_bytes(s)),
            Value::Int(_) | Value::Float(_) => {
                out.extend_from_slice(crate::number_fmt::fmt_number(v).as_bytes())
            }
            _ => {
                let tn = vm.type_name_of(v);
                return Err(vm.native_error(&format!(
                    "invalid value ({tn}) at index {k} in table for 'concat'"
                )));
            }
        }
        if k < j {
            out.extend_from_slice(&sep);
        }
        if k == i64::MAX {
            break;
        }
        k += 1;
    }
    let s = vm.str_val(&out);
    vm.push(s);
    Ok(1)
}

/// `unpack(t, i, j)` (also the global `unpack`).
pub fn unpack(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let tv = vm.arg(base, n, 0);
    let i = vm.opt_int(base, n, 1, 1)?;
    let j = if vm.arg(base, n, 2).is_nil() {
        match tv {
            Value::Table(t) => vm.heap.table(t).length(),
            _ => vm.len(tv, crate::meta::Opnd::None)?.as_f64().unwrap_or(0.0) as i64,
        }
    } else {
        vm.check_int(base, n, 2)?
    };
    if i > j {
        return Ok(0);
    }
    let count = (j as i128 - i as i128 + 1) as u128;
    if count >= 1_000_000 {
        return Err(vm.native_error("too many results to unpack"));
    }
    let mut k = i;
    loop {
        let v = match tv {
            Value::Table(t) if vm.heap.table_meta(t).is_none() => vm.heap.table(t).get_int(k),
            _ => vm.index(tv, Value::Int(k), crate::meta::Opnd::None)?,
        };
        vm.push(v);
        if k == j {
            break;
        }
        k += 1;
    }
    Ok(count as usize)
}

fn pack(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let mut t = Table::with_capacity(n, 1);
    t.arr.extend_from_slice(&vm.stack[base..base + n]);
    let r = vm.heap.alloc_table(t);
    let k = vm.heap.intern(b"n");
    vm.heap.raw_set_str(r, k, Value::Int(n as i64));
    vm.push(Value::Table(r));
    Ok(1)
}

/// Sorting works on a copy of the elements kept in value-stack slots (so the
/// collector sees and updates them while comparators run): a port of Lua's
/// quicksort that only ever holds stack indices across comparisons.
struct Sorter {
    /// Stack index of element 1; the pivot lives at `lo - 1`, the comparator at `lo - 2`.
    lo: usize,
    has_cmp: bool,
}

impl Sorter {
    fn idx(&self, i: usize) -> usize {
        self.lo + i - 1
    }

    fn lt(&self, vm: &mut Vm, x: usize, y: usize) -> LResult<bool> {
        let (a, b) = (vm.stack[x], vm.stack[y]);
        if self.has_cmp {
            let cmp = vm.stack[self.lo - 2];
            Ok(vm.call1(cmp, &[a, b])?.truthy())
        } else {
            vm.compare(a, b, false)
        }
    }

    fn swap(&self, vm: &mut Vm, i: usize, j: usize) {
        vm.stack.swap(self.idx(i), self.idx(j));
    }

    fn sort(&self, vm: &mut Vm, mut lo: usize, mut up: usize) -> LResult<()> {
        let pivot = self.lo - 1;
        while lo < up {
            if self.lt(vm, self.idx(up), self.idx(lo))? {
                self.swap(vm, lo, up);
            }
            if up - lo == 1 {
                break;
            }
            let p = lo + (up - lo) / 2;
            if self.lt(vm, self.idx(p), self.idx(lo))? {
                self.swap(vm, p, lo);
            } else if self.lt(vm, self.idx(up), self.idx(p))? {
                self.swap(vm, p, up);
            }
            if up - lo == 2 {
                break;
            }
            vm.stack[pivot] = vm.stack[self.idx(p)];
            self.swap(vm, p, up - 1);
            let (mut i, mut j) = (lo, up - 1);
            loop {
                loop {
                    i += 1;
                    if !self.lt(vm, self.idx(i), pivot)? {
                        break;
                    }
                    if i == up - 1 {
                        return Err(vm.native_error("invalid order function for sorting"));
                    }
                }
                loop {
                    j -= 1;
                    if !self.lt(vm, pivot, self.idx(j))? {
                        break;
                    }
                    if j < i {
                        return Err(vm.native_error("invalid order function for sorting"));
                    }
                }
                if j < i {
                    break;
                }
                self.swap(vm, i, j);
            }
            self.swap(vm, up - 1, i);
            let p = i;
            if p - lo < up - p {
                if p > lo {
                    self.sort(vm, lo, p - 1)?;
                }
                lo = p + 1;
            } else {
                self.sort(vm, p + 1, up)?;
                up = p - 1;
            }
        }
        Ok(())
    }
}

fn sort(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let t = vm.check_table(base, n, 0)?;
    let cmp = vm.arg(base, n, 1);
    if !cmp.is_nil() && !matches!(cmp, Value::Func(_)) {
        let got = vm.type_name_of(cmp);
        return Err(vm.arg_error(2, &format!("function expected, got {got}")));
    }
    let len = vm.heap.table(t).length();
    if len < 2 {
        return Ok(0);
    }
    if len >= i32::MAX as i64 {
        return Err(vm.arg_error(1, "array too big"));
    }
    let len = len as usize;
    // Layout above top: [cmp, pivot, e1, ..., en].
    let slot = vm.top;
    vm.ensure_stack(slot + len + 3)?;
    vm.stack[slot] = cmp;
    vm.stack[slot + 1] = Value::Nil;
    for i in 0..len {
        vm.stack[slot + 2 + i] = vm.heap.table(t).get_int(i as i64 + 1);
    }
    vm.top = slot + 2 + len;
    let s = Sorter {
        lo: slot + 2,
        has_cmp: !cmp.is_nil(),
    };
    s.sort(vm, 1, len)?;
    let Value::Table(t) = vm.stack[base] else {
        unreachable!("checked above")
    };
    for i in 0..len {
        let v = vm.stack[slot + 2 + i];
        vm.heap.table_mut(t).set_int(i as i64 + 1, v);
    }
    vm.top = slot;
    Ok(0)
}
