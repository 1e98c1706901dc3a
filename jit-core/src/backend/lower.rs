//! Lowering: one function per IR op family. Every operand is read from its
//! [`Loc`] for the current op (a register or frame slot chosen by the
//! register allocator, see [`super::alloc`], or under the all-slots
//! fallback the value's own slot), results are written to theirs; the
//! allocator's edits (moves, spills, reloads) are emitted before each op.
//!
//! Scratch registers: `r11` on x86-64 is never allocated; every other
//! scratch register an op needs is reserved by the allocator for that op
//! only (see [`super::alloc`], [`Lowering::scratch`]), and x86-32 copies
//! memory to memory with `push`/`pop`. Under the all-slots strategy every
//! register is free (`rax`, `rcx`, `rdx`, `r11`, `xmm0` serve as scratch).
//! The deopt buffer and inputs pointers live in the frame.

use bumpalo::Bump;
use bumpalo::collections::Vec as BVec;

use super::CompileError;
use super::alloc::{self, RaFunc};
use super::frame::{Frame, SavedReg};
use super::target::{ArgLoc, Target};
use crate::ir::{
    Addr, Callee, ConvOp, FloatBinOp, FloatCmpOp, FloatUnOp, IntBinOp, IntUnOp, Op, OvfOp,
    RefCmpOp, RetType, SigId, Trace, Type, Value, WordSize,
};
use crate::regalloc::parallel_move::{self, ParallelMove};
use crate::regalloc::{
    self, Allocation, Constraint, Edit, Function, Operand, Output, PReg, PRegSet, RegClass,
    SpillSlot,
};
use crate::x86::{Alu, Assembler, Cond, Gpr, Label, Mem, Mode, Scale, Shift, Size, Xmm};

/// A register number outside the register file.
pub(crate) const BAD_REGISTER: CompileError = CompileError::Unsupported("register number");

/// A condition left in the flags by a comparison: what "true" means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flags {
    /// True when the condition code holds.
    Cc(Cond),
    /// Float `==` after `ucomisd`: ZF set and PF clear.
    FloatEq,
    /// Float `!=` after `ucomisd`: ZF clear or PF set.
    FloatNe,
}

impl Flags {
    /// The condition that is true exactly when `self` is false.
    pub fn invert(self) -> Flags {
        match self {
            Flags::Cc(c) => Flags::Cc(c.invert()),
            Flags::FloatEq => Flags::FloatNe,
            Flags::FloatNe => Flags::FloatEq,
        }
    }
}

/// A guard whose exit stub is emitted after the trace body.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PendingStub {
    /// The stub's label (the guard's jumps go there).
    pub label: Label,
    /// Its exit index.
    pub exit: u32,
}

/// Where an operand is during one op.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Loc {
    /// A general register.
    Gpr(Gpr),
    /// An SSE register.
    Xmm(Xmm),
    /// A frame slot.
    Mem(Mem),
    /// The condition flags (a fused comparison).
    Flags,
    /// A constant the allocator rematerialises (a fail-arg or move
    /// source): its bits.
    Const(u64),
}

/// The register allocation of a trace.
pub(crate) struct Ra<'b> {
    pub func: RaFunc<'b>,
    pub out: Output<'b>,
}

/// Per-compile lowering state; everything lives in the compile's arena.
pub(crate) struct Lowering<'a, 'b> {
    pub t: Target,
    pub w: Size,
    pub trace: &'a Trace,
    pub asm: Assembler<&'b Bump>,
    /// The compile's arena.
    pub bump: &'b Bump,
    pub frame: Frame,
    /// Whether each value is a comparison kept in the flags for the next guard.
    pub fused_ok: BVec<'b, bool>,
    /// Assembler label of each IR label.
    pub labels: BVec<'b, Label>,
    /// Guards whose stubs are still to emit.
    pub stubs: BVec<'b, PendingStub>,
    /// Op index of each exit (guard or finish), by exit index.
    pub exits: BVec<'b, u32>,
    /// `(exit index, rel32 field offset)` of every patchable guard jump.
    pub sites: BVec<'b, (u32, u32)>,
    /// Where the body's code starts, then where each op's code ends (its
    /// start is where the previous op's ends): op ranges, for listings.
    pub ranges: BVec<'b, u32>,
    /// The shared exit path.
    pub exit_label: Label,
    /// A comparison result kept in the flags for the next guard.
    pub fused: Option<(Value, Flags)>,
    /// The register allocation (in the arena, so lowering can read it
    /// while emitting); `None` under the all-slots strategy.
    pub ra: Option<&'b Ra<'b>>,
    /// The allocator instruction being lowered (set with `select_inst`).
    pub inst: usize,
    /// Its operands and their locations (cached by `select_inst`).
    cur_ops: &'b [Operand],
    cur_allocs: &'b [Allocation],
    /// Callee-saved registers the prologue saves (and the exit restores).
    pub saved: BVec<'b, SavedReg>,
    /// Win64 callee-saved XMM registers the prologue saves (128 bits).
    pub saved_xmm: BVec<'b, Xmm>,
    /// A register still holding the inputs pointer (consecutive `Input`
    /// ops with no edits in between).
    inputs_in: Option<Gpr>,
}

impl<'a, 'b> Lowering<'a, 'b> {
    /// Sets up lowering `trace` for `t` in `bump`: register allocation
    /// when `allocate` and the allocator takes the trace, else all slots;
    /// with `verify`, the allocator's input is validated first.
    pub fn new(
        t: Target,
        trace: &'a Trace,
        bump: &'b Bump,
        allocate: bool,
        verify: bool,
    ) -> Result<Self, CompileError> {
        // The allocator's view also decides, for both strategies, which
        // comparisons stay in the flags for the next guard.
        let (func, fused_ok) = match RaFunc::new(t, trace, bump) {
            Some((func, fused)) => (allocate.then_some(func), fused),
            // A shape the allocator does not take: all slots, no fusion.
            None => (None, bumpalo::vec![in bump; false; trace.num_values()]),
        };
        let ra = match func {
            Some(func) => {
                let env = alloc::env(t);
                if verify {
                    regalloc::validate(&func, &env, bump).map_err(CompileError::Verifier)?;
                }
                // Straight-line code: the single backward pass; a loop, or
                // a refusal (too few registers), the forward pass. Refused
                // by both (out of registers, ...): all slots.
                let straight = match trace.num_labels() {
                    0 => regalloc::allocate_straight_trusted(&func, &env, bump).ok(),
                    _ => None,
                };
                straight
                    .or_else(|| regalloc::allocate_trusted(&func, &env, bump).ok())
                    .map(|out| &*bump.alloc(Ra { func, out }))
            }
            None => None,
        };
        let frame = match ra {
            // One slot more: the temporary of parallel moves.
            Some(ra) => Frame::new(0, ra.out.num_spill_slots() as usize + 1, t == Target::Win64)?,
            None => {
                let temps = trace.ops().iter().map(|op| match op {
                    Op::Jump { args, .. } => args.len as usize,
                    _ => 0,
                });
                Frame::new(temps.max().unwrap_or(0), trace.num_values(), false)?
            }
        };
        let used = ra.map_or(PRegSet::EMPTY, |ra| ra.out.callee_saved_used());
        let mut saved = BVec::with_capacity_in(used.of_class(RegClass::Gpr).len() as usize, bump);
        let mut saved_xmm =
            BVec::with_capacity_in(used.of_class(RegClass::Xmm).len() as usize, bump);
        if ra.is_some() {
            // Every callee-saved register the allocation touches is reported
            // (the allocator's contract, checked by its randomized tests).
            for p in used.of_class(RegClass::Xmm).iter() {
                if t != Target::Win64 || p.num() < 6 {
                    return Err(CompileError::Unsupported("callee-saved XMM outside Win64"));
                }
                saved_xmm.push(Xmm::from_number(p.num()).ok_or(BAD_REGISTER)?);
            }
            for p in used.of_class(RegClass::Gpr).iter() {
                let g = Gpr::from_number(p.num()).ok_or(BAD_REGISTER)?;
                saved.push(Frame::save_slot(g).ok_or(CompileError::Unsupported(
                    "callee-saved register without a slot",
                ))?);
            }
        }
        let guesses = trace.ops().len() / 8 + 4;
        // Typical traces take 12-15 bytes of code per op: room to spare.
        let code_bytes = 256 + 20 * trace.ops().len();
        let mut asm = Assembler::with_capacity_in(t.mode(), code_bytes, bump);
        // A label and a forward jump per guard, plus the IR labels.
        asm.reserve(guesses + trace.num_labels(), guesses + trace.num_labels());
        let exit_label = asm.new_label();
        let mut labels = BVec::with_capacity_in(trace.num_labels(), bump);
        for _ in 0..trace.num_labels() {
            labels.push(asm.new_label());
        }
        Ok(Lowering {
            t,
            w: t.size(),
            trace,
            asm,
            bump,
            frame,
            fused_ok,
            labels,
            // Guards are about one op in eight in typical traces: room for
            // that many without regrowing (more grow as usual).
            stubs: BVec::with_capacity_in(guesses, bump),
            exits: BVec::with_capacity_in(guesses, bump),
            sites: BVec::with_capacity_in(guesses, bump),
            ranges: BVec::with_capacity_in(trace.ops().len() + 1, bump),
            exit_label,
            fused: None,
            ra,
            inst: 0,
            cur_ops: &[],
            cur_allocs: &[],
            saved,
            saved_xmm,
            inputs_in: None,
        })
    }

