//! Control flow: prologue, guards with their exit stubs, labels and jumps,
//! finishes, and the shared exit paths.
//!
//! A guard is one (sometimes two, for float equality) patchable `jcc rel32`
//! to its own stub emitted after the trace body. Exits are table-driven, as
//! in LuaJIT and PyPy: a stub is `push <exit index>; jmp <guard exit>`
//! (10 bytes, nothing computed per fail-arg while compiling), and the one
//! shared guard exit stores the registers (GPRs by hardware number, then
//! XMMs) and copies the frame slots that any exit's values are in into the
//! deopt buffer at fixed words, then pops the exit index into `eax`. Each
//! exit's table (see [`Lowering::exit_codes`]) says which deopt word holds
//! each fail-arg, or which constant it is, and
//! [`crate::backend::CompiledTrace::decode_exit`] reads them from there. A
//! `Finish` stores its values into the deopt buffer directly. Both end in
//! the exit path, which restores the callee-saved registers, `rsp` and
//! `rbp` and returns.

use bumpalo::collections::Vec as BVec;

use super::CompileError;
use super::frame::Frame;
use super::lower::{BAD_REGISTER, Flags, Loc, Lowering, PendingStub};
use super::target::Target;
use crate::ir::{GuardKind, Op, Type, Value};
use crate::regalloc::parallel_move::{self, ParallelMove};
use crate::regalloc::{Allocation, Function, InstKind, PReg, PRegSet, RegClass};
use crate::x86::{Alu, Cond, Gpr, Label, Mem, Mode, Size, Xmm};

/// Marks an exit table code as a constant's index (not a deopt word).
pub(crate) const CONST: u32 = 1 << 31;

/// Alignment of a loop header in bytes.
const LOOP_ALIGN: u32 = 32;

impl Lowering<'_, '_> {
    /// `push rbp; mov rbp, rsp`, the frame, the callee-saved registers the
    /// code uses saved at their fixed slots, the entry's two pointers kept
    /// in the frame.
    pub fn prologue(&mut self) -> Result<(), CompileError> {
        let w = self.w;
        self.asm.push_r(Gpr::RBP)?;
        self.asm.mov_rr(w, Gpr::RBP, Gpr::RSP)?;
        self.asm
            .lea(w, Gpr::RSP, Mem::base(Gpr::RBP, -self.frame.size))?;
        self.asm.alu_ri(Alu::And, w, Gpr::RSP, -16)?;
        for k in 0..self.saved.len() {
            let s = self.saved[k];
            self.asm.mov_mr(w, Mem::base(Gpr::RBP, s.offset), s.reg)?;
        }
        for k in 0..self.saved_xmm.len() {
            let x = self.saved_xmm[k];
            let slot = Frame::xmm_save(x.number() - 6);
            self.asm.movaps_mr(slot, x)?;
        }
        let (inputs, deopt) = match self.t {
            Target::SysV64 => (Gpr::RDI, Gpr::RSI),
            Target::Win64 => (Gpr::RCX, Gpr::RDX),
            Target::Cdecl32 => {
                self.asm.mov_rm(w, Gpr::RAX, Mem::base(Gpr::RBP, 8))?;
                self.asm.mov_rm(w, Gpr::RCX, Mem::base(Gpr::RBP, 12))?;
                (Gpr::RAX, Gpr::RCX)
            }
        };
        let (pi, pd) = (self.frame.inputs_ptr(), self.frame.deopt_ptr());
        self.asm.mov_mr(w, pi, inputs)?;
        self.asm.mov_mr(w, pd, deopt)?;
        Ok(())
    }

    /// The shared exit path: restore and return (exit index in `eax`).
    /// Emitted after the trace body and before the stubs, so the stubs'
    /// jumps to it go backward (no label fixups).
    pub fn exit_path(&mut self) -> Result<(), CompileError> {
        let w = self.w;
        self.asm.bind(self.exit_label)?;
        for k in 0..self.saved.len() {
            let s = self.saved[k];
            self.asm.mov_rm(w, s.reg, Mem::base(Gpr::RBP, s.offset))?;
        }
        for k in 0..self.saved_xmm.len() {
            let x = self.saved_xmm[k];
            let slot = Frame::xmm_save(x.number() - 6);
            self.asm.movaps_rm(x, slot)?;
        }
        self.asm.mov_rr(w, Gpr::RSP, Gpr::RBP)?;
        self.asm.pop_r(Gpr::RBP)?;
        Ok(self.asm.ret()?)
    }

