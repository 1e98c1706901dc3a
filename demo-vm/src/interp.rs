//! The dispatch loop: one `match` over [`Instr`] per instruction, with inline
//! fast paths (integer/float arithmetic, table reads and writes without
//! metatables, integer keys in the array part) and calls into `meta.rs` for
//! everything else. Lua-to-Lua calls and returns switch frames inside this
//! loop; the Rust stack does not grow with Lua call depth.

use crate::bytecode::Instr;
use crate::error::LResult;
use crate::heap::{Closure, Obj, Table};
use crate::meta::{ArithOp, Opnd};
use crate::value::*;
use crate::vm::Vm;

impl Vm {
    /// Run Lua frames until the frame count drops back to `entry`.
    pub(crate) fn execute(&mut self, entry: usize) -> LResult<()> {
        if self.counting {
            self.run::<true>(entry)
        } else {
            self.run::<false>(entry)
        }
    }

    /// The interpreter loop. `COUNT`: count instructions against the
    /// budget (for limits and statistics). Without counting, the dispatch
    /// is just the opcode's jump-table load and jump, which the compiler
    /// copies into every arm (one indirect jump per opcode predicts better).
    fn run<const COUNT: bool>(&mut self, entry: usize) -> LResult<()> {
        // The running frame's state, loaded by `enter!` from the top frame
        // (and set directly by the Lua-to-Lua call fast path).
        //
        // The closure and its prototype stay alive while their frame exists
        // (see `ProtoRef`); arms that pop the frame re-enter the caller's
        // before touching them again.
        let mut closure: &Closure;
        let mut proto: &crate::bytecode::Proto;
        let mut consts: &[std::cell::Cell<Value>];
        // The next instruction: a saved pc points into the frame's own code
        // (every function ends with a `Return`, so it never points past the
        // end).
        let mut pc: *const Instr;
        // The frame's registers. Re-derived (`reload!`) after everything
        // that can reallocate the value stack: calls, metamethods, and any
        // other call into the VM goes through `protect!`.
        let mut regs: *mut Value;
        // The instruction budget lives in a register while Lua code runs;
        // `save!` writes it back before anything can observe it, and it is
        // re-read after anything that may have run instructions (`reload!`,
        // and after tail calls of natives).
        // Without counting it stays at its initial value (nothing else
        // changes `ibudget` then), so the uncounted instance never touches it.
        let mut budget: u64;
        macro_rules! enter {
            () => {
                let f = self.frames.last().expect("execute: no frame");
                closure = f.proto.expect("execute: running a native frame").closure();
                pc = f.saved_pc;
                proto = &closure.proto;
                consts = &proto.consts[..];
                debug_assert!(self.stack.len() > f.base + proto.max_stack as usize);
                // SAFETY: `push_lua_frame` made the stack longer than
                // `base + max_stack`.
                regs = unsafe { self.stack.as_mut_ptr().add(f.base) };
            };
        }
        enter!();
        budget = self.ibudget;
        {
            // The running frame's first register as a stack index (derived from
            // `regs`, which is valid whenever registers are accessed).
            macro_rules! base {
                () => {
                    (regs as usize - self.stack.as_ptr() as usize) / std::mem::size_of::<Value>()
                };
            }
            macro_rules! r {
                ($i:expr) => {
                    // SAFETY: register operands are below the frame's `max_stack`
                    // (compiler invariant) and `push_lua_frame` made the stack at
                    // least `base + max_stack + 1` long; the stack never shrinks.
                    // `regs` is re-derived after every call that could
                    // reallocate the stack (`protect!`).
                    (*unsafe { &mut *regs.add(($i) as usize) })
                };
            }
            macro_rules! k {
                ($i:expr) => {
                    // SAFETY: constant operands index the function's own constant
                    // table (compiler invariant).
                    unsafe { consts.get_unchecked($i as usize).get() }
                };
            }
            macro_rules! khash {
                ($i:expr) => {
                    // SAFETY: as for `k!`: a valid constant index.
                    unsafe { *proto.const_hashes.get_unchecked($i as usize) }
                };
            }
            macro_rules! hint {
                ($i:expr) => {
                    // SAFETY: as for `k!`: a valid constant index (the hint
                    // arrays are sized like the constant table).
                    unsafe { proto.slot_hints.get_unchecked($i as usize) }
                };
            }
            macro_rules! chint {
                ($i:expr) => {
                    // SAFETY: as for `hint!`.
                    unsafe { proto.class_hints.get_unchecked($i as usize) }
                };
            }
            macro_rules! save {
                () => {
                    // SAFETY: the running frame is the last one; every `save!`
                    // happens before an arm pops it, so the vector is not empty.
                    unsafe {
                        let n = self.frames.len();
                        self.frames.get_unchecked_mut(n - 1).saved_pc = pc
                    };
                    if COUNT {
                        self.ibudget = budget;
                    }
                };
            }
            macro_rules! reload {
                () => {
                    // SAFETY: the running frame is the last one (calls leave the
                    // frame vector as they found it); its base is below
                    // `stack.len()` (see `enter!`); the stack only grows.
                    regs = unsafe {
                        let n = self.frames.len();
                        let base = self.frames.get_unchecked(n - 1).base;
                        self.stack.as_mut_ptr().add(base)
                    };
                    if COUNT {
                        budget = self.ibudget;
                    }
                };
            }
            // Run `$e` (a call into the VM that may run Lua code, raise an
            // error or grow the stack) with the frame state written back.
            macro_rules! protect {
                ($e:expr) => {{
                    save!();
                    let v = $e;
                    reload!();
                    v
                }};
            }
            macro_rules! jump {
                ($j:expr) => {
                    // SAFETY: jump targets lie inside the function (compiler invariant).
                    pc = unsafe { pc.offset(($j) as isize) }
                };
            }
            // The end of a conditional test: when the test fails skip the
            // next instruction (always a `Jmp`), otherwise take that jump
            // right here, saving its dispatch (counted all the same, unless
            // the budget is about to run out: then the `Jmp` runs normally).
            macro_rules! cond_jump {
                ($res:expr, $k:expr) => {
                    if $res != $k {
                        jump!(1);
                    } else if !COUNT || budget > 1 {
                        // SAFETY: a test is never the last instruction (the
                        // function ends with a `Return`).
                        if let Instr::Jmp { j } = unsafe { *pc } {
                            if COUNT {
                                budget -= 1;
                            }
                            jump!(1 + j as isize);
                        }
                    }
                };
            }
            macro_rules! gc_check {
                () => {
                    if self.heap.should_collect() {
                        protect!(self.collect()?);
                    }
                };
            }
            debug_assert!(closure.upvals.len() >= proto.upvals.len());
            macro_rules! upref {
                ($u:expr) => {
                    // SAFETY: upvalue operands index the closure's upvalue
                    // list, which `Closure` creation sizes from the prototype's
                    // upvalue descriptors (compiler invariant).
                    unsafe { *closure.upvals.get_unchecked($u as usize) }
                };
            }
            macro_rules! arith {
                ($a:expr, $x:expr, $y:expr, $ob:expr, $oc:expr, $op:expr, $int:expr, $flt:expr) => {{
                    // Match through references: loading the tag and payload
                    // separately lets the CPU forward them from the stores that
                    // wrote them (a 16-byte reload of a just-written value stalls).
                    let (x, y): (&Value, &Value) = (&$x, &$y);
                    let v = match (x, y) {
                        (Value::Int(x), Value::Int(y)) => $int(*x, *y),
                        (Value::Float(x), Value::Float(y)) => Value::Float($flt(*x, *y)),
                        (Value::Int(x), Value::Float(y)) => Value::Float($flt(*x as f64, *y)),
                        (Value::Float(x), Value::Int(y)) => Value::Float($flt(*x, *y as f64)),
                        _ => {
                            let (x, y) = (*x, *y);
                            protect!(self.arith($op, x, y, $ob, $oc)?)
                        }
                    };
                    r!($a) = v;
                }};
            }
            macro_rules! slow_arith {
                ($a:expr, $x:expr, $y:expr, $ob:expr, $oc:expr, $op:expr) => {{
                    let (x, y) = ($x, $y);
                    let v = match crate::meta::arith_num($op, x, y) {
                        Some(Ok(v)) => v,
                        _ => protect!(self.arith($op, x, y, $ob, $oc)?),
                    };
                    r!($a) = v;
                }};
            }
            macro_rules! bitwise {
                ($a:expr, $b:expr, $c:expr, $op:expr, $f:expr) => {{
                    if let (Value::Int(x), Value::Int(y)) = (&r!($b), &r!($c)) {
                        r!($a) = Value::Int($f(*x, *y));
                    } else {
                        let (x, y) = (r!($b), r!($c));
                        let v = protect!(self.arith($op, x, y, Opnd::Reg($b), Opnd::Reg($c))?);
                        r!($a) = v;
                    }
                }};
            }

            // `R[a] = t[K[k]]` for a string constant `K[k]` (`t` read from
            // register `b`): the hinted lookup, then the object's class,
            // then the full index path with metamethods.
            macro_rules! get_field {
                ($a:expr, $t:expr, $b:expr, $k:expr) => {{
                    let (t, key) = ($t, k!($k));
                    if let (Value::Table(tr), Value::Str(s)) = (t, key) {
                        let h = khash!($k);
                        let tab = self.heap.table(tr);
                        let v = tab.get_str_hinted(hint!($k), h, s);
                        if !v.is_nil() || tab.meta.is_none() {
                            r!($a) = v;
                            continue;
                        }
                        if let Some(v) = self.class_lookup(tab.meta, chint!($k), h, s) {
                            r!($a) = v;
                            continue;
                        }
                    }
                    let v = protect!(self.index(t, key, Opnd::Reg($b))?);
                    r!($a) = v;
                }};
            }

            // `R[a][R[b]] = v`: an integer key of a table without a
            // metatable stored in place, anything else the slow path.
            macro_rules! set_table {
                ($a:expr, $b:expr, $v:expr) => {{
                    // Read through references (see `arith!`).
                    if let (Value::Table(tr), Value::Int(i)) = (&r!($a), &r!($b)) {
                        let (tr, i, v) = (*tr, *i, $v);
                        let tab = self.heap.table_mut(tr);
                        if tab.meta.is_none() {
                            if tab.set_int(i, v) {
                                self.heap.charge(24);
                                gc_check!();
                            }
                            continue;
                        }
                    }
                    let (t, key, v) = (r!($a), r!($b), $v);
                    protect!(self.set_table_slow(t, key, v, Opnd::Reg($a))?);
                }};
            }

            // Compare register `a` with immediate `i`; `le` picks `<=` over
            // `<` and `swap` puts the immediate on the left in the slow path.
            macro_rules! cmp_imm {
                ($a:expr, $i:expr, $k:expr, $isf:expr, $f:expr, $le:expr, $swap:expr) => {{
                    let res = match &r!($a) {
                        Value::Int(x) => $f(*x, $i as i64),
                        // `i` is exact as a float.
                        Value::Float(x) => $f(*x, $i as f64),
                        _ => {
                            let x = r!($a);
                            let imm = if $isf {
                                Value::Float($i as f64)
                            } else {
                                Value::Int($i as i64)
                            };
                            if $swap {
                                protect!(self.compare(imm, x, $le)?)
                            } else {
                                protect!(self.compare(x, imm, $le)?)
                            }
                        }
                    };
                    cond_jump!(res, $k);
                }};
            }

            loop {
                // SAFETY: every prototype ends with a `Return` (emitted by
                // `close_function`) and jumps target instructions inside the
                // function, so `pc` never runs past the end of `code`.
                // SAFETY: as above; at most one past the current instruction.
                pc = unsafe { pc.add(1) };
                // SAFETY: the instruction just stepped over (addressed from
                // the new `pc`, so only one pointer stays live).
                let ins: &Instr = unsafe { &*pc.sub(1) };
                if COUNT {
                    budget -= 1;
                }
                if COUNT && budget == 0 {
                    save!();
                    // Lift the limit (handlers may run) but keep the count.
                    let count = self.icount();
                    self.ilimit = u64::MAX;
                    self.ibudget = u64::MAX - count;
                    return Err(self.rt_error("instruction limit exceeded"));
                }
                // Match on the place: each arm reads only its own fields.
                match *ins {
                    Instr::Move { a, b } => r!(a) = r!(b),
                    Instr::LoadK { a, k } => r!(a) = k!(k),
                    Instr::LoadI { a, i } => r!(a) = Value::Int(i as i64),
                    Instr::LoadBool { a, v } => r!(a) = Value::Bool(v),
                    Instr::LoadNil { a, n } => {
                        for i in 0..=n as usize {
                            r!(a as usize + i) = Value::Nil;
                        }
                    }
                    Instr::GetUpval { a, u } => {
                        let ur = upref!(u);
                        r!(a) = self.upval_get(ur);
                    }
                    Instr::SetUpval { a, u } => {
                        let ur = upref!(u);
                        let v = r!(a);
                        self.upval_set(ur, v);
                    }
                    Instr::GetTabUp { a, u, k } => {
                        let ur = upref!(u);
                        let env = self.upval_get(ur);
                        let key = k!(k);
                        if let (Value::Table(t), Value::Str(s)) = (env, key) {
                            let tab = self.heap.table(t);
                            let v = tab.get_str_hinted(hint!(k), khash!(k), s);
                            if !v.is_nil() || tab.meta.is_none() {
                                r!(a) = v;
                                continue;
                            }
                        }
                        let v = protect!(self.index(env, key, Opnd::Up(u))?);
                        r!(a) = v;
                    }
                    Instr::SetTabUp { u, c, k } => {
                        let ur = upref!(u);
                        let env = self.upval_get(ur);
                        let (key, v) = (k!(k), r!(c));
                        if let (Value::Table(t), Value::Str(s)) = (env, key)
                            && self.heap.table_meta(t).is_none()
                        {
                            if self
                                .heap
                                .table_mut(t)
                                .set_str_hinted(hint!(k), khash!(k), s, v)
                            {
                                self.heap.charge(40);
                            }
                            continue;
                        }
                        protect!(self.set_index(env, key, v, Opnd::Up(u))?);
                    }
                    Instr::GetTable { a, b, c } => {
                        // Read through references (see `arith!`).
                        if let (Value::Table(tr), Value::Int(i)) = (&r!(b), &r!(c)) {
                            let tab = self.heap.table(*tr);
                            let v = tab.get_int(*i);
                            if !v.is_nil() || tab.meta.is_none() {
                                r!(a) = v;
                                continue;
                            }
                        }
                        let (t, key) = (r!(b), r!(c));
                        let v = protect!(self.get_table_slow(t, key, Opnd::Reg(b))?);
                        r!(a) = v;
                    }
                    Instr::GetTableI { a, b, i } => {
                        if let Value::Table(tr) = &r!(b) {
                            let tab = self.heap.table(*tr);
                            let v = tab.get_int(i as i64);
                            if !v.is_nil() || tab.meta.is_none() {
                                r!(a) = v;
                                continue;
                            }
                        }
                        let t = r!(b);
                        let v =
                            protect!(self.get_table_slow(t, Value::Int(i as i64), Opnd::Reg(b))?);
                        r!(a) = v;
                    }
                    Instr::SetTableI { a, c, i } => {
                        if let Value::Table(tr) = &r!(a) {
                            let (tr, v) = (*tr, r!(c));
                            let tab = self.heap.table_mut(tr);
                            if tab.meta.is_none() {
                                if tab.set_int(i as i64, v) {
                                    self.heap.charge(24);
                                    gc_check!();
                                }
                                continue;
                            }
                        }
                        let (t, v) = (r!(a), r!(c));
                        protect!(self.set_table_slow(t, Value::Int(i as i64), v, Opnd::Reg(a))?);
                    }
                    Instr::GetField { a, b, k } => get_field!(a, r!(b), b, k),
                    Instr::SetTable { a, b, c } => set_table!(a, b, r!(c)),
                    Instr::SetTableK { a, b, k } => set_table!(a, b, k!(k)),
                    Instr::SetField { a, c, k } => {
                        let (t, key, v) = (r!(a), k!(k), r!(c));
                        if let (Value::Table(tr), Value::Str(s)) = (t, key) {
                            let tab = self.heap.table_mut(tr);
                            if tab.meta.is_none() {
                                // Only a new slot allocates, so only then is
                                // this a collection safepoint.
                                if tab.set_str_hinted(hint!(k), khash!(k), s, v) {
                                    self.heap.charge(40);
                                    gc_check!();
                                }
                                continue;
                            }
                            // Objects with a class: a field they already
                            // have is assigned without `__newindex`.
                            if tab.set_str_present(hint!(k), s, v) {
                                continue;
                            }
                        }
                        protect!(self.set_index(t, key, v, Opnd::Reg(a))?);
                    }
                    Instr::NewTable { a, narr, nhash } => {
                        let t = Table::with_capacity_from(
                            &mut self.heap.pool,
                            narr as usize,
                            nhash as usize,
                        );
                        let t = self.heap.alloc_table(t);
                        r!(a) = Value::Table(t);
                        gc_check!();
                    }
                    Instr::SelfOp { a, b, k } => {
                        let obj = r!(b);
                        r!(a as usize + 1) = obj;
                        get_field!(a, obj, b, k)
                    }
                    Instr::Add { a, b, c } => arith!(
                        a,
                        r!(b),
                        r!(c),
                        Opnd::Reg(b),
                        Opnd::Reg(c),
                        ArithOp::Add,
                        |x: i64, y: i64| Value::Int(x.wrapping_add(y)),
                        |x: f64, y: f64| x + y
                    ),
                    Instr::Sub { a, b, c } => arith!(
                        a,
                        r!(b),
                        r!(c),
                        Opnd::Reg(b),
                        Opnd::Reg(c),
                        ArithOp::Sub,
                        |x: i64, y: i64| Value::Int(x.wrapping_sub(y)),
                        |x: f64, y: f64| x - y
                    ),
                    Instr::Mul { a, b, c } => arith!(
                        a,
                        r!(b),
                        r!(c),
                        Opnd::Reg(b),
                        Opnd::Reg(c),
                        ArithOp::Mul,
                        |x: i64, y: i64| Value::Int(x.wrapping_mul(y)),
                        |x: f64, y: f64| x * y
                    ),
                    Instr::Div { a, b, c } => arith!(
                        a,
                        r!(b),
                        r!(c),
                        Opnd::Reg(b),
                        Opnd::Reg(c),
                        ArithOp::Div,
                        |x: i64, y: i64| Value::Float(x as f64 / y as f64),
                        |x: f64, y: f64| x / y
                    ),
                    Instr::AddK { a, b, c } => arith!(
                        a,
                        r!(b),
                        k!(c),
                        Opnd::Reg(b),
                        Opnd::Const(c as u32),
                        ArithOp::Add,
                        |x: i64, y: i64| Value::Int(x.wrapping_add(y)),
                        |x: f64, y: f64| x + y
                    ),
                    Instr::SubK { a, b, c } => arith!(
                        a,
                        r!(b),
                        k!(c),
                        Opnd::Reg(b),
                        Opnd::Const(c as u32),
                        ArithOp::Sub,
                        |x: i64, y: i64| Value::Int(x.wrapping_sub(y)),
                        |x: f64, y: f64| x - y
                    ),
                    Instr::MulK { a, b, c } => arith!(
                        a,
                        r!(b),
                        k!(c),
                        Opnd::Reg(b),
                        Opnd::Const(c as u32),
                        ArithOp::Mul,
                        |x: i64, y: i64| Value::Int(x.wrapping_mul(y)),
                        |x: f64, y: f64| x * y
                    ),
                    Instr::DivK { a, b, c } => arith!(
                        a,
                        r!(b),
                        k!(c),
                        Opnd::Reg(b),
                        Opnd::Const(c as u32),
                        ArithOp::Div,
                        |x: i64, y: i64| Value::Float(x as f64 / y as f64),
                        |x: f64, y: f64| x / y
                    ),
                    Instr::AddKL { a, b, c } => arith!(
                        a,
                        k!(c),
                        r!(b),
                        Opnd::Const(c as u32),
                        Opnd::Reg(b),
                        ArithOp::Add,
                        |x: i64, y: i64| Value::Int(x.wrapping_add(y)),
                        |x: f64, y: f64| x + y
                    ),
                    Instr::MulKL { a, b, c } => arith!(
                        a,
                        k!(c),
                        r!(b),
                        Opnd::Const(c as u32),
                        Opnd::Reg(b),
                        ArithOp::Mul,
                        |x: i64, y: i64| Value::Int(x.wrapping_mul(y)),
                        |x: f64, y: f64| x * y
                    ),
                    Instr::Mod { a, b, c } => match (&r!(b), &r!(c)) {
                        (Value::Int(x), Value::Int(y)) if *y != 0 => {
                            r!(a) = Value::Int(int_mod(*x, *y))
                        }
                        _ => slow_arith!(a, r!(b), r!(c), Opnd::Reg(b), Opnd::Reg(c), ArithOp::Mod),
                    },
                    Instr::ModK { a, b, c } => match (&r!(b), &k!(c)) {
                        (Value::Int(x), Value::Int(y)) if *y != 0 => {
                            r!(a) = Value::Int(int_mod(*x, *y))
                        }
                        _ => slow_arith!(
                            a,
                            r!(b),
                            k!(c),
                            Opnd::Reg(b),
                            Opnd::Const(c as u32),
                            ArithOp::Mod
                        ),
                    },
                    Instr::IDiv { a, b, c } => match (&r!(b), &r!(c)) {
                        (Value::Int(x), Value::Int(y)) if *y != 0 => {
                            r!(a) = Value::Int(int_floor_div(*x, *y))
                        }
                        _ => {
                            slow_arith!(a, r!(b), r!(c), Opnd::Reg(b), Opnd::Reg(c), ArithOp::IDiv)
                        }
                    },
                    Instr::IDivK { a, b, c } => match (&r!(b), &k!(c)) {
                        (Value::Int(x), Value::Int(y)) if *y != 0 => {
                            r!(a) = Value::Int(int_floor_div(*x, *y))
                        }
                        _ => slow_arith!(
                            a,
                            r!(b),
                            k!(c),
                            Opnd::Reg(b),
                            Opnd::Const(c as u32),
                            ArithOp::IDiv
                        ),
                    },
                    Instr::Pow { a, b, c } => {
                        slow_arith!(a, r!(b), r!(c), Opnd::Reg(b), Opnd::Reg(c), ArithOp::Pow)
                    }
                    Instr::PowK { a, b, c } => slow_arith!(
                        a,
                        r!(b),
                        k!(c),
                        Opnd::Reg(b),
                        Opnd::Const(c as u32),
                        ArithOp::Pow
                    ),
                    Instr::BAnd { a, b, c } => {
                        bitwise!(a, b, c, ArithOp::BAnd, |x: i64, y: i64| x & y)
                    }
                    Instr::BOr { a, b, c } => {
                        bitwise!(a, b, c, ArithOp::BOr, |x: i64, y: i64| x | y)
                    }
                    Instr::BXor { a, b, c } => {
                        bitwise!(a, b, c, ArithOp::BXor, |x: i64, y: i64| x ^ y)
                    }
                    Instr::Shl { a, b, c } => bitwise!(a, b, c, ArithOp::Shl, shift_left),
                    Instr::Shr { a, b, c } => {
                        bitwise!(a, b, c, ArithOp::Shr, |x: i64, y: i64| shift_left(
                            x,
                            y.wrapping_neg()
                        ))
                    }
                    Instr::Unm { a, b } => {
                        let v = r!(b);
                        r!(a) = match v {
                            Value::Int(i) => Value::Int(i.wrapping_neg()),
                            Value::Float(f) => Value::Float(-f),
                            _ => {
                                protect!(self.arith(
                                    ArithOp::Unm,
                                    v,
                                    v,
                                    Opnd::Reg(b),
                                    Opnd::Reg(b)
                                )?)
                            }
                        };
                    }
                    Instr::BNot { a, b } => {
                        let v = r!(b);
                        r!(a) = match v {
                            Value::Int(i) => Value::Int(!i),
                            _ => {
                                protect!(self.arith(
                                    ArithOp::BNot,
                                    v,
                                    v,
                                    Opnd::Reg(b),
                                    Opnd::Reg(b)
                                )?)
                            }
                        };
                    }
                    Instr::Not { a, b } => r!(a) = Value::Bool(!r!(b).truthy()),
                    Instr::Len { a, b } => {
                        let v = r!(b);
                        if let Value::Table(t) = v {
                            let tab = self.heap.table(t);
                            if tab.meta.is_none() {
                                r!(a) = Value::Int(tab.length());
                                continue;
                            }
                        }
                        let v = protect!(self.len(v, Opnd::Reg(b))?);
                        r!(a) = v;
                    }
                    Instr::Concat { a, n } => {
                        protect!(self.concat(base!() + a as usize, n as usize, base!())?);
                        gc_check!();
                    }
                    Instr::Jmp { j } => jump!(j),
                    Instr::Eq { a, b, k } => {
                        let (x, y) = (r!(a), r!(b));
                        let eq = match (x, y) {
                            (Value::Int(x), Value::Int(y)) => x == y,
                            (Value::Table(_), Value::Table(_)) => {
                                protect!(self.equals(x, y)?)
                            }
                            _ => x.raw_eq(y),
                        };
                        cond_jump!(eq, k);
                    }
                    Instr::EqK { a, c, k } => {
                        cond_jump!(r!(a).raw_eq(k!(c)), k);
                    }
                    Instr::Lt { a, b, k } => {
                        let res = match (&r!(a), &r!(b)) {
                            (Value::Int(x), Value::Int(y)) => x < y,
                            (Value::Float(x), Value::Float(y)) => x < y,
                            _ => {
                                let (x, y) = (r!(a), r!(b));
                                protect!(self.compare(x, y, false)?)
                            }
                        };
                        cond_jump!(res, k);
                    }
                    Instr::Le { a, b, k } => {
                        let res = match (&r!(a), &r!(b)) {
                            (Value::Int(x), Value::Int(y)) => x <= y,
                            (Value::Float(x), Value::Float(y)) => x <= y,
                            _ => {
                                let (x, y) = (r!(a), r!(b));
                                protect!(self.compare(x, y, true)?)
                            }
                        };
                        cond_jump!(res, k);
                    }
                    Instr::LtI { a, i, k, f } => {
                        cmp_imm!(a, i, k, f, |x, y| x < y, false, false)
                    }
                    Instr::LeI { a, i, k, f } => {
                        cmp_imm!(a, i, k, f, |x, y| x <= y, true, false)
                    }
                    Instr::GtI { a, i, k, f } => {
                        cmp_imm!(a, i, k, f, |x, y| x > y, false, true)
                    }
                    Instr::GeI { a, i, k, f } => {
                        cmp_imm!(a, i, k, f, |x, y| x >= y, true, true)
                    }
                    Instr::Test { a, k } => {
                        cond_jump!(r!(a).truthy(), k);
                    }
                    Instr::TestSet { a, b, k } => {
                        let v = r!(b);
                        if v.truthy() == k {
                            r!(a) = v;
                        } else {
                            jump!(1);
                        }
                    }
                    Instr::Call { a, b, c } => {
                        let func = base!() + a as usize;
                        let nargs = if b == 0 {
                            self.top - func - 1
                        } else {
                            b as usize - 1
                        };
                        let nres = c as i32 - 1;
                        save!();
                        // Read through a reference (see `arith!`).
                        if let Value::Func(fr) = &r!(a) {
                            match &self.heap.slot(*fr).obj {
                                Obj::Closure(cl) => {
                                    let pr = crate::vm::ProtoRef::new(cl);
                                    let p = pr.get();
                                    let nb = func + 1;
                                    let top = nb + usize::from(p.max_stack);
                                    if !p.vararg
                                        && top < self.stack.len()
                                        && self.frames.len() < crate::vm::MAX_FRAMES
                                    {
                                        // The common call: switch to the new
                                        // frame right here.
                                        // SAFETY: the new frame's registers lie
                                        // below `stack.len()` (checked above).
                                        let nregs = unsafe { regs.add(a as usize + 1) };
                                        for i in nargs..p.nparams as usize {
                                            // SAFETY: `nparams <= max_stack`.
                                            unsafe { *nregs.add(i) = Value::Nil };
                                        }
                                        self.frames.push(crate::vm::Frame {
                                            func,
                                            base: nb,
                                            saved_pc: p.code.as_ptr(),
                                            proto: Some(pr),
                                            nresults: nres,
                                            nvarargs: 0,
                                        });
                                        closure = pr.closure();
                                        proto = p;
                                        consts = &p.consts[..];
                                        pc = p.code.as_ptr();
                                        regs = nregs;
                                        continue;
                                    }
                                    self.push_lua_frame(func, nargs, nres, pr)?;
                                    enter!();
                                    continue;
                                }
                                Obj::Native(n) => {
                                    let f = n.f;
                                    self.call_native(f, func, nargs, nres)?;
                                    reload!();
                                    gc_check!();
                                    continue;
                                }
                                _ => unreachable!("function value refers to a non-function"),
                            }
                        }
                        let fv = r!(a);
                        if self.get_tm(fv, crate::vm::Tm::Call).is_nil() {
                            return Err(self.type_error(fv, "call", Opnd::Reg(a)));
                        }
                        if self.precall(func, nargs, nres)? {
                            {
                                enter!();
                                continue;
                            }
                        }
                        reload!();
                        gc_check!();
                    }
                    Instr::TailCall { a, b } => {
                        let func = base!() + a as usize;
                        let nargs = if b == 0 {
                            self.top - func - 1
                        } else {
                            b as usize - 1
                        };
                        save!();
                        if let Value::Func(fr) = &r!(a)
                            && let Obj::Closure(cl) = &self.heap.slot(*fr).obj
                        {
                            let pr = crate::vm::ProtoRef::new(cl);
                            let p = pr.get();
                            let n = self.frames.len();
                            // SAFETY: the running frame is the last one.
                            let dst = unsafe { self.frames.get_unchecked(n - 1) }.func;
                            let nb = dst + 1;
                            if !p.vararg && nb + usize::from(p.max_stack) < self.stack.len() {
                                // The common tail call: reuse the frame in place.
                                if let Some(&(i, _)) = self.open_upvals.last()
                                    && i >= base!()
                                {
                                    self.close_upvals(base!());
                                }
                                self.stack.copy_within(func..func + 1 + nargs, dst);
                                for i in nargs..p.nparams as usize {
                                    self.stack[nb + i] = Value::Nil;
                                }
                                // SAFETY: as above.
                                let f = unsafe { self.frames.get_unchecked_mut(n - 1) };
                                f.base = nb;
                                f.saved_pc = p.code.as_ptr();
                                f.proto = Some(pr);
                                f.nvarargs = 0;
                                closure = pr.closure();
                                proto = p;
                                consts = &p.consts[..];
                                pc = p.code.as_ptr();
                                // SAFETY: the new frame's registers lie below
                                // `stack.len()` (checked above).
                                regs = unsafe { self.stack.as_mut_ptr().add(nb) };
                                continue;
                            }
                        }
                        let fv = self.stack[func];
                        if !matches!(fv, Value::Func(_))
                            && self.get_tm(fv, crate::vm::Tm::Call).is_nil()
                        {
                            return Err(self.type_error(fv, "call", Opnd::Reg(a)));
                        }
                        if let Value::Func(fr) = fv
                            && let Obj::Native(n) = &self.heap.slot(fr).obj
                        {
                            // Like Lua, a native callee runs above the calling frame
                            // (so errors see its position); then return its results.
                            let f = n.f;
                            // `regs` is stale once the native may have grown
                            // the stack: take the base first.
                            let b = base!();
                            self.call_native(f, func, nargs, -1)?;
                            let n = self.top - func;
                            if let Some(&(i, _)) = self.open_upvals.last()
                                && i >= b
                            {
                                self.close_upvals(b);
                            }
                            let fr = self.frames.pop().expect("frame to return from");
                            self.finish_results(fr.func, func, n, fr.nresults);
                            if self.frames.len() == entry {
                                return Ok(());
                            }
                            {
                                enter!();
                                if COUNT {
                                    budget = self.ibudget;
                                }
                                continue;
                            }
                        }
                        self.close_upvals(base!());
                        let (dst, nres) = (
                            self.frames[self.frames.len() - 1].func,
                            self.frames[self.frames.len() - 1].nresults,
                        );
                        self.stack.copy_within(func..func + 1 + nargs, dst);
                        self.frames.pop();
                        if self.precall(dst, nargs, nres)? {
                            {
                                enter!();
                                if COUNT {
                                    budget = self.ibudget;
                                }
                                continue;
                            }
                        }
                        if self.frames.len() == entry {
                            return Ok(());
                        }
                        {
                            enter!();
                            if COUNT {
                                budget = self.ibudget;
                            }
                            continue;
                        }
                    }
                    Instr::Return { a, b } => {
                        let first = base!() + a as usize;
                        let n = if b == 0 {
                            self.top - first
                        } else {
                            b as usize - 1
                        };
                        if let Some(&(i, _)) = self.open_upvals.last()
                            && i >= base!()
                        {
                            self.close_upvals(base!());
                        }
                        let f = self.frames.pop().expect("frame to return from");
                        if f.nresults == 1 && n >= 1 {
                            // The common `local x = f()` / `f() + g()` shape:
                            // one value, no copy loop.
                            let v = r!(a);
                            debug_assert!(f.func < base!());
                            // SAFETY: a frame's function slot lies below its
                            // registers, inside the stack.
                            unsafe { *regs.sub(base!() - f.func) = v };
                            self.top = f.func + 1;
                        } else {
                            self.finish_results(f.func, first, n, f.nresults);
                        }
                        if self.frames.len() == entry {
                            if COUNT {
                                self.ibudget = budget;
                            }
                            return Ok(());
                        }
                        {
                            enter!();
                            continue;
                        }
                    }
                    Instr::ForPrep { a, j } => {
                        if protect!(self.for_prep(base!() + a as usize)?) {
                            jump!(j);
                        }
                    }
                    Instr::ForLoop { a, j } => {
                        // Read through references (see `arith!`): no 16-byte reloads.
                        let step = &r!(a as usize + 2);
                        match step {
                            Value::Int(step) => {
                                let step = *step;
                                if let Value::Int(count) = &r!(a as usize + 1) {
                                    let count = *count;
                                    if count != 0 {
                                        r!(a as usize + 1) = Value::Int(count - 1);
                                        if let Value::Int(i) = &r!(a) {
                                            let n = Value::Int(i.wrapping_add(step));
                                            r!(a) = n;
                                            r!(a as usize + 3) = n;
                                        }
                                        jump!(-(j as isize));
                                    }
                                }
                            }
                            Value::Float(step) => {
                                let step = *step;
                                if let (Value::Float(i), Value::Float(lim)) =
                                    (&r!(a), &r!(a as usize + 1))
                                {
                                    let n = i + step;
                                    if if step > 0.0 { n <= *lim } else { n >= *lim } {
                                        r!(a) = Value::Float(n);
                                        r!(a as usize + 3) = Value::Float(n);
                                        jump!(-(j as isize));
                                    }
                                }
                            }
                            _ => unreachable!("for loop step is a number after ForPrep"),
                        }
                    }
                    Instr::TForCall { a, c } => {
                        let ra = base!() + a as usize;
                        self.stack.copy_within(ra..ra + 3, ra + 3);
                        save!();
                        let fv = self.stack[ra + 3];
                        if let Value::Func(fr) = fv {
                            match &self.heap.slot(fr).obj {
                                Obj::Closure(cl) => {
                                    let p = crate::vm::ProtoRef::new(cl);
                                    self.push_lua_frame(ra + 3, 2, c as i32, p)?;
                                    {
                                        enter!();
                                        continue;
                                    }
                                }
                                Obj::Native(n) => {
                                    let f = n.f;
                                    self.call_native(f, ra + 3, 2, c as i32)?;
                                    reload!();
                                    gc_check!();
                                    continue;
                                }
                                _ => unreachable!("function value refers to a non-function"),
                            }
                        }
                        if self.get_tm(fv, crate::vm::Tm::Call).is_nil() {
                            return Err(self.type_error(fv, "call", Opnd::None));
                        }
                        if self.precall(ra + 3, 2, c as i32)? {
                            {
                                enter!();
                                continue;
                            }
                        }
                        reload!();
                    }
                    Instr::TForLoop { a, j } => {
                        let ra = base!() + a as usize;
                        let v = self.stack[ra + 3];
                        if !v.is_nil() {
                            self.stack[ra + 2] = v;
                            jump!(-(j as isize));
                        }
                    }
                    Instr::SetList { a, n, start } => {
                        self.set_list(base!() + a as usize, n, start);
                        gc_check!();
                    }
                    Instr::Closure { a, p } => {
                        let c = self.make_closure(proto, closure, p, base!());
                        r!(a) = Value::Func(c);
                        gc_check!();
                    }
                    Instr::VarArg { a, n } => {
                        protect!(self.vararg(proto, base!() + a as usize, n)?);
                    }
                    Instr::Close { a } => self.close_upvals(base!() + a as usize),
                }
            }
        }
    }

