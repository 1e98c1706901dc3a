//! Lowering: one function per IR op family. Every operand is read from its
//! [`Loc`] for the current op (a register or frame slot chosen by the
//! register allocator, see [`super::alloc`], or under the all-slots
//! fallback the value's own slot), results are written to theirs; the
//! allocator's edits (moves, spills, reloads) are emitted before each op.
//!
//! Scratch registers, never allocated: `rax` and `r11` on x86-64; `eax`
//! and `ecx` on x86-32. `xmm0` and `rdx` (and `rcx` on x86-64) are scratch
//! only under the all-slots strategy. The deopt buffer and inputs
//! pointers live in the frame.

use bumpalo::Bump;
use bumpalo::collections::Vec as BVec;

use super::CompileError;
use super::alloc::{self, RaFunc};
use super::frame::{Frame, SavedReg};
use super::target::{ArgLoc, Target};
use crate::ir::{
    Addr, Callee, ConvOp, FloatBinOp, FloatCmpOp, FloatUnOp, GuardKind, IntBinOp, IntUnOp, Op,
    OvfOp, RefCmpOp, RetType, SigId, Trace, Type, Value, WordSize,
};
use crate::regalloc::parallel_move::{self, ParallelMove};
use crate::regalloc::{
    self, Allocation, Edit, Function, Operand, Output, PReg, RegClass, SpillSlot,
};
use crate::x86::{Alu, Assembler, Cond, Gpr, Label, Mem, Mode, Scale, Shift, Size, Xmm};

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
    /// The guard's op index.
    pub op: u32,
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
    /// `(op, start, end)` code ranges, for listings.
    pub ranges: BVec<'b, (u32, u32, u32)>,
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
    /// `rax` still holds the inputs pointer (consecutive `Input` ops; edits
    /// never touch `rax`).
    inputs_in_rax: bool,
}

/// Whether op `i` of `trace` is a comparison whose result only the next
/// op (a `guard_true`/`guard_false` on it) reads.
fn fusable(trace: &Trace, uses: &[u32], i: usize, r: Value) -> bool {
    let cmp = match trace.ops()[i] {
        Op::IntBin(o, ..) => !matches!(
            o,
            IntBinOp::Add
                | IntBinOp::Sub
                | IntBinOp::And
                | IntBinOp::Or
                | IntBinOp::Xor
                | IntBinOp::Mul
                | IntBinOp::Shl
                | IntBinOp::Sar
                | IntBinOp::Shr
                | IntBinOp::SDiv
                | IntBinOp::SRem
                | IntBinOp::UDiv
                | IntBinOp::URem
                | IntBinOp::UMulH
        ),
        Op::IntUn(o, _) => matches!(o, IntUnOp::IsZero | IntUnOp::IsTrue),
        Op::FloatCmp(..) | Op::RefCmp(..) | Op::RefIsNull(_) => true,
        _ => false,
    };
    let next_guards = matches!(
        trace.ops().get(i + 1),
        Some(Op::Guard { kind: GuardKind::True(v) | GuardKind::False(v), .. }) if *v == r
    );
    cmp && next_guards && uses[r.index()] == 1
}

