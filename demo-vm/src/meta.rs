//! Slow paths of the interpreter: arithmetic with coercions and
//! metamethods, indexing through `__index`/`__newindex`, comparisons,
//! length, concatenation, `tostring`, and error messages naming operands.

use crate::error::{LResult, LuaError};
use crate::number_fmt::{fmt_number, str_to_number};
use crate::value::*;
use crate::vm::{Tm, Vm};

/// Where an operand came from, for naming it in error messages.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Opnd {
    /// A register of the running Lua frame.
    Reg(u8),
    /// A constant of the running function.
    Const(u32),
    /// An upvalue of the running function.
    Up(u8),
    /// Nothing known.
    None,
}

/// Arithmetic and bitwise operators.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    IDiv,
    BAnd,
    BOr,
    BXor,
    Shl,
    Shr,
    Unm,
    BNot,
}

impl ArithOp {
    fn tm(self) -> Tm {
        match self {
            ArithOp::Add => Tm::Add,
            ArithOp::Sub => Tm::Sub,
            ArithOp::Mul => Tm::Mul,
            ArithOp::Div => Tm::Div,
            ArithOp::Mod => Tm::Mod,
            ArithOp::Pow => Tm::Pow,
            ArithOp::IDiv => Tm::IDiv,
            ArithOp::BAnd => Tm::BAnd,
            ArithOp::BOr => Tm::BOr,
            ArithOp::BXor => Tm::BXor,
            ArithOp::Shl => Tm::Shl,
            ArithOp::Shr => Tm::Shr,
            ArithOp::Unm => Tm::Unm,
            ArithOp::BNot => Tm::BNot,
        }
    }

    fn is_bitwise(self) -> bool {
        matches!(
            self,
            ArithOp::BAnd
                | ArithOp::BOr
                | ArithOp::BXor
                | ArithOp::Shl
                | ArithOp::Shr
                | ArithOp::BNot
        )
    }

    fn verb(self) -> &'static str {
        match self {
            ArithOp::Add => "add",
            ArithOp::Sub => "sub",
            ArithOp::Mul => "mul",
            ArithOp::Div => "div",
            ArithOp::Mod => "mod",
            ArithOp::Pow => "pow",
            ArithOp::IDiv => "idiv",
            ArithOp::Unm => "unm",
            _ => "?",
        }
    }
}

/// Integer value of a number for bitwise operations.
fn to_int_bits(v: Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(i),
        Value::Float(f) => float_to_int_exact(f),
        _ => None,
    }
}

/// Arithmetic on two numbers (no strings, no metamethods). `None` if an
/// operand is not a number; `Err` for Lua-level arithmetic errors.
pub(crate) fn arith_num(op: ArithOp, a: Value, b: Value) -> Option<Result<Value, &'static str>> {
    use ArithOp::*;
    if op.is_bitwise() {
        if !matches!(a, Value::Int(_) | Value::Float(_))
            || !matches!(b, Value::Int(_) | Value::Float(_))
        {
            return None;
        }
        let (Some(x), Some(y)) = (to_int_bits(a), to_int_bits(b)) else {
            return Some(Err("number has no integer representation"));
        };
        return Some(Ok(Value::Int(match op {
            BAnd => x & y,
            BOr => x | y,
            BXor => x ^ y,
            Shl => shift_left(x, y),
            Shr => shift_left(x, y.wrapping_neg()),
            _ => !x,
        })));
    }
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(Ok(match op {
            Add => Value::Int(x.wrapping_add(y)),
            Sub => Value::Int(x.wrapping_sub(y)),
            Mul => Value::Int(x.wrapping_mul(y)),
            Div => Value::Float(x as f64 / y as f64),
            Pow => Value::Float((x as f64).powf(y as f64)),
            IDiv => {
                if y == 0 {
                    return Some(Err("attempt to divide by zero"));
                }
                Value::Int(int_floor_div(x, y))
            }
            Mod => {
                if y == 0 {
                    return Some(Err("attempt to perform 'n%%0'"));
                }
                Value::Int(int_mod(x, y))
            }
            Unm => Value::Int(x.wrapping_neg()),
            _ => unreachable!("bitwise handled above"),
        })),
        _ => {
            let x = a.as_f64()?;
            let y = b.as_f64()?;
            Some(Ok(Value::Float(match op {
                Add => x + y,
                Sub => x - y,
                Mul => x * y,
                Div => x / y,
                Pow => {
                    if y == 2.0 {
                        x * x
                    } else {
                        x.powf(y)
                    }
                }
                IDiv => (x / y).floor(),
                Mod => {
                    if y.is_infinite() && x.is_finite() {
                        if (x >= 0.0) == (y > 0.0) { x } else { y }
                    } else {
                        float_mod(x, y)
                    }
                }
                Unm => -x,
                _ => unreachable!("bitwise handled above"),
            })))
        }
    }
}