    fn is64(&self) -> bool {
        self.t.mode() == Mode::X64
    }

    /// Lowers every op of the trace in order, recording each op's code range.
    pub fn body(&mut self) -> Result<(), CompileError> {
        let trace = self.trace;
        self.ranges.push(self.asm.offset());
        for (i, op) in trace.ops().iter().enumerate() {
            self.begin_op(i, op)?;
            match *op {
                Op::Guard { kind, .. } => self.guard(i, kind)?,
                Op::Label { args } => self.label(i, trace.args(args))?,
                Op::Jump { label, args } => self.jump(label.0 as usize, trace.args(args))?,
                Op::Finish { values, .. } => self.finish(i, trace.args(values))?,
                _ => self.lower_op(i, op)?,
            }
            self.ranges.push(self.asm.offset());
        }
        Ok(())
    }

    /// Starts op `i` (`op`): selects its allocator instruction and emits
    /// the allocator's edits before it (a `Label` emits its own).
    pub fn begin_op(&mut self, i: usize, op: &Op) -> Result<(), CompileError> {
        if !matches!(op, Op::Input(_)) {
            self.inputs_in = None;
        }
        let Some(ra) = self.ra else {
            return Ok(());
        };
        let inst = ra.func.first_inst(i);
        self.select_inst(inst);
        let edits = ra.out.edits_before(inst);
        if edits.is_empty() {
            return Ok(());
        }
        self.inputs_in = None;
        if matches!(op, Op::Label { .. }) {
            return Ok(());
        }
        self.emit_edit_list(ra, edits)
    }

    /// Makes allocator instruction `inst` the current one.
    pub fn select_inst(&mut self, inst: usize) {
        self.inst = inst;
        if let Some(ra) = self.ra {
            self.cur_ops = ra.func.operands(inst);
            self.cur_allocs = ra.out.operand_allocations(inst);
        }
    }

    /// Emits the allocator's edits before instruction `inst`.
    pub fn emit_edits(&mut self, inst: usize) -> Result<(), CompileError> {
        match self.ra {
            Some(ra) => self.emit_edit_list(ra, ra.out.edits_before(inst)),
            None => Ok(()),
        }
    }

    /// Emits `edits` (of allocation `ra`) in order.
    #[inline(never)]
    fn emit_edit_list(&mut self, ra: &Ra<'_>, edits: &[Edit]) -> Result<(), CompileError> {
        for &e in edits {
            // A scratch register request: nothing to materialise.
            if let Edit::Move {
                from: Allocation::Const(v),
                ..
            } = e
                && ra.func.is_scratch(v)
            {
                continue;
            }
            self.emit_edit(e)?;
        }
        Ok(())
    }

    /// One move or swap (never touching the flags).
    #[inline(always)]
    pub fn emit_edit(&mut self, e: Edit) -> Result<(), CompileError> {
        let w = self.w;
        // The common shapes (register to register of one class, spills and
        // reloads), without building `Loc`s.
        if let Edit::Move { from, to, class } = e {
            let gpr = |p: PReg| Gpr::from_number(p.num()).ok_or(BAD_REGISTER);
            let xmm = |p: PReg| Xmm::from_number(p.num()).ok_or(BAD_REGISTER);
            match (from, to) {
                (Allocation::Reg(s), Allocation::Reg(d))
                    if s.class() == class && d.class() == class =>
                {
                    match class {
                        RegClass::Gpr => self.asm.mov_rr(w, gpr(d)?, gpr(s)?)?,
                        RegClass::Xmm => self.asm.movaps_rr(xmm(d)?, xmm(s)?)?,
                    }
                    return Ok(());
                }
                (Allocation::Reg(s), Allocation::Stack(d)) if s.class() == class => {
                    let d = self.frame.slot(d.0);
                    match class {
                        RegClass::Gpr => self.asm.mov_mr(w, d, gpr(s)?)?,
                        RegClass::Xmm => self.asm.movsd_mr(d, xmm(s)?)?,
                    }
                    return Ok(());
                }
                (Allocation::Stack(s), Allocation::Reg(d)) if d.class() == class => {
                    let s = self.frame.slot(s.0);
                    match class {
                        RegClass::Gpr => self.asm.mov_rm(w, gpr(d)?, s)?,
                        RegClass::Xmm => self.asm.movsd_rm(xmm(d)?, s)?,
                    }
                    return Ok(());
                }
                _ => {}
            }
        }
        self.emit_edit_general(e)
    }

    /// The shapes of [`Self::emit_edit`] beyond plain moves, spills and
    /// reloads: constants, memory to memory, swaps (out of line).
    #[inline(never)]
    fn emit_edit_general(&mut self, e: Edit) -> Result<(), CompileError> {
        let w = self.w;
        match e {
            Edit::Move { from, to, class } => {
                let (from, to) = (self.loc_of(from)?, self.loc_of(to)?);
                if let Loc::Const(bits) = from {
                    return self.put_const(to, bits, class == RegClass::Xmm);
                }
                let a = &mut self.asm;
                match (from, to) {
                    (Loc::Gpr(s), Loc::Gpr(d)) => a.mov_rr(w, d, s)?,
                    (Loc::Xmm(s), Loc::Xmm(d)) => a.movaps_rr(d, s)?,
                    (Loc::Gpr(s), Loc::Mem(d)) => a.mov_mr(w, d, s)?,
                    (Loc::Xmm(s), Loc::Mem(d)) => a.movsd_mr(d, s)?,
                    (Loc::Mem(s), Loc::Gpr(d)) => a.mov_rm(w, d, s)?,
                    (Loc::Mem(s), Loc::Xmm(d)) => a.movsd_rm(d, s)?,
                    (Loc::Mem(s), Loc::Mem(d)) => {
                        let ty = if class == RegClass::Xmm {
                            Type::Float
                        } else {
                            Type::Int
                        };
                        self.copy(d, s, ty)?
                    }
                    _ => return Err(CompileError::Unsupported("allocator move shape")),
                }
            }
            Edit::Swap { a, b } => match (
                self.loc_of(Allocation::Reg(a))?,
                self.loc_of(Allocation::Reg(b))?,
            ) {
                (Loc::Gpr(x), Loc::Gpr(y)) => self.asm.xchg_rr(w, x, y)?,
                // Three xors: no temporary (xmm0 may hold a call argument
                // already) and the flags untouched.
                (Loc::Xmm(x), Loc::Xmm(y)) => {
                    self.asm.xorpd_rr(x, y)?;
                    self.asm.xorpd_rr(y, x)?;
                    self.asm.xorpd_rr(x, y)?;
                }
                _ => return Err(CompileError::Unsupported("allocator swap shape")),
            },
        }
        Ok(())
    }