    /// `SetList`: store `R[ra+1..]` into the table `R[ra]` from index
    /// `start + 1` (kept out of the dispatch loop: table constructors only).
    #[inline(never)]
    fn set_list(&mut self, ra: usize, n: u8, start: u32) {
        let count = if n == 0 {
            self.top - ra - 1
        } else {
            n as usize
        };
        let Value::Table(t) = self.stack[ra] else {
            unreachable!("SetList on a non-table")
        };
        let start = start as usize;
        let tab = self.heap.table_mut(t);
        if tab.arr.len() == start {
            // Element by element: constructors are mostly short, where a
            // `memcpy` call costs more than the copies.
            tab.arr.reserve(count);
            for &v in &self.stack[ra + 1..ra + 1 + count] {
                tab.arr.push(v);
            }
            self.heap.charge(count * 16);
        } else {
            for i in 0..count {
                let v = self.stack[ra + 1 + i];
                self.heap.table_mut(t).set_int((start + i + 1) as i64, v);
            }
        }
    }

    /// `Closure`: instantiate nested prototype `p` of the running function
    /// (whose registers start at `base`), capturing its upvalues.
    #[inline(never)]
    fn make_closure(
        &mut self,
        proto: &crate::bytecode::Proto,
        closure: &Closure,
        p: u32,
        base: usize,
    ) -> GcRef {
        let np = proto.protos[p as usize].clone();
        let mut ups = Vec::with_capacity(np.upvals.len());
        for d in &np.upvals {
            if d.in_stack {
                ups.push(self.find_upval(base + d.index as usize));
            } else {
                ups.push(closure.upvals[d.index as usize]);
            }
        }
        self.heap.alloc_closure(Closure {
            proto: np,
            upvals: ups.into_boxed_slice(),
        })
    }