impl Vm {
    /// " (local 'x')"-style suffix naming an operand of the running instruction.
    pub(crate) fn varinfo(&self, o: Opnd) -> String {
        let Some(f) = self.frames.last() else {
            return String::new();
        };
        let Some(p) = &f.proto else {
            return String::new();
        };
        let pc = f.pc().saturating_sub(1);
        match o {
            Opnd::Reg(r) => match crate::debuginfo::obj_name(p, pc, r, &self.heap) {
                Some((kind, name)) => format!(" ({kind} '{name}')"),
                None => String::new(),
            },
            Opnd::Const(k) => match p.consts.get(k as usize).map(|c| c.get()) {
                Some(Value::Str(s)) => {
                    format!(
                        " (constant '{}')",
                        String::from_utf8_lossy(self.heap.str_bytes(s))
                    )
                }
                _ => String::new(),
            },
            Opnd::Up(u) => match p.upvals.get(u as usize) {
                Some(d) => format!(" (upvalue '{}')", d.name),
                None => String::new(),
            },
            Opnd::None => String::new(),
        }
    }

    /// "attempt to OP a TYPE value (kind 'name')".
    pub(crate) fn type_error(&mut self, v: Value, op: &str, o: Opnd) -> LuaError {
        let vi = self.varinfo(o);
        let tn = self.type_name_of(v);
        self.rt_error(&format!("attempt to {op} a {tn} value{vi}"))
    }

    /// Number value of `v` with string coercion.
    pub(crate) fn to_number(&self, v: Value) -> Option<Value> {
        match v {
            Value::Int(_) | Value::Float(_) => Some(v),
            Value::Str(s) => str_to_number(self.heap.str_bytes(s)),
            _ => None,
        }
    }

    /// Integer value of `v` (floats with an exact integer value and numeric strings accepted).
    pub(crate) fn to_integer(&self, v: Value) -> Option<i64> {
        match self.to_number(v)? {
            Value::Int(i) => Some(i),
            Value::Float(f) => float_to_int_exact(f),
            _ => None,
        }
    }

    /// Full arithmetic: numbers, string coercion, metamethods, errors.
    pub(crate) fn arith(
        &mut self,
        op: ArithOp,
        a: Value,
        b: Value,
        oa: Opnd,
        ob: Opnd,
    ) -> LResult<Value> {
        if op.is_bitwise() && a.as_f64().is_some() && b.as_f64().is_some() {
            // luaG_tointerror: blame the second operand if it is the bad one.
            let (bad, o) = if to_int_bits(b).is_none() {
                (b, ob)
            } else {
                (a, oa)
            };
            if to_int_bits(bad).is_none() {
                let vi = self.varinfo(o);
                return Err(self.rt_error(&format!("number{vi} has no integer representation")));
            }
        }
        if let Some(r) = arith_num(op, a, b) {
            return r.map_err(|m| self.rt_error(&m.replace("%%", "%")));
        }
        if !op.is_bitwise() {
            // Lua 5.4 order: the first operand's metamethod, else the second's;
            // strings carry the string library's arithmetic metamethods, which
            // coerce both operands or fall back to the other operand's handler.
            let is_str = |v: Value| matches!(v, Value::Str(_));
            let tm_a = if is_str(a) {
                Value::Nil
            } else {
                self.get_tm(a, op.tm())
            };
            if !tm_a.is_nil() {
                return self.call1(tm_a, &[a, b]);
            }
            if is_str(a) || is_str(b) {
                let tm_b = if is_str(b) {
                    Value::Nil
                } else {
                    self.get_tm(b, op.tm())
                };
                if is_str(a) || tm_b.is_nil() {
                    if let (Some(x), Some(y)) = (self.to_number(a), self.to_number(b))
                        && let Some(r) = arith_num(op, x, y)
                    {
                        return r.map_err(|m| self.rt_error(&m.replace("%%", "%")));
                    }
                    if !tm_b.is_nil() {
                        return self.call1(tm_b, &[a, b]);
                    }
                    let (ta, tb) = (self.type_name_of(a), self.type_name_of(b));
                    return Err(self.rt_error(&format!(
                        "attempt to {} a '{}' with a '{}'",
                        op.verb(),
                        ta,
                        tb
                    )));
                }
            }
        }
        let mut tm = self.get_tm(a, op.tm());
        if tm.is_nil() {
            tm = self.get_tm(b, op.tm());
        }
        if !tm.is_nil() {
            return self.call1(tm, &[a, b]);
        }
        if op.is_bitwise() {
            if a.as_f64().is_some() && b.as_f64().is_some() {
                return Err(self.rt_error("number has no integer representation"));
            }
            let (v, o) = if a.as_f64().is_none() {
                (a, oa)
            } else {
                (b, ob)
            };
            return Err(self.type_error(v, "perform bitwise operation on", o));
        }
        let (v, o) = if a.as_f64().is_none() {
            (a, oa)
        } else {
            (b, ob)
        };
        Err(self.type_error(v, "perform arithmetic on", o))
    }