    /// An allocator location as a [`Loc`].
    #[inline(always)]
    pub fn loc_of(&self, a: Allocation) -> Result<Loc, CompileError> {
        Ok(match a {
            Allocation::Reg(p) if p.class() == RegClass::Gpr => {
                Loc::Gpr(Gpr::from_number(p.num()).ok_or(BAD_REGISTER)?)
            }
            Allocation::Reg(p) => Loc::Xmm(Xmm::from_number(p.num()).ok_or(BAD_REGISTER)?),
            Allocation::Stack(s) => Loc::Mem(self.frame.slot(s.0)),
            Allocation::Flags => Loc::Flags,
            Allocation::Const(v) if (v.0 as usize) < self.trace.num_values() => {
                Loc::Const(alloc::const_bits(self.trace, Value(v.0)).ok_or(
                    CompileError::Unsupported("constant location of a non-constant"),
                )?)
            }
            Allocation::Const(_) => return Err(CompileError::Unsupported("constant location")),
        })
    }

    /// The allocator's location of `v` at the current instruction.
    #[inline(always)]
    pub fn alloc(&self, v: Value) -> Option<Allocation> {
        self.ra?;
        let (ops, allocs) = (self.cur_ops, self.cur_allocs);
        let n = ops.len().min(allocs.len());
        let (ops, allocs) = (&ops[..n], &allocs[..n]);
        let k = ops.iter().position(|o| o.vreg.0 == v.0)?;
        let first = allocs[k];
        if matches!(first, Allocation::Reg(_)) {
            return Some(first);
        }
        // A value read twice (`x < x`) may have a register for one operand
        // and its slot for the other: the register serves both.
        let more = ops[k + 1..].iter().zip(&allocs[k + 1..]);
        let reg = more
            .filter(|(o, _)| o.vreg.0 == v.0)
            .map(|(_, &a)| a)
            .find(|a| matches!(a, Allocation::Reg(_)));
        Some(reg.unwrap_or(first))
    }

    /// Where `v` is during the current op.
    #[inline(always)]
    pub fn loc(&self, v: Value) -> Result<Loc, CompileError> {
        if self.ra.is_none() {
            return Ok(Loc::Mem(self.frame.slot(v.0)));
        }
        let a = self
            .alloc(v)
            .ok_or(CompileError::Unsupported("value without a location"))?;
        self.loc_of(a)
    }

    /// `dst = v` (word-sized; a float's bits on x86-64).
    pub fn read(&mut self, dst: Gpr, v: Value) -> Result<(), CompileError> {
        let l = self.loc(v)?;
        self.read_loc(dst, l)
    }

    /// `dst = ` the word at `l` (a value's location, looked up already).
    fn read_loc(&mut self, dst: Gpr, l: Loc) -> Result<(), CompileError> {
        match l {
            Loc::Gpr(g) if g == dst => {}
            Loc::Gpr(g) => self.asm.mov_rr(self.w, dst, g)?,
            Loc::Mem(m) => self.asm.mov_rm(self.w, dst, m)?,
            Loc::Xmm(x) if self.is64() => self.asm.movq_rx(dst, x)?,
            _ => return Err(CompileError::Unsupported("operand location")),
        }
        Ok(())
    }

    /// `v = src` (word-sized).
    pub fn write(&mut self, v: Value, src: Gpr) -> Result<(), CompileError> {
        let l = self.loc(v)?;
        self.write_loc(l, src)
    }

    /// A result's location `l` (looked up already) `= src` (word-sized).
    fn write_loc(&mut self, l: Loc, src: Gpr) -> Result<(), CompileError> {
        match l {
            Loc::Gpr(g) if g == src => {}
            Loc::Gpr(g) => self.asm.mov_rr(self.w, g, src)?,
            Loc::Mem(m) => self.asm.mov_mr(self.w, m, src)?,
            _ => return Err(CompileError::Unsupported("result location")),
        }
        Ok(())
    }

    /// `dst = v` for a float.
    pub fn read_x(&mut self, dst: Xmm, v: Value) -> Result<(), CompileError> {
        match self.loc(v)? {
            Loc::Xmm(x) if x == dst => {}
            Loc::Xmm(x) => self.asm.movaps_rr(dst, x)?,
            Loc::Mem(m) => self.asm.movsd_rm(dst, m)?,
            _ => return Err(CompileError::Unsupported("float operand location")),
        }
        Ok(())
    }

    /// `v = src` for a float.
    pub fn write_x(&mut self, v: Value, src: Xmm) -> Result<(), CompileError> {
        let l = self.loc(v)?;
        self.write_x_loc(l, src)
    }

    /// A float result's location `l` (looked up already) `= src`.
    fn write_x_loc(&mut self, l: Loc, src: Xmm) -> Result<(), CompileError> {
        match l {
            Loc::Xmm(x) if x == src => {}
            Loc::Xmm(x) => self.asm.movaps_rr(x, src)?,
            Loc::Mem(m) => self.asm.movsd_mr(m, src)?,
            _ => return Err(CompileError::Unsupported("float result location")),
        }
        Ok(())
    }

    /// `v` as a memory operand: its slot, or scratch slot `k` holding a copy.
    pub fn mem(&mut self, v: Value, k: usize) -> Result<Mem, CompileError> {
        let s = self.frame.scratch(k);
        match self.loc(v)? {
            Loc::Mem(m) => return Ok(m),
            Loc::Gpr(g) => self.asm.mov_mr(self.w, s, g)?,
            Loc::Xmm(x) => self.asm.movsd_mr(s, x)?,
            Loc::Flags | Loc::Const(_) => {
                return Err(CompileError::Unsupported("flags or constant as memory"));
            }
        }
        Ok(s)
    }

    /// Where to write result `r` through memory: its slot or scratch slot 1
    /// (then [`Self::dst_fix`] moves it into its register).
    pub fn dst_mem(&self, r: Value) -> Result<Mem, CompileError> {
        Ok(match self.loc(r)? {
            Loc::Mem(m) => m,
            _ => self.frame.scratch(1),
        })
    }

    /// Completes a result written to [`Self::dst_mem`].
    pub fn dst_fix(&mut self, r: Value) -> Result<(), CompileError> {
        let s = self.frame.scratch(1);
        match self.loc(r)? {
            Loc::Gpr(g) => self.asm.mov_rm(self.w, g, s)?,
            Loc::Xmm(x) => self.asm.movsd_rm(x, s)?,
            _ => {}
        }
        Ok(())
    }

    /// The register to compute float result `r` in: its own register, or
    /// `xmm0` under the all-slots strategy (registers are then all free;
    /// under register allocation such results are `Reg`-constrained).
    fn xmm_result(&self, r: Value) -> Result<Xmm, CompileError> {
        match self.loc(r)? {
            Loc::Xmm(x) => Ok(x),
            _ if self.ra.is_none() => Ok(Xmm::XMM0),
            _ => Err(CompileError::Unsupported("float result not in a register")),
        }
    }

    /// `xmm0` as a scratch register: only under the all-slots strategy (the
    /// allocator hands out every XMM register, and its constraints put such
    /// operands in registers).
    fn slots_xmm(&self) -> Result<Xmm, CompileError> {
        if self.ra.is_none() {
            Ok(Xmm::XMM0)
        } else {
            Err(CompileError::Unsupported("float operand not in a register"))
        }
    }

    /// A location no parallel move of the allocated code uses, for cycles
    /// through the stack (register cycles are swapped): the frame's extra
    /// spill slot.
    pub fn move_temp(&self) -> Allocation {
        let extra = self.ra.as_ref().map_or(0, |ra| ra.out.num_spill_slots());
        Allocation::Stack(SpillSlot(extra))
    }

