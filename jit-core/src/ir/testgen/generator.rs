//! The generator proper: random ops over typed value pools, memory
//! accesses kept in bounds, calls, guards, and a counted loop.

use alloc::vec;
use alloc::vec::Vec;

use super::{GenConfig, OBJ_SIZE, Rng, TestFunctions, TestHeap};
use crate::ir::op::{
    Callee, FloatBinOp, FloatCmpOp, FloatUnOp, GuardKind, IntBinOp, IntUnOp, OvfOp,
};
use crate::ir::types::{Addr, MemDesc, Type, Val, Value, WordSize};
use crate::ir::{Trace, TraceBuilder, VerifyError};

/// Builds a random trace (unsettled) and its inputs.
pub(super) fn build(
    rng: &mut Rng,
    heap: &TestHeap,
    funcs: &TestFunctions,
    cfg: &GenConfig,
) -> Result<(Trace, Vec<Val>), VerifyError> {
    let mut g = Gen {
        rng,
        heap,
        funcs,
        cfg: *cfg,
        b: TraceBuilder::new(cfg.word),
        ints: Vec::new(),
        floats: Vec::new(),
        refs: Vec::new(),
        objs: Vec::new(),
        next_guard: 0,
    };
    let inputs = g.inputs();
    for _ in 0..g.rng.below(cfg.max_ops + 1) {
        g.op();
    }
    if cfg.loops && g.rng.chance(1, 2) {
        g.looped();
    } else {
        let vals = g.some_values(6);
        g.b.finish(&vals, 1000);
    }
    Ok((g.b.build()?, inputs))
}

struct Gen<'a> {
    rng: &'a mut Rng,
    heap: &'a TestHeap,
    funcs: &'a TestFunctions,
    cfg: GenConfig,
    b: TraceBuilder,
    ints: Vec<Value>,
    floats: Vec<Value>,
    /// Any refs (may be null); never used as a base.
    refs: Vec<Value>,
    /// Refs known to be heap objects: usable as bases, storable in slots.
    objs: Vec<Value>,
    next_guard: u32,
}