    /// `t[k]` with `__index`.
    pub(crate) fn index(&mut self, mut t: Value, k: Value, ot: Opnd) -> LResult<Value> {
        for i in 0..2000 {
            let tm = if let Value::Table(r) = t {
                let v = self.heap.raw_get(r, k);
                if !v.is_nil() {
                    return Ok(v);
                }
                match self.heap.table_meta(r) {
                    None => return Ok(Value::Nil),
                    Some(m) => {
                        let tm = self.heap.raw_get_str(m, self.tm(Tm::Index));
                        if tm.is_nil() {
                            return Ok(Value::Nil);
                        }
                        tm
                    }
                }
            } else {
                let tm = self.get_tm(t, Tm::Index);
                if tm.is_nil() {
                    return Err(self.type_error(t, "index", if i == 0 { ot } else { Opnd::None }));
                }
                tm
            };
            if let Value::Func(_) = tm {
                return self.call1(tm, &[t, k]);
            }
            t = tm;
        }
        Err(self.rt_error("'__index' chain too long; possibly a loop"))
    }

    /// Raw set with Lua's key errors.
    pub(crate) fn raw_set_checked(&mut self, t: GcRef, k: Value, v: Value) -> LResult<()> {
        match self.heap.raw_set(t, k, v) {
            Ok(_) => Ok(()),
            Err(m) => Err(self.rt_error(m)),
        }
    }

    /// `t[k] = v` with `__newindex`.
    pub(crate) fn set_index(&mut self, mut t: Value, k: Value, v: Value, ot: Opnd) -> LResult<()> {
        for i in 0..2000 {
            let tm = if let Value::Table(r) = t {
                let meta = self.heap.table_meta(r);
                let tm = match meta {
                    None => Value::Nil,
                    Some(m) => {
                        if !self.heap.raw_get(r, k).is_nil() {
                            Value::Nil
                        } else {
                            self.heap.raw_get_str(m, self.tm(Tm::NewIndex))
                        }
                    }
                };
                if tm.is_nil() {
                    return self.raw_set_checked(r, k, v);
                }
                tm
            } else {
                let tm = self.get_tm(t, Tm::NewIndex);
                if tm.is_nil() {
                    return Err(self.type_error(t, "index", if i == 0 { ot } else { Opnd::None }));
                }
                tm
            };
            if let Value::Func(_) = tm {
                let saved = self.top;
                self.call_value(tm, &[t, k, v], 0)?;
                self.top = saved;
                return Ok(());
            }
            t = tm;
        }
        Err(self.rt_error("'__newindex' chain too long; possibly a loop"))
    }

    /// `a == b` with `__eq`.
    pub(crate) fn equals(&mut self, a: Value, b: Value) -> LResult<bool> {
        if a.raw_eq(b) {
            return Ok(true);
        }
        if let (Value::Table(_), Value::Table(_)) = (a, b) {
            let mut tm = self.get_tm(a, Tm::Eq);
            if tm.is_nil() {
                tm = self.get_tm(b, Tm::Eq);
            }
            if !tm.is_nil() {
                return Ok(self.call1(tm, &[a, b])?.truthy());
            }
        }
        Ok(false)
    }

    fn compare_error(&mut self, a: Value, b: Value) -> LuaError {
        let (ta, tb) = (self.type_name_of(a), self.type_name_of(b));
        if ta == tb {
            self.rt_error(&format!("attempt to compare two {ta} values"))
        } else {
            self.rt_error(&format!("attempt to compare {ta} with {tb}"))
        }
    }

    /// `a < b` (`le` false) or `a <= b` (`le` true) with metamethods.
    pub(crate) fn compare(&mut self, a: Value, b: Value, le: bool) -> LResult<bool> {
        match (a, b) {
            (Value::Int(x), Value::Int(y)) => return Ok(if le { x <= y } else { x < y }),
            (Value::Float(x), Value::Float(y)) => return Ok(if le { x <= y } else { x < y }),
            (Value::Int(x), Value::Float(y)) => {
                return Ok(if le {
                    le_int_float(x, y)
                } else {
                    lt_int_float(x, y)
                });
            }
            (Value::Float(x), Value::Int(y)) => {
                return Ok(if le {
                    le_float_int(x, y)
                } else {
                    lt_float_int(x, y)
                });
            }
            (Value::Str(x), Value::Str(y)) => {
                let (x, y) = (self.heap.str_bytes(x), self.heap.str_bytes(y));
                return Ok(if le { x <= y } else { x < y });
            }
            _ => {}
        }
        let ev = if le { Tm::Le } else { Tm::Lt };
        let mut tm = self.get_tm(a, ev);
        if tm.is_nil() {
            tm = self.get_tm(b, ev);
        }
        if tm.is_nil() {
            return Err(self.compare_error(a, b));
        }
        Ok(self.call1(tm, &[a, b])?.truthy())
    }