    /// Scratch register `k` of the current op. Under register allocation:
    /// `r11` first on x86-64, then the registers the allocator reserved for
    /// this op (`alloc` asks for as many as the op's lowering uses); under
    /// all slots every register is free: `rax`, then `r11` (x86-32: `ecx`).
    pub fn scratch(&self, k: usize) -> Result<Gpr, CompileError> {
        let Some(ra) = &self.ra else {
            return Ok(match (k, self.is64()) {
                (0, _) => Gpr::RAX,
                (_, true) => Gpr::R11,
                (_, false) => Gpr::RCX,
            });
        };
        let k = match (k, self.is64()) {
            (0, true) => return Ok(Gpr::R11),
            (k, true) => k - 1,
            (k, false) => k,
        };
        let ops = ra.func.operands(self.inst);
        let allocs = ra.out.operand_allocations(self.inst);
        let reserved = ops
            .iter()
            .zip(allocs)
            .filter(|(o, _)| ra.func.is_scratch(o.vreg) && o.constraint == Constraint::Reg);
        match reserved.map(|(_, a)| *a).nth(k) {
            Some(Allocation::Reg(p)) if p.class() == RegClass::Gpr => {
                Gpr::from_number(p.num()).ok_or(BAD_REGISTER)
            }
            _ => Err(CompileError::Unsupported("scratch register not reserved")),
        }
    }

    /// Whether `g` has a byte form (`al`..`bl` only on x86-32).
    fn byte_reg(&self, g: Gpr) -> bool {
        self.is64() || g.number() < 4
    }

    /// Flags as `cmp v, 0` (ZF set when `v` is zero).
    pub fn test0(&mut self, v: Value) -> Result<(), CompileError> {
        match self.loc(v)? {
            Loc::Gpr(g) => self.asm.test_rr(self.w, g, g)?,
            Loc::Mem(m) => self.asm.alu_mi(Alu::Cmp, self.w, m, 0)?,
            _ => return Err(CompileError::Unsupported("operand location")),
        }
        Ok(())
    }

    /// `reg = imm` for any word constant.
    pub fn load_imm(&mut self, reg: Gpr, imm: i64) -> Result<(), CompileError> {
        let imm = if self.is64() { imm } else { imm as u32 as i64 };
        Ok(self.asm.mov_ri(self.w, reg, imm)?)
    }

    /// Copies 8 bytes (`Float`) or a word from `src` to `dst`: through
    /// `r11` on x86-64; with `push`/`pop` on x86-32 (no register; an
    /// `esp`-based `pop` destination is addressed after the pop).
    #[inline(always)]
    pub fn copy(&mut self, dst: Mem, src: Mem, ty: Type) -> Result<(), CompileError> {
        if self.is64() {
            self.asm.mov_rm(Size::Q, Gpr::R11, src)?;
            self.asm.mov_mr(Size::Q, dst, Gpr::R11)?;
            Ok(())
        } else {
            self.copy32(dst, src, ty)
        }
    }

    /// [`Self::copy`] on x86-32.
    #[inline(never)]
    fn copy32(&mut self, dst: Mem, src: Mem, ty: Type) -> Result<(), CompileError> {
        self.asm.push_m(src)?;
        self.asm.pop_m(dst)?;
        if ty == Type::Float {
            self.asm.push_m(src.offset(4))?;
            self.asm.pop_m(dst.offset(4))?;
        }
        Ok(())
    }

    /// Copies a word-sized value (`Int`/`Ref`) between two locations.
    fn move_word(&mut self, dst: Loc, src: Loc) -> Result<(), CompileError> {
        let w = self.w;
        match (dst, src) {
            (Loc::Gpr(d), Loc::Gpr(s)) if d == s => {}
            (Loc::Gpr(d), Loc::Gpr(s)) => self.asm.mov_rr(w, d, s)?,
            (Loc::Gpr(d), Loc::Mem(m)) => self.asm.mov_rm(w, d, m)?,
            (Loc::Mem(m), Loc::Gpr(s)) => self.asm.mov_mr(w, m, s)?,
            (Loc::Mem(d), Loc::Mem(s)) if d == s => {}
            (Loc::Mem(d), Loc::Mem(s)) => self.copy(d, s, Type::Int)?,
            _ => return Err(CompileError::Unsupported("word move shape")),
        }
        Ok(())
    }

    /// `loc = imm` without touching the flags.
    fn put_imm(&mut self, loc: Loc, imm: i64) -> Result<(), CompileError> {
        match loc {
            Loc::Gpr(g) => self.asm.mov_ri(self.w, g, imm)?,
            Loc::Mem(m) => self.asm.mov_mi(self.w, m, imm)?,
            _ => return Err(CompileError::Unsupported("flag result location")),
        }
        Ok(())
    }

    /// Stores `loc` (a value of type `ty`) to memory `dst`.
    pub fn put(&mut self, dst: Mem, loc: Loc, ty: Type) -> Result<(), CompileError> {
        match loc {
            Loc::Gpr(g) => self.asm.mov_mr(self.w, dst, g)?,
            Loc::Xmm(x) => self.asm.movsd_mr(dst, x)?,
            Loc::Mem(m) => self.copy(dst, m, ty)?,
            Loc::Const(bits) => self.put_const(Loc::Mem(dst), bits, ty == Type::Float)?,
            Loc::Flags => return Err(CompileError::Unsupported("flags value stored")),
        }
        Ok(())
    }

    /// Materialises constant `bits` (a `Float`'s when `float`) at `dst`
    /// without touching the flags (`mov`, `xorpd`; x86-32 floats through a
    /// scratch slot, x86-64 wide values through `r11`).
    pub fn put_const(&mut self, dst: Loc, bits: u64, float: bool) -> Result<(), CompileError> {
        let x = bits as i64;
        match dst {
            Loc::Gpr(g) => self.load_imm(g, x)?,
            Loc::Xmm(r) if bits == 0 => self.asm.xorpd_rr(r, r)?,
            Loc::Xmm(r) if self.is64() => {
                self.asm.mov_ri(Size::Q, Gpr::R11, x)?;
                self.asm.movq_xr(r, Gpr::R11)?;
            }
            Loc::Xmm(r) => {
                let s = self.frame.scratch(1);
                self.asm.mov_mi(Size::D, s, bits as u32 as i64)?;
                self.asm
                    .mov_mi(Size::D, s.offset(4), (bits >> 32) as u32 as i64)?;
                self.asm.movsd_rm(r, s)?;
            }
            Loc::Mem(m) if self.is64() => {
                if i32::try_from(x).is_ok() {
                    self.asm.mov_mi(Size::Q, m, x)?;
                } else {
                    self.asm.mov_ri(Size::Q, Gpr::R11, x)?;
                    self.asm.mov_mr(Size::Q, m, Gpr::R11)?;
                }
            }
            Loc::Mem(m) => {
                self.asm.mov_mi(Size::D, m, bits as u32 as i64)?;
                if float {
                    self.asm
                        .mov_mi(Size::D, m.offset(4), (bits >> 32) as u32 as i64)?;
                }
            }
            Loc::Flags | Loc::Const(_) => {
                return Err(CompileError::Unsupported("constant destination"));
            }
        }
        Ok(())
    }

    /// The immediate operand `v` is encoded as, if any (see [`alloc::imm32`];
    /// the allocator then has no operand for it).
    fn imm(&self, v: Value) -> Option<i32> {
        alloc::imm32(self.t, self.trace, v)
    }

    /// Writes a condition as 0/1 into `r`: `setcc` into a byte register
    /// when `r` has one, else (and for float equality on x86-32) with a
    /// branch over `mov`s, which leave the flags alone.
    fn set_flag(&mut self, r: Value, f: Flags) -> Result<(), CompileError> {
        let lr = self.loc(r)?;
        let g = match lr {
            Loc::Gpr(g) if self.byte_reg(g) => Some(g),
            _ if self.ra.is_none() => Some(Gpr::RAX),
            _ => None,
        };
        // A second byte register for float equality: r11, or any under all slots.
        let y = match (&self.ra, self.is64()) {
            (None, _) => Some(self.scratch(1)?),
            (Some(_), true) => Some(Gpr::R11),
            (Some(_), false) => None,
        };
        if let Some(x) = g {
            let done = match (f, y) {
                (Flags::Cc(c), _) => {
                    self.asm.setcc(c, x)?;
                    true
                }
                (Flags::FloatEq, Some(y)) => {
                    self.asm.setcc(Cond::E, x)?;
                    self.asm.setcc(Cond::NP, y)?;
                    self.asm.alu_rr(Alu::And, Size::B, x, y)?;
                    true
                }
                (Flags::FloatNe, Some(y)) => {
                    self.asm.setcc(Cond::NE, x)?;
                    self.asm.setcc(Cond::P, y)?;
                    self.asm.alu_rr(Alu::Or, Size::B, x, y)?;
                    true
                }
                _ => false,
            };
            if done {
                self.asm.movzx_rr(Size::D, x, Size::B, x)?;
                return self.write(r, x);
            }
        }
        let skip = self.asm.new_label();
        match f {
            Flags::Cc(c) => {
                self.put_imm(lr, 0)?;
                self.asm.jcc(c.invert(), skip)?;
                self.put_imm(lr, 1)?;
            }
            Flags::FloatEq | Flags::FloatNe => {
                let eq = f == Flags::FloatEq;
                self.put_imm(lr, i64::from(!eq))?;
                self.asm.jcc(Cond::P, skip)?;
                self.asm.jcc(Cond::NE, skip)?;
                self.put_imm(lr, i64::from(eq))?;
            }
        }
        Ok(self.asm.bind(skip)?)
    }