    /// Stores values at `locs` (holes skipped) into the deopt buffer,
    /// addressed through a caller-saved register (never r11, the copy
    /// scratch of x86-64) that holds none of them; when every one does
    /// (x86-32), `eax` is first parked in a scratch slot.
    fn save_values(&mut self, locs: &mut [Option<(Loc, Type)>]) -> Result<(), CompileError> {
        let holds = |locs: &[Option<(Loc, Type)>], g: Gpr| {
            locs.iter()
                .any(|l| matches!(l, Some((Loc::Gpr(x), _)) if *x == g))
        };
        let free = self
            .t
            .caller_saved()
            .iter()
            .copied()
            .find(|&g| g != Gpr::R11 && !holds(locs, g));
        let p = match free {
            Some(p) => p,
            None => {
                let s = self.frame.scratch(0);
                self.asm.mov_mr(self.w, s, Gpr::RAX)?;
                for l in locs.iter_mut() {
                    if let Some((loc @ Loc::Gpr(Gpr::RAX), _)) = l {
                        *loc = Loc::Mem(s);
                    }
                }
                Gpr::RAX
            }
        };
        let pd = self.frame.deopt_ptr();
        self.asm.mov_rm(self.w, p, pd)?;
        for (k, v) in locs.iter().enumerate() {
            if let Some((loc, ty)) = *v {
                self.put(Mem::base(p, 8 * k as i32), loc, ty)?;
            }
        }
        Ok(())
    }

    /// `Finish`: values to the deopt buffer, exit index, shared exit.
    pub fn finish(&mut self, i: usize, values: &[Value]) -> Result<(), CompileError> {
        let mut locs = BVec::with_capacity_in(values.len(), self.bump);
        for &v in values {
            locs.push(Some((self.loc(v)?, self.trace.value_type(v))));
        }
        self.save_values(&mut locs)?;
        let exit = self.new_exit(i)?;
        self.asm.mov_ri(Size::D, Gpr::RAX, exit as i64)?;
        Ok(self.asm.jmp(self.exit_label)?)
    }

    #[inline(always)]
    fn new_exit(&mut self, op: usize) -> Result<u32, CompileError> {
        let exit = u32::try_from(self.exits.len()).map_err(|_| CompileError::TooLarge)?;
        self.exits.push(op as u32);
        Ok(exit)
    }

    /// A patchable `jcc rel32` to the stub of the newest exit.
    #[inline(always)]
    fn jcc_site(&mut self, c: Cond, stub: Label) -> Result<(), CompileError> {
        let site = self.asm.jcc_patchable(c, stub)?;
        let exit = self.exits.len() as u32 - 1;
        self.sites.push((exit, site.rel32_offset));
        Ok(())
    }

    /// Jumps to `stub` (of the newest exit) when `f` holds.
    fn jump_if(&mut self, f: Flags, stub: Label) -> Result<(), CompileError> {
        match f {
            Flags::Cc(c) => self.jcc_site(c, stub),
            Flags::FloatNe => {
                self.jcc_site(Cond::NE, stub)?;
                self.jcc_site(Cond::P, stub)
            }
            Flags::FloatEq => {
                let skip = self.asm.new_label();
                self.asm.jcc(Cond::P, skip)?;
                self.jcc_site(Cond::E, stub)?;
                Ok(self.asm.bind(skip)?)
            }
        }
    }