impl<'a, 'b> Lowering<'a, 'b> {
    /// Sets up lowering `trace` for `t` in `bump`: register allocation
    /// when `allocate` and the allocator takes the trace, else all slots.
    pub fn new(
        t: Target,
        trace: &'a Trace,
        bump: &'b Bump,
        allocate: bool,
    ) -> Result<Self, CompileError> {
        let mut uses = BVec::from_iter_in(core::iter::repeat_n(0u32, trace.num_values()), bump);
        let mut temps = 0usize;
        for (i, op) in trace.ops().iter().enumerate() {
            trace.visit_uses(i, |v, _| uses[v.index()] += 1);
            if let Op::Jump { args, .. } = op {
                temps = temps.max(args.len as usize);
            }
        }
        let mut fused_ok =
            BVec::from_iter_in(core::iter::repeat_n(false, trace.num_values()), bump);
        for i in 0..trace.ops().len() {
            if let Some(r) = trace.op_result(i) {
                fused_ok[r.index()] = fusable(trace, &uses, i, r);
            }
        }
        let ra = if allocate {
            RaFunc::new(t, trace, &fused_ok, bump).and_then(|func| {
                let out = regalloc::allocate(&func, &alloc::env(t), bump).ok()?;
                Some(&*bump.alloc(Ra { func, out }))
            })
        } else {
            None
        };
        let frame = match ra {
            // One slot more: the temporary of parallel moves.
            Some(ra) => Frame::new(0, ra.out.num_spill_slots() as usize + 1, t == Target::Win64)?,
            None => Frame::new(temps, trace.num_values(), false)?,
        };
        let mut saved = BVec::new_in(bump);
        let mut saved_xmm = BVec::new_in(bump);
        if let Some(ra) = ra {
            // Every callee-saved register the allocation touches is reported
            // (the allocator's contract, checked by its randomized tests).
            let used = ra.out.callee_saved_used();
            for p in used.of_class(RegClass::Xmm).iter() {
                if t != Target::Win64 || p.num < 6 {
                    return Err(CompileError::Unsupported("callee-saved XMM outside Win64"));
                }
                saved_xmm
                    .push(Xmm::from_number(p.num).ok_or(CompileError::Unsupported("register"))?);
            }
            for p in used.of_class(RegClass::Gpr).iter() {
                let g = Gpr::from_number(p.num).ok_or(CompileError::Unsupported("register"))?;
                saved.push(Frame::save_slot(g).ok_or(CompileError::Unsupported(
                    "callee-saved register without a slot",
                ))?);
            }
        }
        let mut asm = Assembler::new_in(t.mode(), bump);
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
            stubs: BVec::new_in(bump),
            exits: BVec::new_in(bump),
            sites: BVec::new_in(bump),
            ranges: BVec::with_capacity_in(trace.ops().len(), bump),
            exit_label,
            fused: None,
            ra,
            inst: 0,
            cur_ops: &[],
            cur_allocs: &[],
            saved,
            saved_xmm,
            inputs_in_rax: false,
        })
    }

    fn is64(&self) -> bool {
        self.t.mode() == Mode::X64
    }

    /// Starts op `i`: selects its allocator instruction and emits the
    /// allocator's edits before it (a `Label` emits its own).
    pub fn begin_op(&mut self, i: usize) -> Result<(), CompileError> {
        if !matches!(self.trace.ops()[i], Op::Input(_)) {
            self.inputs_in_rax = false;
        }
        let Some(ra) = self.ra else {
            return Ok(());
        };
        self.select_inst(ra.func.first_inst[i] as usize);
        if matches!(self.trace.ops()[i], Op::Label { .. }) {
            return Ok(());
        }
        self.emit_edits(self.inst)
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
        let Some(ra) = self.ra else {
            return Ok(());
        };
        for &e in ra.out.edits_before(inst) {
            self.emit_edit(e)?;
        }
        Ok(())
    }

    /// One move or swap (never touching the flags).
    pub fn emit_edit(&mut self, e: Edit) -> Result<(), CompileError> {
        let w = self.w;
        match e {
            Edit::Move { from, to, class } => {
                let (from, to) = (self.loc_of(from)?, self.loc_of(to)?);
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
    pub fn loc_of(&self, a: Allocation) -> Result<Loc, CompileError> {
        let bad = CompileError::Unsupported("register number");
        Ok(match a {
            Allocation::Reg(p) if p.class == RegClass::Gpr => {
                Loc::Gpr(Gpr::from_number(p.num).ok_or(bad)?)
            }
            Allocation::Reg(p) => Loc::Xmm(Xmm::from_number(p.num).ok_or(bad)?),
            Allocation::Stack(s) => Loc::Mem(self.frame.slot(s.0)),
            Allocation::Flags => Loc::Flags,
            Allocation::Const(_) => return Err(CompileError::Unsupported("constant location")),
        })
    }

    /// The allocator's location of `v` at the current instruction.
    pub fn alloc(&self, v: Value) -> Option<Allocation> {
        self.ra?;
        let (ops, allocs) = (self.cur_ops, self.cur_allocs);
        // A value read twice (`x < x`) may have a register for one operand
        // and its slot for the other: the register serves both.
        let mut found = None;
        for (o, a) in ops.iter().zip(allocs) {
            if o.vreg.0 == v.0 {
                if matches!(a, Allocation::Reg(_)) {
                    return Some(*a);
                }
                found = found.or(Some(*a));
            }
        }
        found
    }

    /// Where `v` is during the current op.
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
        match self.loc(v)? {
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
        match self.loc(v)? {
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
        match self.loc(v)? {
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
            Loc::Flags => return Err(CompileError::Unsupported("flags as memory")),
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
    /// through the stack: `rax` or the frame's extra spill slot.
    pub fn move_temp(&self, c: RegClass) -> Allocation {
        let extra = self.ra.as_ref().map_or(0, |ra| ra.out.num_spill_slots());
        match c {
            RegClass::Gpr => Allocation::Reg(PReg::gpr(0)),
            RegClass::Xmm => Allocation::Stack(SpillSlot(extra)),
        }
    }

    /// `op dst, v` for an ALU op.
    fn alu_v(&mut self, op: Alu, dst: Gpr, v: Value) -> Result<(), CompileError> {
        match self.loc(v)? {
            Loc::Gpr(g) => self.asm.alu_rr(op, self.w, dst, g)?,
            Loc::Mem(m) => self.asm.alu_rm(op, self.w, dst, m)?,
            _ => return Err(CompileError::Unsupported("operand location")),
        }
        Ok(())
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

    /// Copies 8 bytes (`Float`) or a word from `src` to `dst` (through
    /// `r11`; x86-32: `ecx`).
    pub fn copy(&mut self, dst: Mem, src: Mem, ty: Type) -> Result<(), CompileError> {
        if self.is64() {
            self.asm.mov_rm(Size::Q, Gpr::R11, src)?;
            self.asm.mov_mr(Size::Q, dst, Gpr::R11)?;
        } else {
            self.asm.mov_rm(Size::D, Gpr::RCX, src)?;
            self.asm.mov_mr(Size::D, dst, Gpr::RCX)?;
            if ty == Type::Float {
                self.asm.mov_rm(Size::D, Gpr::RCX, src.offset(4))?;
                self.asm.mov_mr(Size::D, dst.offset(4), Gpr::RCX)?;
            }
        }
        Ok(())
    }

    /// Stores `loc` (a value of type `ty`) to memory `dst`.
    pub fn put(&mut self, dst: Mem, loc: Loc, ty: Type) -> Result<(), CompileError> {
        match loc {
            Loc::Gpr(g) => self.asm.mov_mr(self.w, dst, g)?,
            Loc::Xmm(x) => self.asm.movsd_mr(dst, x)?,
            Loc::Mem(m) => self.copy(dst, m, ty)?,
            Loc::Flags => return Err(CompileError::Unsupported("flags value stored")),
        }
        Ok(())
    }

    /// Two scratch registers with byte forms: `rax`, `r11` (x86-64);
    /// `eax`, `ecx` (x86-32).
    pub fn scratch_pair(&self) -> (Gpr, Gpr) {
        if self.is64() {
            (Gpr::RAX, Gpr::R11)
        } else {
            (Gpr::RAX, Gpr::RCX)
        }
    }

    /// Writes a condition as 0/1 into `r`.
    fn set_flag(&mut self, r: Value, f: Flags) -> Result<(), CompileError> {
        let (x, y) = self.scratch_pair();
        let a = &mut self.asm;
        match f {
            Flags::Cc(c) => a.setcc(c, x)?,
            Flags::FloatEq => {
                a.setcc(Cond::E, x)?;
                a.setcc(Cond::NP, y)?;
                a.alu_rr(Alu::And, Size::B, x, y)?;
            }
            Flags::FloatNe => {
                a.setcc(Cond::NE, x)?;
                a.setcc(Cond::P, y)?;
                a.alu_rr(Alu::Or, Size::B, x, y)?;
            }
        }
        a.movzx_rr(Size::D, x, Size::B, x)?;
        self.write(r, x)
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
    pub fn lower_op(&mut self, i: usize, op: Op) -> Result<(), CompileError> {
        let r = self.trace.op_result(i);
        let res = || r.ok_or(CompileError::Unsupported("op without its result value"));
        match op {
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
                self.call(callee, sig, args, r)
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

    /// Input `r` (input index = value index) from the inputs buffer.
    fn input(&mut self, r: Value, ty: Type) -> Result<(), CompileError> {
        if !self.inputs_in_rax {
            let p = self.frame.inputs_ptr();
            self.asm.mov_rm(self.w, Gpr::RAX, p)?;
            self.inputs_in_rax = true;
        }
        let src = Mem::base(Gpr::RAX, 8 * r.0 as i32);
        match self.loc(r)? {
            Loc::Gpr(g) => self.asm.mov_rm(self.w, g, src)?,
            Loc::Xmm(x) => self.asm.movsd_rm(x, src)?,
            Loc::Mem(m) => self.copy(m, src, ty)?,
            Loc::Flags => return Err(CompileError::Unsupported("input in the flags")),
        }
        Ok(())
    }

    fn constant(&mut self, r: Value, bits: u64, ty: Type) -> Result<(), CompileError> {
        match self.loc(r)? {
            Loc::Gpr(g) => return self.load_imm(g, bits as i64),
            Loc::Xmm(x) if self.is64() => {
                self.asm.mov_ri(Size::Q, Gpr::RAX, bits as i64)?;
                return Ok(self.asm.movq_xr(x, Gpr::RAX)?);
            }
            _ => {}
        }
        let m = self.dst_mem(r)?;
        if self.is64() {
            let x = bits as i64;
            if i32::try_from(x).is_ok() {
                self.asm.mov_mi(Size::Q, m, x)?;
            } else {
                self.asm.mov_ri(Size::Q, Gpr::RAX, x)?;
                self.asm.mov_mr(Size::Q, m, Gpr::RAX)?;
            }
        } else {
            self.asm.mov_mi(Size::D, m, bits as u32 as i64)?;
            if ty == Type::Float {
                self.asm
                    .mov_mi(Size::D, m.offset(4), (bits >> 32) as u32 as i64)?;
            }
        }
        self.dst_fix(r)
    }

    /// Flags of `cmp a, b`.
    fn compare(&mut self, a: Value, b: Value) -> Result<(), CompileError> {
        let x = match self.loc(a)? {
            Loc::Gpr(g) => g,
            _ => {
                self.read(Gpr::RAX, a)?;
                Gpr::RAX
            }
        };
        self.alu_v(Alu::Cmp, x, b)
    }

    /// The register a two-operand form computes `r = a op ...` in: `r`'s
    /// register when it is `a`'s (the allocator's `Reuse`), else `rax`
    /// loaded with `a`. Returns it and whether `r` still needs a write.
    fn two_operand(&mut self, r: Value, a: Value) -> Result<(Gpr, bool), CompileError> {
        if let (Loc::Gpr(d), Loc::Gpr(s)) = (self.loc(r)?, self.loc(a)?)
            && d == s
        {
            return Ok((d, false));
        }
        self.read(Gpr::RAX, a)?;
        Ok((Gpr::RAX, true))
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
            match (alu, self.loc(b)?) {
                (Some(op), _) => self.alu_v(op, d, b)?,
                (None, Loc::Gpr(g)) => self.asm.imul_rr(w, d, g)?,
                (None, Loc::Mem(m)) => self.asm.imul_rm(w, d, m)?,
                _ => return Err(CompileError::Unsupported("operand location")),
            }
            return if write { self.write(r, d) } else { Ok(()) };
        }
        let lb = self.loc(b)?;
        let out = match o {
            B::Shl | B::Sar | B::Shr => {
                let s = match o {
                    B::Shl => Shift::Shl,
                    B::Sar => Shift::Sar,
                    _ => Shift::Shr,
                };
                self.read(Gpr::RCX, b)?;
                self.read(Gpr::RAX, a)?;
                self.asm.shift_rcl(s, w, Gpr::RAX)?;
                Gpr::RAX
            }
            B::SDiv | B::SRem | B::UDiv | B::URem | B::UMulH => {
                // The divisor must survive `cqo`/`xor edx` (the allocator
                // may leave it in rdx, which the op clobbers).
                let lb = match lb {
                    Loc::Gpr(Gpr::RDX) => {
                        let t = self.scratch_pair().1;
                        self.asm.mov_rr(w, t, Gpr::RDX)?;
                        Loc::Gpr(t)
                    }
                    l => l,
                };
                self.read(Gpr::RAX, a)?;
                match o {
                    B::SDiv | B::SRem if self.is64() => self.asm.cqo()?,
                    B::SDiv | B::SRem => self.asm.cdq()?,
                    B::UDiv | B::URem => self.asm.alu_rr(Alu::Xor, Size::D, Gpr::RDX, Gpr::RDX)?,
                    _ => {}
                }
                match (o, lb) {
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
        let la = self.loc(a)?;
        let ax = Gpr::RAX;
        if matches!(o, U::IsZero | U::IsTrue) {
            self.test0(a)?;
            let c = if o == U::IsZero { Cond::E } else { Cond::NE };
            return self.flag_result(r, Flags::Cc(c));
        }
        if let Loc::Mem(ma) = la {
            match o {
                U::Sext8 => self.asm.movsx_rm(w, ax, Size::B, ma)?,
                U::Sext16 => self.asm.movsx_rm(w, ax, Size::W, ma)?,
                U::Zext8 => self.asm.movzx_rm(Size::D, ax, Size::B, ma)?,
                U::Zext16 => self.asm.movzx_rm(Size::D, ax, Size::W, ma)?,
                U::Sext32 if self.is64() => self.asm.movsxd_rm(ax, ma)?,
                U::Zext32 if self.is64() => self.asm.mov_rm(Size::D, ax, ma)?,
                _ => self.read(ax, a)?,
            }
        } else {
            self.read(ax, a)?;
            match o {
                U::Sext8 => self.asm.movsx_rr(w, ax, Size::B, ax)?,
                U::Sext16 => self.asm.movsx_rr(w, ax, Size::W, ax)?,
                U::Zext8 => self.asm.movzx_rr(Size::D, ax, Size::B, ax)?,
                U::Zext16 => self.asm.movzx_rr(Size::D, ax, Size::W, ax)?,
                U::Sext32 if self.is64() => self.asm.movsxd_rr(ax, ax)?,
                U::Zext32 if self.is64() => self.asm.mov_rr(Size::D, ax, ax)?,
                _ => {}
            }
        }
        match o {
            U::Neg => self.asm.neg_r(w, ax)?,
            U::Not => self.asm.not_r(w, ax)?,
            _ => {}
        }
        self.write(r, ax)
    }

    fn int_ovf(&mut self, r: Value, o: OvfOp, a: Value, b: Value) -> Result<(), CompileError> {
        let w = self.w;
        let (d, write) = self.two_operand(r, a)?;
        match (o, self.loc(b)?) {
            (OvfOp::Add, _) => self.alu_v(Alu::Add, d, b)?,
            (OvfOp::Sub, _) => self.alu_v(Alu::Sub, d, b)?,
            (OvfOp::Mul, Loc::Gpr(g)) => self.asm.imul_rr(w, d, g)?,
            (OvfOp::Mul, Loc::Mem(m)) => self.asm.imul_rm(w, d, m)?,
            _ => return Err(CompileError::Unsupported("operand location")),
        }
        // `mov` leaves the flags alone: the overflow guard that must follow
        // reads OF directly.
        if write { self.write(r, d) } else { Ok(()) }
    }

    fn float_bin(
        &mut self,
        r: Value,
        o: FloatBinOp,
        a: Value,
        b: Value,
    ) -> Result<(), CompileError> {
        let (x, write) = match (self.loc(r)?, self.loc(a)?) {
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
        if write { self.write_x(r, x) } else { Ok(()) }
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
                // Sign-bit surgery on the high dword: exact for NaNs too.
                let ma = self.mem(a, 0)?;
                let mr = self.dst_mem(r)?;
                self.asm.mov_rm(Size::D, Gpr::RAX, ma)?;
                self.asm.mov_mr(Size::D, mr, Gpr::RAX)?;
                self.asm.mov_rm(Size::D, Gpr::RAX, ma.offset(4))?;
                if o == FloatUnOp::Neg {
                    self.asm
                        .alu_ri(Alu::Xor, Size::D, Gpr::RAX, i32::MIN as i64)?;
                } else {
                    self.asm
                        .alu_ri(Alu::And, Size::D, Gpr::RAX, i32::MAX as i64)?;
                }
                self.asm.mov_mr(Size::D, mr.offset(4), Gpr::RAX)?;
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
                match self.loc(a)? {
                    Loc::Xmm(x) => self.asm.cvttsd2si_rr(w, Gpr::RAX, x)?,
                    _ => {
                        let ma = self.mem(a, 0)?;
                        self.asm.cvttsd2si_rm(w, Gpr::RAX, ma)?;
                    }
                }
                self.write(r, Gpr::RAX)?;
            }
            ConvOp::FloatBitsToInt | ConvOp::IntBitsToFloat => {
                let ma = self.mem(a, 0)?;
                let mr = self.dst_mem(r)?;
                self.copy(mr, ma, Type::Float)?;
                self.dst_fix(r)?;
            }
            ConvOp::IntToRef | ConvOp::RefToInt => {
                self.read(Gpr::RAX, a)?;
                self.write(r, Gpr::RAX)?;
            }
        }
        Ok(())
    }

    /// Computes `addr` into a memory operand (registers of the operands, or
    /// `rax` and `r11`; x86-32: `eax` and `ecx`).
    fn address(&mut self, addr: &Addr) -> Result<Mem, CompileError> {
        let base = match self.loc(addr.base)? {
            Loc::Gpr(g) => g,
            _ => {
                self.read(Gpr::RAX, addr.base)?;
                Gpr::RAX
            }
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
        let ix = if self.is64() { Gpr::R11 } else { Gpr::RCX };
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
                    // A third scratch: rax when the base is elsewhere (always
                    // under register allocation: bases are `Reg`), else rdx
                    // (free under all slots).
                    let t = if base != Gpr::RAX {
                        Gpr::RAX
                    } else if self.ra.is_none() {
                        Gpr::RDX
                    } else {
                        return Err(CompileError::Unsupported("address base not in a register"));
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
        if desc.ty == Type::Float {
            let x = match self.loc(r)? {
                Loc::Xmm(x) => x,
                _ => self.slots_xmm()?,
            };
            self.asm.movsd_rm(x, m)?;
            return self.write_x(r, x);
        }
        let d = match self.loc(r)? {
            Loc::Gpr(g) => g,
            _ => Gpr::RAX,
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
        self.write(r, d)
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
        let g = match self.loc(v)? {
            // x86-32 has byte forms of a..d only.
            Loc::Gpr(g) if self.is64() || s != Size::B || g.number() < 4 => g,
            // All slots: rdx is free. Register allocation: bases are `Reg`,
            // so rax is (x86-64 stored values are `Reg`: x86-32 only).
            _ if self.ra.is_none() => {
                self.read(Gpr::RDX, v)?;
                Gpr::RDX
            }
            _ if !self.is64() => {
                self.read(Gpr::RAX, v)?;
                Gpr::RAX
            }
            _ => return Err(CompileError::Unsupported("stored value not in a register")),
        };
        Ok(self.asm.mov_mr(s, m, g)?)
    }

    /// A call: arguments per the target's convention, an aligned stack
    /// argument area, the result extended per its declared type.
    fn call(
        &mut self,
        callee: Callee,
        sig: SigId,
        args: &[Value],
        r: Option<Value>,
    ) -> Result<(), CompileError> {
        let sig = self.trace.sig(sig);
        if self.t == Target::Cdecl32 && sig.ret == Some(RetType::Float) {
            return Err(CompileError::Unsupported(
                "float call results on x86-32 (x87 st(0) return)",
            ));
        }
        let t = self.t;
        let trace = self.trace;
        let stack = t.assign_args(args.iter().map(|&v| trace.value_type(v)), |_, _| {});
        let area = stack.next_multiple_of(t.call_alignment());
        let area = i32::try_from(area).map_err(|_| CompileError::TooLarge)?;
        let target = if self.is64() { Gpr::R11 } else { Gpr::RAX };
        if area > 0 {
            self.asm.alu_ri(Alu::Sub, self.w, Gpr::RSP, area as i64)?;
        }
        // Stack arguments first (memory sources go through the copy
        // scratch), then the callee (x86-64: into r11, no argument register,
        // read before the argument registers are overwritten), then the
        // argument registers by a parallel move.
        let mut err = Ok(());
        let mut regs: BVec<'b, ParallelMove> = BVec::new_in(self.bump);
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
        if self.is64() {
            self.callee_to(target, callee)?;
        }
        let mut edits: BVec<'b, Edit> = BVec::new_in(self.bump);
        let extra = self.move_temp(RegClass::Xmm);
        let mut temp = |c: RegClass| match c {
            RegClass::Gpr => Allocation::Reg(PReg::gpr(0)),
            RegClass::Xmm => extra,
        };
        parallel_move::resolve(&mut regs, &mut temp, &mut edits)
            .map_err(|e| CompileError::Unsupported(e.reason()))?;
        for &e in edits.iter() {
            self.emit_edit(e)?;
        }
        if !self.is64() {
            self.callee_to(target, callee)?;
        }
        self.asm.call_r(target)?;
        if area > 0 {
            self.asm.alu_ri(Alu::Add, self.w, Gpr::RSP, area as i64)?;
        }
        let (Some(r), Some(ret)) = (r, sig.ret) else {
            return Ok(());
        };
        self.extend_result(ret)?;
        if ret == RetType::Float {
            self.write_x(r, Xmm::XMM0)
        } else {
            self.write(r, Gpr::RAX)
        }
    }

    /// Loads the call target into `reg`.
    fn callee_to(&mut self, reg: Gpr, callee: Callee) -> Result<(), CompileError> {
        match callee {
            Callee::Const(addr) => self.load_imm(reg, addr as i64),
            Callee::Value(v) => self.read(reg, v),
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
            class: to.class,
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