    /// A comparison result: kept in the flags when only the next op (a
    /// `guard_true`/`guard_false` on it) reads it, else materialised.
    fn flag_result(&mut self, r: Value, f: Flags) -> Result<(), CompileError> {
        if self.fused_ok[r.index()] {
            self.fused = Some((r, f));
            Ok(())
        } else {
            self.set_flag(r, f)
        }
    }

    /// Lowers op `i` (everything but guards, labels, jumps and finishes,
    /// which [`super::guards`] handles).
    pub fn lower_op(&mut self, i: usize, op: &Op) -> Result<(), CompileError> {
        let trace = self.trace;
        let res = || {
            let r = trace.op_result(i);
            r.ok_or(CompileError::Unsupported("op without its result value"))
        };
        match *op {
            Op::Input(ty) => self.input(res()?, ty),
            Op::ConstInt(c) => self.constant(res()?, c as u64, Type::Int),
            Op::ConstRef(c) => self.constant(res()?, c as u64, Type::Ref),
            Op::ConstFloat(bits) => self.constant(res()?, bits, Type::Float),
            Op::IntBin(o, a, b) => self.int_bin(res()?, o, a, b),
            Op::IntUn(o, a) => self.int_un(res()?, o, a),
            Op::IntOvf(o, a, b) => self.int_ovf(res()?, o, a, b),
            Op::FloatBin(o, a, b) => self.float_bin(res()?, o, a, b),
            Op::FloatUn(o, a) => self.float_un(res()?, o, a),
            Op::FloatCmp(o, a, b) => self.float_cmp(res()?, o, a, b),
            Op::Conv(o, a) => self.conv(res()?, o, a),
            Op::RefCmp(o, a, b) => {
                let c = if o == RefCmpOp::Eq { Cond::E } else { Cond::NE };
                self.compare(a, b)?;
                self.flag_result(res()?, Flags::Cc(c))
            }
            Op::RefIsNull(a) => {
                self.test0(a)?;
                self.flag_result(res()?, Flags::Cc(Cond::E))
            }
            Op::Load(desc, addr) => self.load_mem(res()?, desc, &addr),
            Op::Store(desc, addr, v) => self.store_mem(desc, &addr, v),
            Op::Call { callee, sig, args } => {
                let args = self.trace.args(args);
                self.call(callee, sig, args, trace.op_result(i))
            }
            Op::CondCall {
                cond,
                callee,
                sig,
                args,
            } => {
                let skip = self.asm.new_label();
                self.test0(cond)?;
                self.asm.jcc(Cond::E, skip)?;
                let args = self.trace.args(args);
                self.call(callee, sig, args, None)?;
                self.asm.bind(skip)?;
                Ok(())
            }
            Op::Guard { .. } | Op::Label { .. } | Op::Jump { .. } | Op::Finish { .. } => Err(
                CompileError::Unsupported("control op reached the value lowering"),
            ),
        }
    }

    /// Input `r` (input index = value index) from the inputs buffer,
    /// addressed through `r`'s own register or a scratch register.
    fn input(&mut self, r: Value, ty: Type) -> Result<(), CompileError> {
        let lr = self.loc(r)?;
        let ptr = match (lr, self.inputs_in) {
            (_, Some(p)) => p,
            (Loc::Gpr(g), None) => g,
            _ => self.scratch(0)?,
        };
        if self.inputs_in != Some(ptr) {
            let p = self.frame.inputs_ptr();
            self.asm.mov_rm(self.w, ptr, p)?;
        }
        self.inputs_in = Some(ptr);
        let src = Mem::base(ptr, 8 * r.0 as i32);
        match lr {
            Loc::Gpr(g) => {
                self.asm.mov_rm(self.w, g, src)?;
                if g == ptr {
                    self.inputs_in = None;
                }
            }
            Loc::Xmm(x) => self.asm.movsd_rm(x, src)?,
            Loc::Mem(m) => self.copy(m, src, ty)?,
            Loc::Flags | Loc::Const(_) => {
                return Err(CompileError::Unsupported("input in the flags"));
            }
        }
        Ok(())
    }

    /// A constant op: nothing for an integer under register allocation
    /// (the allocator rematerialises those where they are used); else into
    /// its location.
    fn constant(&mut self, r: Value, bits: u64, ty: Type) -> Result<(), CompileError> {
        if self.ra.is_some() && ty != Type::Float {
            return Ok(());
        }
        let l = self.loc(r)?;
        self.put_const(l, bits, ty == Type::Float)
    }

    /// Flags of `cmp a, b` (under register allocation `a` is in a register).
    pub fn compare(&mut self, a: Value, b: Value) -> Result<(), CompileError> {
        let w = self.w;
        if let Some(k) = self.imm(b) {
            match self.loc(a)? {
                Loc::Gpr(x) if k == 0 => self.asm.test_rr(w, x, x)?,
                Loc::Gpr(x) => self.asm.alu_ri(Alu::Cmp, w, x, k as i64)?,
                Loc::Mem(m) => self.asm.alu_mi(Alu::Cmp, w, m, k as i64)?,
                _ => return Err(CompileError::Unsupported("operand location")),
            }
            return Ok(());
        }
        let (la, lb) = (self.loc(a)?, self.loc(b)?);
        let x = match (la, lb) {
            (Loc::Gpr(x), _) => x,
            (Loc::Mem(m), Loc::Gpr(y)) => return Ok(self.asm.alu_mr(Alu::Cmp, w, m, y)?),
            _ => {
                let x = self.scratch(0)?;
                self.read_loc(x, la)?;
                x
            }
        };
        match lb {
            Loc::Gpr(g) => self.asm.alu_rr(Alu::Cmp, w, x, g)?,
            Loc::Mem(m) => self.asm.alu_rm(Alu::Cmp, w, x, m)?,
            _ => return Err(CompileError::Unsupported("operand location")),
        }
        Ok(())
    }

    /// The register a two-operand form computes `r = a op ...` in: `r`'s
    /// register when it is `a`'s (the allocator's `Reuse`), else a scratch
    /// register loaded with `a`. Returns it and, when `r` still needs a
    /// write, `r`'s location (see [`Self::finish_two`]).
    #[inline(always)]
    fn two_operand(&mut self, r: Value, a: Value) -> Result<(Gpr, Option<Loc>), CompileError> {
        let (lr, la) = (self.loc(r)?, self.loc(a)?);
        if let (Loc::Gpr(d), Loc::Gpr(s)) = (lr, la)
            && d == s
        {
            return Ok((d, None));
        }
        let x = self.scratch(0)?;
        self.read_loc(x, la)?;
        Ok((x, Some(lr)))
    }

    /// Completes a two-operand form computed in `d`: writes it to the
    /// result's location when [`Self::two_operand`] returned one.
    fn finish_two(&mut self, d: Gpr, write: Option<Loc>) -> Result<(), CompileError> {
        match write {
            Some(l) => self.write_loc(l, d),
            None => Ok(()),
        }
    }