    /// A guard: its check, then a jump to its stub when it fails.
    pub fn guard(&mut self, i: usize, kind: GuardKind) -> Result<(), CompileError> {
        let w = self.w;
        let fused = self.fused.take();
        // The condition under which the guard *fails*.
        let fail = match kind {
            GuardKind::True(v) | GuardKind::False(v) => {
                let holds = match fused {
                    Some((f, flags)) if f == v => flags,
                    _ => {
                        self.test0(v)?;
                        Flags::Cc(Cond::NE)
                    }
                };
                if matches!(kind, GuardKind::True(_)) {
                    holds.invert()
                } else {
                    holds
                }
            }
            GuardKind::NonNull(v) | GuardKind::IsNull(v) => {
                self.test0(v)?;
                let c = if matches!(kind, GuardKind::NonNull(_)) {
                    Cond::E
                } else {
                    Cond::NE
                };
                Flags::Cc(c)
            }
            GuardKind::Value(a, b) => {
                let float = self.trace.value_type(a) == Type::Float;
                if float && self.t.mode() == Mode::X86 {
                    let (ma, mb) = (self.mem(a, 0)?, self.mem(b, 1)?);
                    // Bits compared as two dwords; either differing fails.
                    let x = self.scratch(0)?;
                    let stub = self.stub_for(i)?;
                    self.asm.mov_rm(Size::D, x, ma)?;
                    self.asm.alu_rm(Alu::Cmp, Size::D, x, mb)?;
                    self.jump_if(Flags::Cc(Cond::NE), stub)?;
                    self.asm.mov_rm(Size::D, x, ma.offset(4))?;
                    self.asm.alu_rm(Alu::Cmp, Size::D, x, mb.offset(4))?;
                    return self.jump_if(Flags::Cc(Cond::NE), stub);
                }
                if float {
                    // A float's bits on x86-64 (`w` is then 64 bits).
                    let x = self.scratch(0)?;
                    self.read(x, a)?;
                    match self.loc(b)? {
                        Loc::Xmm(_) => {
                            let y = self.scratch(1)?;
                            self.read(y, b)?;
                            self.asm.alu_rr(Alu::Cmp, w, x, y)?;
                        }
                        Loc::Mem(m) => self.asm.alu_rm(Alu::Cmp, w, x, m)?,
                        _ => return Err(CompileError::Unsupported("float operand location")),
                    }
                } else {
                    self.compare(a, b)?;
                }
                Flags::Cc(Cond::NE)
            }
            GuardKind::Class {
                obj,
                offset,
                expected,
            } => {
                match (self.loc(obj)?, self.loc(expected)?) {
                    (Loc::Gpr(o), Loc::Gpr(e)) => {
                        self.asm.alu_mr(Alu::Cmp, w, Mem::base(o, offset), e)?;
                    }
                    (_, le) => {
                        let x = self.scratch(0)?;
                        self.read(x, obj)?;
                        self.asm.mov_rm(w, x, Mem::base(x, offset))?;
                        match le {
                            Loc::Gpr(g) => self.asm.alu_rr(Alu::Cmp, w, x, g)?,
                            Loc::Mem(m) => self.asm.alu_rm(Alu::Cmp, w, x, m)?,
                            _ => return Err(CompileError::Unsupported("class operand")),
                        }
                    }
                }
                Flags::Cc(Cond::NE)
            }
            GuardKind::NoOverflow => Flags::Cc(Cond::O),
            GuardKind::Overflow => Flags::Cc(Cond::NO),
            GuardKind::NotInvalidated { cell } => {
                let m = if self.t.mode() == Mode::X64 {
                    self.load_imm(Gpr::R11, cell as i64)?;
                    Mem::base(Gpr::R11, 0)
                } else {
                    // Word-sized like every x86-32 address (as `load_imm`).
                    Mem::abs(cell as u32)
                };
                self.asm.alu_mi(Alu::Cmp, w, m, 0)?;
                Flags::Cc(Cond::NE)
            }
        };
        let stub = self.stub_for(i)?;
        self.jump_if(fail, stub)
    }

    /// Allocates the exit and stub of guard op `i`.
    #[inline(always)]
    fn stub_for(&mut self, i: usize) -> Result<Label, CompileError> {
        let label = self.asm.new_label();
        let exit = self.new_exit(i)?;
        self.stubs.push(PendingStub { label, exit });
        Ok(label)
    }

    /// Emits the shared guard exit, then every pending guard stub (after
    /// the trace body and the exit path). Stub offsets are then
    /// `asm.label_offset(stub.label)`.
    pub fn emit_stubs(&mut self) -> Result<(), CompileError> {
        if self.stubs.is_empty() {
            return Ok(());
        }
        // The guard exit first: the stubs' jumps to it go backward (no
        // label fixups; the nearest stubs get a short jump).
        let save = self.asm.new_label();
        self.asm.bind(save)?;
        self.guard_exit()?;
        self.asm.jmp(self.exit_label)?;
        for k in 0..self.stubs.len() {
            let s = self.stubs[k];
            self.asm.bind(s.label)?;
            let exit = i32::try_from(s.exit).map_err(|_| CompileError::TooLarge)?;
            self.asm.push_i(exit)?;
            self.asm.jmp(save)?;
        }
        Ok(())
    }

    /// Deopt words of the guard exit's register save area: GPRs, then
    /// XMMs, one word per hardware number.
    fn save_area(&self) -> (u32, u32) {
        match self.t.mode() {
            Mode::X64 => (16, 16),
            Mode::X86 => (8, 8),
        }
    }

    /// The deopt word the guard exit copies frame slot `n` to: after the
    /// register save area, the slots in address order (highest slot first).
    fn slot_word(&self, n: u32) -> u32 {
        let (g, x) = self.save_area();
        g + x + self.frame.slot_block().1.saturating_sub(n + 1)
    }