    /// `VarArg`: copy the running frame's extra arguments to `dst` (`n - 1`
    /// of them, or all when `n == 0`, setting `top`).
    #[inline(never)]
    fn vararg(&mut self, proto: &crate::bytecode::Proto, dst: usize, n: u8) -> LResult<()> {
        let f = &self.frames[self.frames.len() - 1];
        let nv = f.nvarargs as usize;
        let src = f.func + 1 + proto.nparams as usize;
        if n == 0 {
            self.ensure_stack(dst + nv + 1)?;
            self.stack.copy_within(src..src + nv, dst);
            self.top = dst + nv;
        } else {
            for i in 0..n as usize - 1 {
                self.stack[dst + i] = if i < nv {
                    self.stack[src + i]
                } else {
                    Value::Nil
                };
            }
        }
        Ok(())
    }

    /// `t[key]` off the fast path (non-integer keys, misses in tables with
    /// metatables, non-tables).
    #[cold]
    #[inline(never)]
    fn get_table_slow(&mut self, t: Value, key: Value, ot: Opnd) -> LResult<Value> {
        if let Value::Table(tr) = t {
            let v = self.heap.raw_get(tr, key);
            if !v.is_nil() || self.heap.table_meta(tr).is_none() {
                return Ok(v);
            }
        }
        self.index(t, key, ot)
    }