    fn int_bin(&mut self, r: Value, o: IntBinOp, a: Value, b: Value) -> Result<(), CompileError> {
        use IntBinOp as B;
        let w = self.w;
        let alu = match o {
            B::Add => Some(Alu::Add),
            B::Sub => Some(Alu::Sub),
            B::And => Some(Alu::And),
            B::Or => Some(Alu::Or),
            B::Xor => Some(Alu::Xor),
            _ => None,
        };
        let cmp = match o {
            B::Eq => Some(Cond::E),
            B::Ne => Some(Cond::NE),
            B::Lt => Some(Cond::L),
            B::Le => Some(Cond::LE),
            B::Gt => Some(Cond::G),
            B::Ge => Some(Cond::GE),
            B::Ult => Some(Cond::B),
            B::Ule => Some(Cond::BE),
            B::Ugt => Some(Cond::A),
            B::Uge => Some(Cond::AE),
            _ => None,
        };
        if let Some(c) = cmp {
            self.compare(a, b)?;
            return self.flag_result(r, Flags::Cc(c));
        }
        if alu.is_some() || o == B::Mul {
            let (d, write) = self.two_operand(r, a)?;
            if let Some(k) = self.imm(b) {
                match alu {
                    Some(op) => self.asm.alu_ri(op, w, d, k as i64)?,
                    None => self.asm.imul_rri(w, d, d, k as i64)?,
                }
                return self.finish_two(d, write);
            }
            match (alu, self.loc(b)?) {
                (Some(op), Loc::Gpr(g)) => self.asm.alu_rr(op, w, d, g)?,
                (Some(op), Loc::Mem(m)) => self.asm.alu_rm(op, w, d, m)?,
                (None, Loc::Gpr(g)) => self.asm.imul_rr(w, d, g)?,
                (None, Loc::Mem(m)) => self.asm.imul_rm(w, d, m)?,
                _ => return Err(CompileError::Unsupported("operand location")),
            }
            return self.finish_two(d, write);
        }
        if let (B::Shl | B::Sar | B::Shr, Some(k)) = (o, self.imm(b)) {
            let s = match o {
                B::Shl => Shift::Shl,
                B::Sar => Shift::Sar,
                _ => Shift::Shr,
            };
            // The IR masks the count to the word, like the hardware.
            let count = k as u32 & (self.t.word_bytes() * 8 - 1);
            let (d, write) = self.two_operand(r, a)?;
            self.asm.shift_ri(s, w, d, count as u8)?;
            return self.finish_two(d, write);
        }
        let lb = self.loc(b)?;
        let out = match o {
            B::Shl | B::Sar | B::Shr => {
                let s = match o {
                    B::Shl => Shift::Shl,
                    B::Sar => Shift::Sar,
                    _ => Shift::Shr,
                };
                // Under register allocation the count is in rcx (fixed).
                if self.ra.is_none() {
                    self.read(Gpr::RCX, b)?;
                }
                let (d, write) = self.two_operand(r, a)?;
                self.asm.shift_rcl(s, w, d)?;
                return self.finish_two(d, write);
            }
            B::SDiv | B::SRem | B::UDiv | B::URem | B::UMulH => {
                // Register allocation puts the dividend in rax, reserves rdx
                // (so the divisor is elsewhere) and the result is fixed in
                // rax or rdx; under all slots the divisor is in memory.
                self.read(Gpr::RAX, a)?;
                match o {
                    B::SDiv | B::SRem if self.is64() => self.asm.cqo()?,
                    B::SDiv | B::SRem => self.asm.cdq()?,
                    B::UDiv | B::URem => self.asm.alu_rr(Alu::Xor, Size::D, Gpr::RDX, Gpr::RDX)?,
                    _ => {}
                }
                match (o, lb) {
                    (_, Loc::Gpr(Gpr::RDX)) => {
                        return Err(CompileError::Unsupported("divisor in rdx"));
                    }
                    (B::SDiv | B::SRem, Loc::Gpr(g)) => self.asm.idiv_r(w, g)?,
                    (B::SDiv | B::SRem, Loc::Mem(m)) => self.asm.idiv_m(w, m)?,
                    (B::UDiv | B::URem, Loc::Gpr(g)) => self.asm.div_r(w, g)?,
                    (B::UDiv | B::URem, Loc::Mem(m)) => self.asm.div_m(w, m)?,
                    (_, Loc::Gpr(g)) => self.asm.mul_r(w, g)?,
                    (_, Loc::Mem(m)) => self.asm.mul_m(w, m)?,
                    _ => return Err(CompileError::Unsupported("operand location")),
                }
                if matches!(o, B::SDiv | B::UDiv) {
                    Gpr::RAX
                } else {
                    Gpr::RDX
                }
            }
            _ => return Err(CompileError::Unsupported("integer op family mismatch")),
        };
        self.write(r, out)
    }

    fn int_un(&mut self, r: Value, o: IntUnOp, a: Value) -> Result<(), CompileError> {
        use IntUnOp as U;
        let w = self.w;
        if matches!(o, U::IsZero | U::IsTrue) {
            self.test0(a)?;
            let c = if o == U::IsZero { Cond::E } else { Cond::NE };
            return self.flag_result(r, Flags::Cc(c));
        }
        let (d, write) = self.two_operand(r, a)?;
        let byte = self.byte_reg(d);
        let asm = &mut self.asm;
        match o {
            U::Sext8 if byte => asm.movsx_rr(w, d, Size::B, d)?,
            U::Zext8 if byte => asm.movzx_rr(Size::D, d, Size::B, d)?,
            // esi/edi on x86-32 have no byte form.
            U::Sext8 => {
                asm.shift_ri(Shift::Shl, w, d, 24)?;
                asm.shift_ri(Shift::Sar, w, d, 24)?;
            }
            U::Zext8 => asm.alu_ri(Alu::And, w, d, 0xFF)?,
            U::Sext16 => asm.movsx_rr(w, d, Size::W, d)?,
            U::Zext16 => asm.movzx_rr(Size::D, d, Size::W, d)?,
            U::Sext32 if self.t.mode() == Mode::X64 => asm.movsxd_rr(d, d)?,
            U::Zext32 if self.t.mode() == Mode::X64 => asm.mov_rr(Size::D, d, d)?,
            U::Neg => asm.neg_r(w, d)?,
            U::Not => asm.not_r(w, d)?,
            _ => {}
        }
        self.finish_two(d, write)
    }

    fn int_ovf(&mut self, r: Value, o: OvfOp, a: Value, b: Value) -> Result<(), CompileError> {
        let w = self.w;
        let (d, write) = self.two_operand(r, a)?;
        if let Some(k) = self.imm(b) {
            match o {
                OvfOp::Add => self.asm.alu_ri(Alu::Add, w, d, k as i64)?,
                OvfOp::Sub => self.asm.alu_ri(Alu::Sub, w, d, k as i64)?,
                OvfOp::Mul => self.asm.imul_rri(w, d, d, k as i64)?,
            }
            return self.finish_two(d, write);
        }
        match (o, self.loc(b)?) {
            (OvfOp::Add, Loc::Gpr(g)) => self.asm.alu_rr(Alu::Add, w, d, g)?,
            (OvfOp::Add, Loc::Mem(m)) => self.asm.alu_rm(Alu::Add, w, d, m)?,
            (OvfOp::Sub, Loc::Gpr(g)) => self.asm.alu_rr(Alu::Sub, w, d, g)?,
            (OvfOp::Sub, Loc::Mem(m)) => self.asm.alu_rm(Alu::Sub, w, d, m)?,
            (OvfOp::Mul, Loc::Gpr(g)) => self.asm.imul_rr(w, d, g)?,
            (OvfOp::Mul, Loc::Mem(m)) => self.asm.imul_rm(w, d, m)?,
            _ => return Err(CompileError::Unsupported("operand location")),
        }
        // `mov` leaves the flags alone: the overflow guard that must follow
        // reads OF directly.
        self.finish_two(d, write)
    }