    /// Deopt words a guard exit writes: the register save area, then the
    /// frame's slots (see [`Frame::slot_block`]).
    pub fn guard_exit_words(&self) -> usize {
        let (g, x) = self.save_area();
        (g + x + self.frame.slot_block().1) as usize
    }

    /// The registers and the range of slots any guard's fail-args are in
    /// (`lo > hi`: none): all the guard exit needs to save.
    fn exit_sources(&self) -> (PRegSet, u32, u32) {
        if let Some(ra) = self.ra {
            return ra.out.exit_sources();
        }
        let (mut lo, mut hi) = (u32::MAX, 0);
        for s in self.stubs.iter() {
            let op = self.exits[s.exit as usize] as usize;
            if let Op::Guard { fail, .. } = self.trace.ops()[op] {
                for v in self.trace.fail_args(fail).iter().flatten() {
                    lo = lo.min(v.0);
                    hi = hi.max(v.0);
                }
            }
        }
        (PRegSet::EMPTY, lo, hi)
    }

    /// The shared guard exit (the exit index pushed by the stub): the
    /// registers and slots fail-args are in, into the deopt buffer at their
    /// fixed words; the index into `eax`.
    fn guard_exit(&mut self) -> Result<(), CompileError> {
        let (w, x64) = (self.w, self.t.mode() == Mode::X64);
        let (g, _) = self.save_area();
        let (regs, lo, hi) = self.exit_sources();
        // The buffer pointer: `r11` (never allocated) on x86-64; `eax` on
        // x86-32, parked on the stack first if it holds a fail-arg.
        let p = if x64 { Gpr::R11 } else { Gpr::RAX };
        let park = !x64 && regs.contains(PReg::gpr(0));
        if park {
            self.asm.push_r(Gpr::RAX)?;
        }
        self.asm.mov_rm(w, p, self.frame.deopt_ptr())?;
        let word = |n: u32| Mem::base(p, 8 * n as i32);
        for r in regs.of_class(RegClass::Gpr).iter() {
            let gpr = Gpr::from_number(r.num()).ok_or(BAD_REGISTER)?;
            if gpr != p {
                self.asm.mov_mr(w, word(r.num() as u32), gpr)?;
            }
        }
        if park {
            self.asm.pop_r(Gpr::RCX)?;
            self.asm.mov_mr(w, word(0), Gpr::RCX)?;
        }
        for r in regs.of_class(RegClass::Xmm).iter() {
            let xmm = Xmm::from_number(r.num()).ok_or(BAD_REGISTER)?;
            self.asm.movsd_mr(word(g + r.num() as u32), xmm)?;
        }
        // Slots `lo..=hi`, word by word, through the stack (`push [src];
        // pop [dst]`): only caller-saved registers are touched (the exit
        // path restores just the callee-saved ones the trace saved).
        if lo <= hi {
            let step: i64 = if x64 { 8 } else { 4 };
            // Slot `hi` is the lowest address; lower slots follow upward,
            // as their words do.
            self.asm.lea(w, Gpr::RDX, self.frame.slot(hi))?;
            self.asm.lea(w, p, word(self.slot_word(hi)))?;
            let words = (hi - lo + 1) as i64 * (8 / step);
            self.asm.mov_ri(Size::D, Gpr::RCX, words)?;
            let copy = self.asm.new_label();
            self.asm.bind(copy)?;
            self.asm.push_m(Mem::base(Gpr::RDX, 0))?;
            self.asm.pop_m(Mem::base(p, 0))?;
            self.asm.alu_ri(Alu::Add, w, Gpr::RDX, step)?;
            self.asm.alu_ri(Alu::Add, w, p, step)?;
            self.asm.dec_r(Size::D, Gpr::RCX)?;
            self.asm.jcc(Cond::NE, copy)?;
        }
        Ok(self.asm.pop_r(Gpr::RAX)?)
    }