impl Gen<'_> {
    fn word(&self) -> WordSize {
        self.cfg.word
    }

    /// Whether object addresses survive a trip through an `Int`/ref slot.
    fn addrs_fit_word(&self) -> bool {
        self.word() == WordSize::W64 || self.heap.below_4gib()
    }

    fn inputs(&mut self) -> Vec<Val> {
        let mut vals = Vec::new();
        for _ in 0..1 + self.rng.below(3) {
            let v = self.b.input(Type::Int);
            self.ints.push(v);
            vals.push(Val::Int(self.rng.int(self.cfg.word)));
        }
        for _ in 0..self.rng.below(3) {
            let v = self.b.input(Type::Float);
            self.floats.push(v);
            vals.push(Val::Float(self.rng.float()));
        }
        for _ in 0..1 + self.rng.below(2) {
            let v = self.b.input(Type::Ref);
            self.objs.push(v);
            self.refs.push(v);
            vals.push(Val::Ref(self.heap.object(self.rng.below(self.heap.len()))));
        }
        vals
    }

    fn int(&mut self) -> Value {
        if self.ints.is_empty() || self.rng.chance(1, 12) {
            let c = self.rng.int(self.cfg.word);
            let v = self.b.const_int(c);
            self.ints.push(v);
        }
        self.rng.pick(&self.ints)
    }

    fn float(&mut self) -> Value {
        if self.floats.is_empty() || self.rng.chance(1, 8) {
            let c = self.rng.float();
            let v = self.b.const_float(c);
            self.floats.push(v);
        }
        self.rng.pick(&self.floats)
    }

    fn obj(&mut self) -> Value {
        self.rng.pick(&self.objs)
    }

    fn any_ref(&mut self) -> Value {
        if self.rng.chance(1, 10) {
            let v = self.b.const_ref(0);
            self.refs.push(v);
        }
        self.rng.pick(&self.refs)
    }

    fn value_of(&mut self, t: Type) -> Value {
        match t {
            Type::Int => self.int(),
            Type::Float => self.float(),
            Type::Ref => self.obj(),
        }
    }

    /// Up to `max` values of any type.
    fn some_values(&mut self, max: usize) -> Vec<Value> {
        (0..self.rng.below(max + 1))
            .map(|_| match self.rng.below(3) {
                0 => self.int(),
                1 => self.float(),
                _ => self.any_ref(),
            })
            .collect()
    }

    fn fail_args(&mut self) -> Vec<Option<Value>> {
        let vals = self.some_values(6);
        vals.into_iter()
            .map(|v| (!self.rng.chance(1, 4)).then_some(v))
            .collect()
    }

    fn guard_id(&mut self) -> u32 {
        self.next_guard += 1;
        self.next_guard
    }

    fn push_int(&mut self, v: Value) {
        self.ints.push(v);
    }

    /// One random op (or a short idiom such as an overflow op and its guard).
    fn op(&mut self) {
        let w = self.word();
        match self.rng.below(20) {
            0..=3 => {
                use IntBinOp::*;
                let op = self.rng.pick(&[
                    Add, Sub, Mul, And, Or, Xor, Shl, Sar, Shr, UMulH, Eq, Ne, Lt, Le, Gt, Ge, Ult,
                    Ule, Ugt, Uge,
                ]);
                let (a, b) = (self.int(), self.int());
                let v = self.b.int_bin(op, a, b);
                self.push_int(v);
            }
            4 => {
                // Division with a divisor in 1..=256: never zero, never -1.
                let op = self.rng.pick(&[
                    IntBinOp::SDiv,
                    IntBinOp::SRem,
                    IntBinOp::UDiv,
                    IntBinOp::URem,
                ]);
                let (a, d) = (self.int(), self.int());
                let mask = self.b.const_int(0xff);
                let one = self.b.const_int(1);
                let low = self.b.iand(d, mask);
                let d = self.b.iadd(low, one);
                let v = self.b.int_bin(op, a, d);
                self.push_int(v);
            }
            5 => {
                use IntUnOp::*;
                let mut ops = vec![Neg, Not, IsZero, IsTrue, Sext8, Sext16, Zext8, Zext16];
                if w == WordSize::W64 {
                    ops.extend([Sext32, Zext32]);
                }
                let op = self.rng.pick(&ops);
                let a = self.int();
                let v = self.b.int_un(op, a);
                self.push_int(v);
            }
            6 => {
                let op = self.rng.pick(&[OvfOp::Add, OvfOp::Sub, OvfOp::Mul]);
                // Operands and fail-args first: nothing may come between
                // the overflow op and its guard.
                let (a, b) = (self.int(), self.int());
                let mut fail = self.fail_args();
                let v = self.b.int_ovf(op, a, b);
                if self.rng.chance(1, 2) {
                    fail.push(Some(v));
                }
                let id = self.guard_id();
                if self.rng.chance(4, 5) {
                    self.b.guard_no_overflow(id, &fail);
                } else {
                    self.b.guard_overflow(id, &fail);
                }
                self.push_int(v);
            }
            7 | 8 => {
                use FloatBinOp::*;
                let op = self.rng.pick(&[Add, Sub, Mul, Div, Min, Max]);
                let (a, b) = (self.float(), self.float());
                let v = self.b.float_bin(op, a, b);
                self.floats.push(v);
            }
            9 => {
                let op = self
                    .rng
                    .pick(&[FloatUnOp::Neg, FloatUnOp::Abs, FloatUnOp::Sqrt]);
                let a = self.float();
                let v = self.b.float_un(op, a);
                self.floats.push(v);
            }
            10 => {
                use FloatCmpOp::*;
                let op = self.rng.pick(&[Lt, Le, Gt, Ge, Eq, Ne]);
                let (a, b) = (self.float(), self.float());
                let v = self.b.float_cmp(op, a, b);
                self.push_int(v);
            }
            11 => self.conversion(),
            12 => self.ref_op(),
            13..=15 if self.cfg.memory => self.memory_op(),
            16 if self.cfg.calls => self.call(),
            _ => self.guard(),
        }
    }

    fn conversion(&mut self) {
        let bitcasts = self.word() == WordSize::W64;
        match self.rng.below(if bitcasts { 4 } else { 2 }) {
            0 => {
                let a = self.int();
                let v = self.b.int_to_float(a);
                self.floats.push(v);
            }
            1 => {
                let a = self.float();
                let v = self.b.float_to_int(a);
                self.push_int(v);
            }
            2 => {
                let a = self.float();
                let v = self.b.float_bits_to_int(a);
                self.push_int(v);
            }
            _ => {
                let a = self.int();
                let v = self.b.int_bits_to_float(a);
                self.floats.push(v);
            }
        }
    }

    fn ref_op(&mut self) {
        match self.rng.below(4) {
            0 => {
                let (a, b) = (self.any_ref(), self.any_ref());
                let v = if self.rng.chance(1, 2) {
                    self.b.ref_eq(a, b)
                } else {
                    self.b.ref_ne(a, b)
                };
                self.push_int(v);
            }
            1 => {
                let a = self.any_ref();
                let v = self.b.is_null(a);
                self.push_int(v);
            }
            2 if self.addrs_fit_word() => {
                let o = self.obj();
                let i = self.b.ref_to_int(o);
                let r = self.b.int_to_ref(i);
                self.objs.push(r);
                self.refs.push(r);
            }
            _ => {
                let k = self.rng.below(self.heap.len());
                let r = self.b.const_ref(self.heap.object(k));
                self.objs.push(r);
                self.refs.push(r);
            }
        }
    }

    /// An in-bounds address of `size` bytes in the data part of an object:
    /// a field, or an item `index * item + offset` with a masked index.
    fn data_addr(&mut self, size: usize) -> Addr {
        let data = 2 * self.word().bytes() as usize;
        let obj = self.obj();
        let base = if self.addrs_fit_word() && self.rng.chance(1, 4) {
            self.b.ref_to_int(obj)
        } else {
            obj
        };
        if self.rng.chance(1, 2) {
            let off = data + self.rng.below(OBJ_SIZE - data - size + 1);
            return Addr::field(base, off as i32);
        }
        let item = self.rng.pick(&[1usize, 2, 3, 4, 5, 8, 12, 16, 24]);
        let x = self.int();
        let mask = self.b.const_int(7);
        let mut index = self.b.iand(x, mask);
        let mut lo = data;
        if self.rng.chance(1, 2) {
            // A possibly negative index: -4..=3.
            let four = self.b.const_int(4);
            index = self.b.isub(index, four);
            lo += 4 * item;
        }
        let span = OBJ_SIZE - size - 7 * item - data;
        Addr::item(
            base,
            index,
            item as u32,
            (lo + self.rng.below(span + 1)) as i32,
        )
    }

    fn memory_op(&mut self) {
        let w = self.word();
        let int_sizes: &[u8] = if w == WordSize::W64 {
            &[1, 2, 4, 8]
        } else {
            &[1, 2, 4]
        };
        let desc = if self.rng.chance(1, 4) {
            MemDesc::float()
        } else {
            MemDesc::int(self.rng.pick(int_sizes), self.rng.chance(1, 2))
        };
        match self.rng.below(5) {
            0 | 1 => {
                let addr = self.data_addr(desc.size as usize);
                let v = self.b.load(desc, addr);
                match desc.ty {
                    Type::Float => self.floats.push(v),
                    _ => self.push_int(v),
                }
            }
            2 | 3 => {
                let addr = self.data_addr(desc.size as usize);
                let v = self.value_of(desc.ty);
                self.b.store(desc, addr, v);
            }
            _ if self.addrs_fit_word() => {
                // The ref slot always holds an object.
                let obj = self.obj();
                let slot = Addr::field(obj, w.bytes() as i32);
                if self.rng.chance(1, 2) {
                    let r = self.b.load(MemDesc::gc_ref(w), slot);
                    self.objs.push(r);
                    self.refs.push(r);
                } else {
                    let v = self.obj();
                    self.b.store(MemDesc::gc_ref(w), slot, v);
                }
            }
            _ => {
                let obj = self.obj();
                let k = self.rng.below(self.heap.len());
                let expected = self.b.const_int(TestHeap::class_of(k));
                let fail = self.fail_args();
                let id = self.guard_id();
                self.b.guard_class(obj, 0, expected, id, &fail);
            }
        }
    }

    fn call(&mut self) {
        let k = self.rng.below(self.funcs.fns.len());
        let (addr, sig) = self.funcs.fns[k].clone();
        let args: Vec<Value> = sig.args.iter().map(|&t| self.value_of(t)).collect();
        let ret = sig.ret;
        let sig = self.b.signature(sig);
        let callee = if self.rng.chance(1, 4) && self.word().fits(addr as i64) {
            Callee::Value(self.b.const_int(addr as i64))
        } else {
            Callee::Const(addr)
        };
        if ret.is_none() && self.rng.chance(1, 2) {
            let c = self.int();
            self.b.cond_call(c, callee, sig, &args);
            return;
        }
        match (self.b.call(callee, sig, &args), ret.map(|r| r.value_type())) {
            (Some(v), Some(Type::Int)) => self.push_int(v),
            (Some(v), Some(Type::Float)) => self.floats.push(v),
            (Some(v), Some(Type::Ref)) => {
                // Test function 10 returns its (object) argument.
                self.objs.push(v);
                self.refs.push(v);
            }
            _ => {}
        }
    }

    fn guard(&mut self) {
        let fail = self.fail_args();
        let id = self.guard_id();
        let kind = match self.rng.below(7) {
            0 => GuardKind::True(self.int()),
            1 => GuardKind::False(self.int()),
            2 => {
                let a = self.int();
                GuardKind::Value(a, a)
            }
            3 => {
                let (a, b) = (self.float(), self.float());
                GuardKind::Value(a, b)
            }
            4 => GuardKind::NonNull(self.any_ref()),
            5 => GuardKind::IsNull(self.any_ref()),
            _ => {
                let cell = if self.rng.chance(1, 10) { 1 } else { 0 };
                GuardKind::NotInvalidated {
                    cell: self.heap.cell(cell),
                }
            }
        };
        self.b.guard(kind, id, &fail);
    }

    /// `label(counter, carried...)`, a random body, `counter += 1`,
    /// `guard_true(counter < limit)`, `jump`.
    fn looped(&mut self) {
        let zero = self.b.const_int(0);
        let limit = if self.rng.chance(1, 2) {
            self.b.const_int(self.rng.below(12) as i64)
        } else {
            let x = self.int();
            let mask = self.b.const_int(15);
            self.b.iand(x, mask)
        };
        let mut carried = vec![zero];
        let mut types = vec![Type::Int];
        for _ in 0..self.rng.below(5) {
            let t = self.rng.pick(&[Type::Int, Type::Float, Type::Ref]);
            carried.push(self.value_of(t));
            types.push(t);
        }
        let (label, params) = self.b.label(&carried);
        for (&p, &t) in params.iter().zip(&types) {
            match t {
                Type::Int => self.push_int(p),
                Type::Float => self.floats.push(p),
                Type::Ref => {
                    self.objs.push(p);
                    self.refs.push(p);
                }
            }
        }
        for _ in 0..self.rng.below(self.cfg.max_ops + 1) {
            self.op();
        }
        let one = self.b.const_int(1);
        let next = self.b.iadd(params[0], one);
        let more = self.b.ilt(next, limit);
        let mut fail = self.fail_args();
        fail.push(Some(next));
        self.b.guard_true(more, 0, &fail);
        let mut jump_args = vec![next];
        jump_args.extend(types.iter().skip(1).map(|&t| self.value_of(t)));
        self.b.jump(label, &jump_args);
    }
}