    fn float_bin(
        &mut self,
        r: Value,
        o: FloatBinOp,
        a: Value,
        b: Value,
    ) -> Result<(), CompileError> {
        let lr = self.loc(r)?;
        let (x, write) = match (lr, self.loc(a)?) {
            (Loc::Xmm(d), Loc::Xmm(s)) if d == s => (d, false),
            _ => {
                let x = self.slots_xmm()?;
                self.read_x(x, a)?;
                (x, true)
            }
        };
        let lb = self.loc(b)?;
        let asm = &mut self.asm;
        match (o, lb) {
            (FloatBinOp::Add, Loc::Xmm(y)) => asm.addsd_rr(x, y)?,
            (FloatBinOp::Sub, Loc::Xmm(y)) => asm.subsd_rr(x, y)?,
            (FloatBinOp::Mul, Loc::Xmm(y)) => asm.mulsd_rr(x, y)?,
            (FloatBinOp::Div, Loc::Xmm(y)) => asm.divsd_rr(x, y)?,
            (FloatBinOp::Min, Loc::Xmm(y)) => asm.minsd_rr(x, y)?,
            (FloatBinOp::Max, Loc::Xmm(y)) => asm.maxsd_rr(x, y)?,
            (FloatBinOp::Add, Loc::Mem(m)) => asm.addsd_rm(x, m)?,
            (FloatBinOp::Sub, Loc::Mem(m)) => asm.subsd_rm(x, m)?,
            (FloatBinOp::Mul, Loc::Mem(m)) => asm.mulsd_rm(x, m)?,
            (FloatBinOp::Div, Loc::Mem(m)) => asm.divsd_rm(x, m)?,
            (FloatBinOp::Min, Loc::Mem(m)) => asm.minsd_rm(x, m)?,
            (FloatBinOp::Max, Loc::Mem(m)) => asm.maxsd_rm(x, m)?,
            _ => return Err(CompileError::Unsupported("float operand location")),
        }
        if write {
            self.write_x_loc(lr, x)
        } else {
            Ok(())
        }
    }

    fn float_un(&mut self, r: Value, o: FloatUnOp, a: Value) -> Result<(), CompileError> {
        match o {
            FloatUnOp::Sqrt => {
                let x = self.xmm_result(r)?;
                match self.loc(a)? {
                    Loc::Xmm(y) => self.asm.sqrtsd_rr(x, y)?,
                    _ => {
                        let ma = self.mem(a, 0)?;
                        self.asm.sqrtsd_rm(x, ma)?;
                    }
                }
                self.write_x(r, x)
            }
            FloatUnOp::Neg | FloatUnOp::Abs => {
                // Sign-bit surgery on the high dword in memory (no register
                // needed): exact for NaNs too.
                let mr = self.dst_mem(r)?;
                match self.loc(a)? {
                    Loc::Xmm(x) => self.asm.movsd_mr(mr, x)?,
                    Loc::Mem(m) if m == mr => {}
                    Loc::Mem(m) => self.copy(mr, m, Type::Float)?,
                    _ => return Err(CompileError::Unsupported("float operand location")),
                }
                let (op, mask) = if o == FloatUnOp::Neg {
                    (Alu::Xor, i32::MIN as i64)
                } else {
                    (Alu::And, i32::MAX as i64)
                };
                self.asm.alu_mi(op, Size::D, mr.offset(4), mask)?;
                self.dst_fix(r)
            }
        }
    }

    fn float_cmp(
        &mut self,
        r: Value,
        o: FloatCmpOp,
        a: Value,
        b: Value,
    ) -> Result<(), CompileError> {
        // `ucomisd x, y` sets CF/ZF like an unsigned compare and all of
        // ZF, PF, CF on unordered: "above" (and "above or equal") are false
        // on NaN, so `<`/`<=` swap the operands.
        let (first, second, f) = match o {
            FloatCmpOp::Lt => (b, a, Flags::Cc(Cond::A)),
            FloatCmpOp::Le => (b, a, Flags::Cc(Cond::AE)),
            FloatCmpOp::Gt => (a, b, Flags::Cc(Cond::A)),
            FloatCmpOp::Ge => (a, b, Flags::Cc(Cond::AE)),
            FloatCmpOp::Eq => (a, b, Flags::FloatEq),
            FloatCmpOp::Ne => (a, b, Flags::FloatNe),
        };
        let x = match self.loc(first)? {
            Loc::Xmm(x) => x,
            _ => {
                let x = self.slots_xmm()?;
                self.read_x(x, first)?;
                x
            }
        };
        match self.loc(second)? {
            Loc::Xmm(y) => self.asm.ucomisd_rr(x, y)?,
            Loc::Mem(m) => self.asm.ucomisd_rm(x, m)?,
            _ => return Err(CompileError::Unsupported("float operand location")),
        }
        self.flag_result(r, f)
    }

    fn conv(&mut self, r: Value, o: ConvOp, a: Value) -> Result<(), CompileError> {
        let w = self.w;
        match o {
            ConvOp::IntToFloat => {
                let x = self.xmm_result(r)?;
                match self.loc(a)? {
                    Loc::Gpr(g) => self.asm.cvtsi2sd_rr(x, w, g)?,
                    _ => {
                        let ma = self.mem(a, 0)?;
                        self.asm.cvtsi2sd_rm(x, w, ma)?;
                    }
                }
                self.write_x(r, x)?;
            }
            ConvOp::FloatToInt => {
                let d = match self.loc(r)? {
                    Loc::Gpr(g) => g,
                    _ => self.scratch(0)?,
                };
                match self.loc(a)? {
                    Loc::Xmm(x) => self.asm.cvttsd2si_rr(w, d, x)?,
                    _ => {
                        let ma = self.mem(a, 0)?;
                        self.asm.cvttsd2si_rm(w, d, ma)?;
                    }
                }
                self.write(r, d)?;
            }
            ConvOp::FloatBitsToInt | ConvOp::IntBitsToFloat => match (self.loc(r)?, self.loc(a)?) {
                (Loc::Gpr(g), Loc::Xmm(x)) if self.is64() => self.asm.movq_rx(g, x)?,
                (Loc::Xmm(x), Loc::Gpr(g)) if self.is64() => self.asm.movq_xr(x, g)?,
                _ => {
                    let ma = self.mem(a, 0)?;
                    let mr = self.dst_mem(r)?;
                    self.copy(mr, ma, Type::Float)?;
                    self.dst_fix(r)?;
                }
            },
            ConvOp::IntToRef | ConvOp::RefToInt => {
                let (lr, la) = (self.loc(r)?, self.loc(a)?);
                self.move_word(lr, la)?;
            }
        }
        Ok(())
    }

    /// Computes `addr` into a memory operand: the registers of base and
    /// index (register allocation puts them there unless the index needs
    /// scaling), scaled in `r11` (x86-32: a reserved scratch register);
    /// under all slots through `rax` and `r11` (x86-32: `ecx`).
    #[inline(always)]
    fn address(&mut self, addr: &Addr) -> Result<Mem, CompileError> {
        let base = match self.loc(addr.base)? {
            Loc::Gpr(g) => g,
            _ if self.ra.is_none() => {
                self.read(Gpr::RAX, addr.base)?;
                Gpr::RAX
            }
            _ => return Err(CompileError::Unsupported("address base not in a register")),
        };
        let Some((index, size)) = addr.index else {
            return Ok(Mem::base(base, addr.offset));
        };
        let direct = match size {
            1 => Some(Scale::S1),
            2 => Some(Scale::S2),
            4 => Some(Scale::S4),
            8 => Some(Scale::S8),
            _ => None,
        };
        if let (Some(s), Loc::Gpr(g)) = (direct, self.loc(index)?) {
            return Ok(Mem::base_index(base, g, s, addr.offset));
        }
        let ix = match (&self.ra, self.is64()) {
            (None, true) => Gpr::R11,
            (None, false) => Gpr::RCX,
            (Some(_), _) => self.scratch(0)?,
        };
        self.read(ix, index)?;
        let scale = match direct {
            Some(s) => s,
            None => {
                if let Ok(s) = i32::try_from(size) {
                    self.asm.imul_rri(self.w, ix, ix, s as i64)?;
                } else if !self.is64() {
                    // 32-bit products wrap: the low 32 bits of the size do.
                    let s = size as i32;
                    self.asm.imul_rri(self.w, ix, ix, s as i64)?;
                } else {
                    // A third register: reserved by the allocator, or rdx
                    // (free under all slots, where the base is rax).
                    let t = match self.ra {
                        Some(_) => self.scratch(1)?,
                        None => Gpr::RDX,
                    };
                    self.load_imm(t, size as i64)?;
                    self.asm.imul_rr(self.w, ix, t)?;
                }
                Scale::S1
            }
        };
        Ok(Mem::base_index(base, ix, scale, addr.offset))
    }