    /// `t[key] = v` off the fast path: a raw store with Lua's key checks
    /// (then a collection safepoint, as the store may allocate) or
    /// `__newindex`. The caller has saved the frame state.
    #[cold]
    #[inline(never)]
    fn set_table_slow(&mut self, t: Value, key: Value, v: Value, ot: Opnd) -> LResult<()> {
        if let Value::Table(tr) = t
            && self.heap.table_meta(tr).is_none()
        {
            self.raw_set_checked(tr, key, v)?;
            if self.heap.should_collect() {
                self.collect()?;
            }
            return Ok(());
        }
        self.set_index(t, key, v, ot)
    }

    /// The one-level "class" case of `__index`: when metatable `meta` has
    /// a table `__index` holding `key` (hash `h`), its value. `None` sends
    /// the caller to the general [`Vm::index`] (functions, chains, misses).
    #[inline(always)]
    fn class_lookup(
        &self,
        meta: Option<GcRef>,
        hint: &std::cell::Cell<u32>,
        hash: u64,
        key: GcRef,
    ) -> Option<Value> {
        let m = meta?;
        let name = self.tm(crate::vm::Tm::Index);
        let h = self.heap.slot(name).header;
        let Value::Table(c) = self.heap.table(m).get_str_hinted(&self.index_hint, h, name) else {
            return None;
        };
        let v = self.heap.table(c).get_str_hinted(hint, hash, key);
        (!v.is_nil()).then_some(v)
    }