    /// The exit table of guard op `op`: for each fail-arg, the deopt word
    /// the guard exit leaves it in, or `CONST | k` for constant `k` of
    /// `consts` (holes: 0), appended to `codes`.
    pub fn exit_codes(
        &self,
        op: usize,
        codes: &mut BVec<'_, u32>,
        consts: &mut BVec<'_, u64>,
    ) -> Result<(), CompileError> {
        let Op::Guard { fail, .. } = self.trace.ops()[op] else {
            return Err(CompileError::Unsupported("exit table of a non-guard op"));
        };
        let (g, _) = self.save_area();
        let slot_word = |n: u32| self.slot_word(n);
        let exit_locs = self
            .ra
            .map(|ra| ra.out.exit_locations(ra.func.first_inst(op)));
        let mut next = 0;
        for &v in self.trace.fail_args(fail) {
            let Some(v) = v else {
                codes.push(0);
                continue;
            };
            let code = match exit_locs {
                Some(exit_locs) => {
                    let a = *exit_locs
                        .get(next)
                        .ok_or(CompileError::Unsupported("fail-arg without a location"))?;
                    next += 1;
                    match a {
                        Allocation::Reg(r) if r.class() == RegClass::Gpr => r.num() as u32,
                        Allocation::Reg(r) => g + r.num() as u32,
                        Allocation::Stack(s) => slot_word(s.0),
                        Allocation::Const(c) => {
                            let Loc::Const(bits) = self.loc_of(Allocation::Const(c))? else {
                                return Err(CompileError::Unsupported("constant fail-arg"));
                            };
                            consts.push(bits);
                            CONST | (consts.len() as u32 - 1)
                        }
                        Allocation::Flags => {
                            return Err(CompileError::Unsupported("fail-arg in the flags"));
                        }
                    }
                }
                None => slot_word(v.0),
            };
            codes.push(code);
        }
        Ok(())
    }

    /// `Label`: on fall-through the arguments become the parameters (a
    /// parallel copy); then the loop header.
    pub fn label(&mut self, i: usize, args: &[Value]) -> Result<(), CompileError> {
        let first = self.trace.op_values(i).start;
        let n = self.labels_before(i);
        if self.ra.is_none() {
            for (k, &a) in args.iter().enumerate() {
                let ty = self.trace.value_type(a);
                let src = self.frame.slot(a.0);
                self.copy(self.frame.slot(first + k as u32), src, ty)?;
            }
            return Ok(self.asm.bind(self.labels[n])?);
        }
        let copy = self.inst;
        self.emit_edits(copy)?;
        let mut moves = BVec::with_capacity_in(args.len(), self.bump);
        for (k, &a) in args.iter().enumerate() {
            let p = Value(first + k as u32);
            let (Some(from), Some(to)) = (self.alloc(a), self.alloc(p)) else {
                return Err(CompileError::Unsupported("label arg without a location"));
            };
            let class = if self.trace.value_type(a) == Type::Float {
                RegClass::Xmm
            } else {
                RegClass::Gpr
            };
            if from != to {
                moves.push(ParallelMove { from, to, class });
            }
        }
        let mut edits = BVec::new_in(self.bump);
        let extra = self.move_temp();
        parallel_move::resolve(&mut moves, &mut |_| extra, &mut edits)
            .map_err(|e| CompileError::Unsupported(e.reason()))?;
        for &e in edits.iter() {
            self.emit_edit(e)?;
        }
        let header = self.ra.as_ref().is_some_and(|ra| {
            copy + 1 < ra.func.num_insts() && ra.func.inst_info(copy + 1).kind == InstKind::Label
        });
        if header {
            self.select_inst(copy + 1);
            self.emit_edits(copy + 1)?;
            // The loop starts a 32-byte fetch block (code is page aligned):
            // a short loop then spans as few of them as it can.
            self.asm.align(LOOP_ALIGN)?;
        }
        Ok(self.asm.bind(self.labels[n])?)
    }

    fn labels_before(&self, i: usize) -> usize {
        self.trace.ops()[..i]
            .iter()
            .filter(|o| matches!(o, Op::Label { .. }))
            .count()
    }

    /// `Jump`: a parallel copy of the arguments into the label's parameters
    /// (through the frame's temporaries, so any permutation, duplication or
    /// cycle is right), then the back edge.
    pub fn jump(&mut self, label: usize, args: &[Value]) -> Result<(), CompileError> {
        if self.ra.is_some() {
            // The allocator's edits before the jump (emitted by
            // `begin_op`) already moved everything into the label's locations.
            return Ok(self.asm.jmp(self.labels[label])?);
        }
        let op = self.trace.label_op(crate::ir::LabelId(label as u32));
        let first = self.trace.op_values(op).start;
        for (k, &a) in args.iter().enumerate() {
            let ty = self.trace.value_type(a);
            self.copy(self.frame.temp(k), self.frame.slot(a.0), ty)?;
        }
        for (k, &a) in args.iter().enumerate() {
            let ty = self.trace.value_type(a);
            self.copy(self.frame.slot(first + k as u32), self.frame.temp(k), ty)?;
        }
        Ok(self.asm.jmp(self.labels[label])?)
    }
}