    fn load_mem(
        &mut self,
        r: Value,
        desc: crate::ir::MemDesc,
        addr: &Addr,
    ) -> Result<(), CompileError> {
        let m = self.address(addr)?;
        let w = self.w;
        let lr = self.loc(r)?;
        if desc.ty == Type::Float {
            let x = match lr {
                Loc::Xmm(x) => x,
                _ => self.slots_xmm()?,
            };
            self.asm.movsd_rm(x, m)?;
            return self.write_x_loc(lr, x);
        }
        let d = match lr {
            Loc::Gpr(g) => g,
            _ => self.scratch(0)?,
        };
        match (desc.ty, desc.size) {
            (Type::Int, 1) | (Type::Int, 2) => {
                let s = if desc.size == 1 { Size::B } else { Size::W };
                if desc.signed {
                    self.asm.movsx_rm(w, d, s, m)?;
                } else {
                    self.asm.movzx_rm(Size::D, d, s, m)?;
                }
            }
            (Type::Int, 4) if self.is64() && desc.signed => self.asm.movsxd_rm(d, m)?,
            (Type::Int, 4) => self.asm.mov_rm(Size::D, d, m)?,
            _ => self.asm.mov_rm(w, d, m)?,
        }
        self.write_loc(lr, d)
    }

    fn store_mem(
        &mut self,
        desc: crate::ir::MemDesc,
        addr: &Addr,
        v: Value,
    ) -> Result<(), CompileError> {
        let m = self.address(addr)?;
        if desc.ty == Type::Float {
            let x = match self.loc(v)? {
                Loc::Xmm(x) => x,
                _ => {
                    let x = self.slots_xmm()?;
                    self.read_x(x, v)?;
                    x
                }
            };
            return Ok(self.asm.movsd_mr(m, x)?);
        }
        let s = match desc.size {
            1 => Size::B,
            2 => Size::W,
            4 => Size::D,
            _ => Size::Q,
        };
        if let Some(k) = self.imm(v) {
            let k = match s {
                Size::B => k as i8 as i64,
                Size::W => k as i16 as i64,
                _ => k as i64,
            };
            return Ok(self.asm.mov_mi(s, m, k)?);
        }
        let g = match self.loc(v)? {
            // x86-32 has byte forms of a..d only.
            Loc::Gpr(g) if s != Size::B || self.byte_reg(g) => g,
            // All slots: rdx is free.
            _ if self.ra.is_none() => {
                self.read(Gpr::RDX, v)?;
                Gpr::RDX
            }
            // Register allocation: an x86-32 byte store's value is fixed in
            // eax (it may also sit in a non-byte register as the base).
            _ if !self.is64() => Gpr::RAX,
            _ => return Err(CompileError::Unsupported("stored value not in a register")),
        };
        Ok(self.asm.mov_mr(s, m, g)?)
    }

    /// A call: arguments per the target's convention, an aligned stack
    /// argument area, the result extended per its declared type. The call
    /// goes through `rax` (a caller-saved register that passes no argument;
    /// on x86-32 loaded after the stack arguments are stored). An x86-32
    /// float result arrives in x87 `st(0)`: stored with `fstp` and reloaded
    /// (popped even when unused, so the x87 stack stays empty).
    fn call(
        &mut self,
        callee: Callee,
        sig: SigId,
        args: &[Value],
        r: Option<Value>,
    ) -> Result<(), CompileError> {
        let sig = self.trace.sig(sig);
        let t = self.t;
        let trace = self.trace;
        let stack = t.assign_args(args.iter().map(|&v| trace.value_type(v)), |_, _| {});
        let area = stack.next_multiple_of(t.call_alignment());
        let area = i32::try_from(area).map_err(|_| CompileError::TooLarge)?;
        let target = Gpr::RAX;
        if area > 0 {
            self.asm.alu_ri(Alu::Sub, self.w, Gpr::RSP, area as i64)?;
        }
        // Stack arguments first (memory sources copied without a register
        // on x86-32, through r11 on x86-64), then the argument registers
        // and (x86-64) a callee value into rax by one parallel move.
        let mut err = Ok(());
        let mut regs: BVec<'b, ParallelMove> = BVec::with_capacity_in(args.len() + 1, self.bump);
        t.assign_args(args.iter().map(|&v| trace.value_type(v)), |k, loc| {
            if err.is_err() {
                return;
            }
            let v = args[k];
            let ty = trace.value_type(v);
            err = match loc {
                ArgLoc::Stack(off) => self
                    .loc(v)
                    .and_then(|l| self.put(Mem::base(Gpr::RSP, off as i32), l, ty)),
                ArgLoc::Gpr(g) => self.arg_move(v, PReg::gpr(g.number()), &mut regs),
                ArgLoc::Xmm(x) => self.arg_move(v, PReg::xmm(x.number()), &mut regs),
            };
        });
        err?;
        if let (true, Callee::Value(c)) = (self.is64(), callee) {
            self.arg_move(c, PReg::gpr(target.number()), &mut regs)?;
        }
        // A move each, plus a few more to break cycles.
        let mut edits: BVec<'b, Edit> = BVec::with_capacity_in(regs.len() + 4, self.bump);
        let extra = self.move_temp();
        parallel_move::resolve(&mut regs, &mut |_| extra, &mut edits)
            .map_err(|e| CompileError::Unsupported(e.reason()))?;
        for &e in edits.iter() {
            self.emit_edit(e)?;
        }
        match callee {
            Callee::Const(addr) => self.load_imm(target, addr as i64)?,
            Callee::Value(c) if !self.is64() => self.read(target, c)?,
            Callee::Value(_) => {}
        }
        self.asm.call_r(target)?;
        if area > 0 {
            self.asm.alu_ri(Alu::Add, self.w, Gpr::RSP, area as i64)?;
        }
        let Some(ret) = sig.ret else {
            return Ok(());
        };
        if ret == RetType::Float && !self.is64() {
            let m = match r {
                Some(r) => self.dst_mem(r)?,
                None => self.frame.scratch(1),
            };
            self.asm.fstp_m64(m)?;
            return match r {
                Some(r) => self.dst_fix(r),
                None => Ok(()),
            };
        }
        let Some(r) = r else {
            return Ok(());
        };
        self.extend_result(ret)?;
        if ret == RetType::Float {
            self.write_x(r, Xmm::XMM0)
        } else {
            self.write(r, Gpr::RAX)
        }
    }

    /// Records the move of argument `v` into register `to`.
    fn arg_move(
        &self,
        v: Value,
        to: PReg,
        moves: &mut BVec<'b, ParallelMove>,
    ) -> Result<(), CompileError> {
        let from = match self.alloc(v) {
            Some(a) => a,
            // All-slots strategy: the value's slot, as a pseudo spill slot.
            None => Allocation::Stack(SpillSlot(v.0)),
        };
        moves.push(ParallelMove {
            from,
            to: Allocation::Reg(to),
            class: to.class(),
        });
        Ok(())
    }

    /// Extends a narrow integer result in `rax` per its declared type.
    fn extend_result(&mut self, ret: RetType) -> Result<(), CompileError> {
        let (w, a) = (self.w, Gpr::RAX);
        let word = if self.is64() {
            WordSize::W64
        } else {
            WordSize::W32
        };
        match ret {
            RetType::I8 => self.asm.movsx_rr(w, a, Size::B, a)?,
            RetType::U8 => self.asm.movzx_rr(Size::D, a, Size::B, a)?,
            RetType::I16 => self.asm.movsx_rr(w, a, Size::W, a)?,
            RetType::U16 => self.asm.movzx_rr(Size::D, a, Size::W, a)?,
            RetType::I32 if word == WordSize::W64 => self.asm.movsxd_rr(a, a)?,
            RetType::U32 if word == WordSize::W64 => self.asm.mov_rr(Size::D, a, a)?,
            _ => {}
        }
        Ok(())
    }
}