    /// `#v` with `__len`.
    pub(crate) fn len(&mut self, v: Value, o: Opnd) -> LResult<Value> {
        match v {
            Value::Str(s) => Ok(Value::Int(self.heap.str_bytes(s).len() as i64)),
            Value::Table(t) => {
                let tm = self.get_tm(v, Tm::Len);
                if tm.is_nil() {
                    Ok(Value::Int(self.heap.table(t).length()))
                } else {
                    self.call1(tm, &[v])
                }
            }
            _ => {
                let tm = self.get_tm(v, Tm::Len);
                if tm.is_nil() {
                    return Err(self.type_error(v, "get length of", o));
                }
                self.call1(tm, &[v])
            }
        }
    }

    fn append_strnum(&self, v: Value, out: &mut Vec<u8>) -> bool {
        match v {
            Value::Str(s) => out.extend_from_slice(self.heap.str_bytes(s)),
            Value::Int(_) | Value::Float(_) => out.extend_from_slice(fmt_number(v).as_bytes()),
            _ => return false,
        }
        true
    }

    /// Concatenate `stack[first..first+n]` into `stack[first]` (right to
    /// left, `__concat` for non-string operands). `base` names registers.
    pub(crate) fn concat(&mut self, first: usize, n: usize, base: usize) -> LResult<()> {
        let is_sn = |v: Value| matches!(v, Value::Str(_) | Value::Int(_) | Value::Float(_));
        let mut top = first + n;
        let mut buf = Vec::new();
        while top - first > 1 {
            let (a, b) = (self.stack[top - 2], self.stack[top - 1]);
            if is_sn(a) && is_sn(b) {
                let mut k = 2;
                while k < top - first && is_sn(self.stack[top - 1 - k]) {
                    k += 1;
                }
                buf.clear();
                for i in top - k..top {
                    let v = self.stack[i];
                    self.append_strnum(v, &mut buf);
                }
                let s = self.str_val(&buf);
                self.stack[top - k] = s;
                top = top - k + 1;
            } else {
                let mut tm = self.get_tm(a, Tm::Concat);
                if tm.is_nil() {
                    tm = self.get_tm(b, Tm::Concat);
                }
                if tm.is_nil() {
                    let (v, idx) = if is_sn(a) { (b, top - 1) } else { (a, top - 2) };
                    let reg = idx
                        .checked_sub(base)
                        .filter(|r| *r < 256)
                        .map(|r| Opnd::Reg(r as u8))
                        .unwrap_or(Opnd::None);
                    return Err(self.type_error(v, "concatenate", reg));
                }
                let r = self.call1(tm, &[a, b])?;
                self.stack[top - 2] = r;
                top -= 1;
            }
        }
        Ok(())
    }

    /// `tostring(v)` as bytes (honours `__tostring` and `__name`).
    pub(crate) fn tostring_bytes(&mut self, v: Value) -> LResult<Vec<u8>> {
        Ok(match v {
            Value::Nil => b"nil".to_vec(),
            Value::Bool(b) => {
                if b {
                    b"true".to_vec()
                } else {
                    b"false".to_vec()
                }
            }
            Value::Int(_) | Value::Float(_) => fmt_number(v).into_bytes(),
            Value::Str(s) => self.heap.str_bytes(s).to_vec(),
            Value::Table(_) | Value::Func(_) => {
                let tm = self.get_tm(v, Tm::ToString);
                if !tm.is_nil() {
                    return match self.call1(tm, &[v])? {
                        Value::Str(s) => Ok(self.heap.str_bytes(s).to_vec()),
                        n @ (Value::Int(_) | Value::Float(_)) => Ok(fmt_number(n).into_bytes()),
                        _ => Err(self.native_error("'__tostring' must return a string")),
                    };
                }
                let r = v.gc_ref().expect("heap value");
                let id = self.heap.slot(r).header & 0xffff_ffff_ffff;
                let kind = if let Value::Func(_) = v {
                    "function".to_string()
                } else {
                    self.type_name_of(v)
                };
                format!("{kind}: 0x{id:012x}").into_bytes()
            }
        })
    }
}