    fn for_error(&mut self, what: &str, v: Value) -> crate::error::LuaError {
        let tn = self.type_name_of(v);
        self.rt_error(&format!("bad 'for' {what} (number expected, got {tn})"))
    }

    /// Numeric `for` setup at stack slot `ra`; returns true to skip the loop.
    fn for_prep(&mut self, ra: usize) -> LResult<bool> {
        let (init, limit, step) = (self.stack[ra], self.stack[ra + 1], self.stack[ra + 2]);
        if let (Value::Int(i0), Value::Int(st)) = (init, step) {
            if st == 0 {
                return Err(self.rt_error("'for' step is zero"));
            }
            let lim = match limit {
                Value::Int(l) => l,
                Value::Float(f) => {
                    if f.is_nan() {
                        return Ok(true);
                    }
                    let g = if st > 0 { f.floor() } else { f.ceil() };
                    if g >= 9.223_372_036_854_776e18 {
                        if st < 0 {
                            return Ok(true);
                        }
                        i64::MAX
                    } else if g < -9.223_372_036_854_776e18 {
                        if st > 0 {
                            return Ok(true);
                        }
                        i64::MIN
                    } else {
                        g as i64
                    }
                }
                _ => return Err(self.for_error("limit", limit)),
            };
            if (st > 0 && i0 > lim) || (st < 0 && i0 < lim) {
                return Ok(true);
            }
            let count = if st > 0 {
                (lim as u64).wrapping_sub(i0 as u64) / st as u64
            } else {
                (i0 as u64).wrapping_sub(lim as u64) / ((-(st + 1)) as u64 + 1)
            };
            self.stack[ra + 1] = Value::Int(count as i64);
            self.stack[ra + 3] = init;
            return Ok(false);
        }
        let Some(i0) = init.as_f64() else {
            return Err(self.for_error("initial value", init));
        };
        let Some(lim) = limit.as_f64() else {
            return Err(self.for_error("limit", limit));
        };
        let Some(st) = step.as_f64() else {
            return Err(self.for_error("step", step));
        };
        if st == 0.0 {
            return Err(self.rt_error("'for' step is zero"));
        }
        if if st > 0.0 { i0 > lim } else { i0 < lim } {
            return Ok(true);
        }
        self.stack[ra] = Value::Float(i0);
        self.stack[ra + 1] = Value::Float(lim);
        self.stack[ra + 2] = Value::Float(st);
        self.stack[ra + 3] = Value::Float(i0);
        Ok(false)
    }
}
