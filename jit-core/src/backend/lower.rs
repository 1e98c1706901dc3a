//! Lowering: one function per IR op family, all sharing the frame-slot
//! model (see the module docs of [`super`]): operands are read from their
//! slots into scratch registers, results are written back to their slot.
//!
//! Scratch registers: `rax`, `rcx`, `rdx` (both modes), `r11` (x86-64 call
//! targets) and `xmm0` (`xmm0..` for call arguments). `rbx` holds the deopt
//! buffer pointer for the whole trace.

use bumpalo::Bump;
use bumpalo::collections::Vec as BVec;

use super::CompileError;
use super::frame::Frame;
use super::target::{ArgLoc, Target};
use crate::ir::{
    Addr, Callee, ConvOp, FloatBinOp, FloatCmpOp, FloatUnOp, GuardKind, IntBinOp, IntUnOp, Op,
    OvfOp, RefCmpOp, RetType, SigId, Trace, Type, Value, WordSize,
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

/// Per-compile lowering state; everything lives in the compile's arena.
pub(crate) struct Lowering<'a, 'b> {
    pub t: Target,
    pub w: Size,
    pub trace: &'a Trace,
    pub asm: Assembler<&'b Bump>,
    pub frame: Frame,
    /// How often each value is read (operands, call args, fail-args, ...).
    pub uses: BVec<'b, u32>,
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
}

impl<'a, 'b> Lowering<'a, 'b> {
    /// Sets up lowering `trace` for `t` in `bump`.
    pub fn new(t: Target, trace: &'a Trace, bump: &'b Bump) -> Result<Self, CompileError> {
        let mut uses = BVec::from_iter_in(core::iter::repeat_n(0u32, trace.num_values()), bump);
        let mut temps = 0usize;
        for (i, op) in trace.ops().iter().enumerate() {
            trace.visit_uses(i, |v, _| uses[v.index()] += 1);
            if let Op::Jump { args, .. } = op {
                temps = temps.max(args.len as usize);
            }
        }
        let frame = Frame::new(temps, trace.num_values())?;
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
            frame,
            uses,
            labels,
            stubs: BVec::new_in(bump),
            exits: BVec::new_in(bump),
            sites: BVec::new_in(bump),
            ranges: BVec::with_capacity_in(trace.ops().len(), bump),
            exit_label,
            fused: None,
        })
    }

    fn is64(&self) -> bool {
        self.t.mode() == Mode::X64
    }

    pub fn slot(&self, v: Value) -> Mem {
        self.frame.slot(v)
    }

    /// `reg = v` (word-sized).
    pub fn load(&mut self, reg: Gpr, v: Value) -> Result<(), CompileError> {
        let m = self.slot(v);
        Ok(self.asm.mov_rm(self.w, reg, m)?)
    }

    /// `slot(v) = reg` (word-sized).
    pub fn store(&mut self, v: Value, reg: Gpr) -> Result<(), CompileError> {
        let m = self.slot(v);
        Ok(self.asm.mov_mr(self.w, m, reg)?)
    }

    /// `reg = imm` for any word constant.
    pub fn load_imm(&mut self, reg: Gpr, imm: i64) -> Result<(), CompileError> {
        let imm = if self.is64() { imm } else { imm as u32 as i64 };
        Ok(self.asm.mov_ri(self.w, reg, imm)?)
    }

    /// Copies 8 bytes (`Float`) or a word from `src` to `dst` (through `rcx`).
    pub fn copy(&mut self, dst: Mem, src: Mem, ty: Type) -> Result<(), CompileError> {
        if self.is64() {
            self.asm.mov_rm(Size::Q, Gpr::RCX, src)?;
            self.asm.mov_mr(Size::Q, dst, Gpr::RCX)?;
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

    /// Writes a condition as 0/1 into `slot(r)`.
    fn set_flag(&mut self, r: Value, f: Flags) -> Result<(), CompileError> {
        let a = &mut self.asm;
        match f {
            Flags::Cc(c) => a.setcc(c, Gpr::RCX)?,
            Flags::FloatEq => {
                a.setcc(Cond::E, Gpr::RCX)?;
                a.setcc(Cond::NP, Gpr::RDX)?;
                a.alu_rr(Alu::And, Size::B, Gpr::RCX, Gpr::RDX)?;
            }
            Flags::FloatNe => {
                a.setcc(Cond::NE, Gpr::RCX)?;
                a.setcc(Cond::P, Gpr::RDX)?;
                a.alu_rr(Alu::Or, Size::B, Gpr::RCX, Gpr::RDX)?;
            }
        }
        a.movzx_rr(Size::D, Gpr::RCX, Size::B, Gpr::RCX)?;
        self.store(r, Gpr::RCX)
    }

    /// A comparison result: kept in the flags when only the next op (a
    /// `guard_true`/`guard_false` on it) reads it, else materialised.
    fn flag_result(&mut self, op: usize, r: Value, f: Flags) -> Result<(), CompileError> {
        let next_guards = matches!(
            self.trace.ops().get(op + 1),
            Some(Op::Guard { kind: GuardKind::True(v) | GuardKind::False(v), .. }) if *v == r
        );
        if next_guards && self.uses[r.index()] == 1 {
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
            Op::Input(_) => Ok(()),
            Op::ConstInt(c) => self.constant(res()?, c as u64, Type::Int),
            Op::ConstRef(c) => self.constant(res()?, c as u64, Type::Ref),
            Op::ConstFloat(bits) => self.constant(res()?, bits, Type::Float),
            Op::IntBin(o, a, b) => self.int_bin(i, res()?, o, a, b),
            Op::IntUn(o, a) => self.int_un(i, res()?, o, a),
            Op::IntOvf(o, a, b) => self.int_ovf(res()?, o, a, b),
            Op::FloatBin(o, a, b) => self.float_bin(res()?, o, a, b),
            Op::FloatUn(o, a) => self.float_un(res()?, o, a),
            Op::FloatCmp(o, a, b) => self.float_cmp(i, res()?, o, a, b),
            Op::Conv(o, a) => self.conv(res()?, o, a),
            Op::RefCmp(o, a, b) => {
                self.load(Gpr::RAX, a)?;
                let m = self.slot(b);
                self.asm.alu_rm(Alu::Cmp, self.w, Gpr::RAX, m)?;
                let c = if o == RefCmpOp::Eq { Cond::E } else { Cond::NE };
                self.flag_result(i, res()?, Flags::Cc(c))
            }
            Op::RefIsNull(a) => {
                let m = self.slot(a);
                self.asm.alu_mi(Alu::Cmp, self.w, m, 0)?;
                self.flag_result(i, res()?, Flags::Cc(Cond::E))
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
                let m = self.slot(cond);
                self.asm.alu_mi(Alu::Cmp, self.w, m, 0)?;
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

    fn constant(&mut self, r: Value, bits: u64, ty: Type) -> Result<(), CompileError> {
        let m = self.slot(r);
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
        Ok(())
    }

    fn int_bin(
        &mut self,
        i: usize,
        r: Value,
        o: IntBinOp,
        a: Value,
        b: Value,
    ) -> Result<(), CompileError> {
        use IntBinOp as B;
        let w = self.w;
        let mb = self.slot(b);
        let alu = |o| match o {
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
            self.load(Gpr::RAX, a)?;
            self.asm.alu_rm(Alu::Cmp, w, Gpr::RAX, mb)?;
            return self.flag_result(i, r, Flags::Cc(c));
        }
        if let Some(op) = alu(o) {
            self.load(Gpr::RAX, a)?;
            self.asm.alu_rm(op, w, Gpr::RAX, mb)?;
            return self.store(r, Gpr::RAX);
        }
        let out = match o {
            B::Mul => {
                self.load(Gpr::RAX, a)?;
                self.asm.imul_rm(w, Gpr::RAX, mb)?;
                Gpr::RAX
            }
            B::Shl | B::Sar | B::Shr => {
                let s = match o {
                    B::Shl => Shift::Shl,
                    B::Sar => Shift::Sar,
                    _ => Shift::Shr,
                };
                self.load(Gpr::RCX, b)?;
                self.load(Gpr::RAX, a)?;
                self.asm.shift_rcl(s, w, Gpr::RAX)?;
                Gpr::RAX
            }
            B::SDiv | B::SRem => {
                self.load(Gpr::RAX, a)?;
                if self.is64() {
                    self.asm.cqo()?;
                } else {
                    self.asm.cdq()?;
                }
                self.asm.idiv_m(w, mb)?;
                if o == B::SDiv { Gpr::RAX } else { Gpr::RDX }
            }
            B::UDiv | B::URem => {
                self.load(Gpr::RAX, a)?;
                self.asm.alu_rr(Alu::Xor, Size::D, Gpr::RDX, Gpr::RDX)?;
                self.asm.div_m(w, mb)?;
                if o == B::UDiv { Gpr::RAX } else { Gpr::RDX }
            }
            B::UMulH => {
                self.load(Gpr::RAX, a)?;
                self.asm.mul_m(w, mb)?;
                Gpr::RDX
            }
            _ => return Err(CompileError::Unsupported("integer op family mismatch")),
        };
        self.store(r, out)
    }

    fn int_un(&mut self, i: usize, r: Value, o: IntUnOp, a: Value) -> Result<(), CompileError> {
        use IntUnOp as U;
        let (w, ma) = (self.w, self.slot(a));
        match o {
            U::Neg | U::Not => {
                self.load(Gpr::RAX, a)?;
                if o == U::Neg {
                    self.asm.neg_r(w, Gpr::RAX)?;
                } else {
                    self.asm.not_r(w, Gpr::RAX)?;
                }
            }
            U::IsZero | U::IsTrue => {
                self.asm.alu_mi(Alu::Cmp, w, ma, 0)?;
                let c = if o == U::IsZero { Cond::E } else { Cond::NE };
                return self.flag_result(i, r, Flags::Cc(c));
            }
            U::Sext8 => self.asm.movsx_rm(w, Gpr::RAX, Size::B, ma)?,
            U::Sext16 => self.asm.movsx_rm(w, Gpr::RAX, Size::W, ma)?,
            U::Zext8 => self.asm.movzx_rm(Size::D, Gpr::RAX, Size::B, ma)?,
            U::Zext16 => self.asm.movzx_rm(Size::D, Gpr::RAX, Size::W, ma)?,
            U::Sext32 if self.is64() => self.asm.movsxd_rm(Gpr::RAX, ma)?,
            U::Zext32 if self.is64() => self.asm.mov_rm(Size::D, Gpr::RAX, ma)?,
            U::Sext32 | U::Zext32 => return self.copy(self.slot(r), ma, Type::Int),
        }
        self.store(r, Gpr::RAX)
    }

    fn int_ovf(&mut self, r: Value, o: OvfOp, a: Value, b: Value) -> Result<(), CompileError> {
        let (w, mb) = (self.w, self.slot(b));
        self.load(Gpr::RAX, a)?;
        match o {
            OvfOp::Add => self.asm.alu_rm(Alu::Add, w, Gpr::RAX, mb)?,
            OvfOp::Sub => self.asm.alu_rm(Alu::Sub, w, Gpr::RAX, mb)?,
            OvfOp::Mul => self.asm.imul_rm(w, Gpr::RAX, mb)?,
        }
        // `mov` leaves the flags alone: the overflow guard that must follow
        // reads OF directly.
        self.store(r, Gpr::RAX)
    }

    fn float_bin(
        &mut self,
        r: Value,
        o: FloatBinOp,
        a: Value,
        b: Value,
    ) -> Result<(), CompileError> {
        let (ma, mb, mr) = (self.slot(a), self.slot(b), self.slot(r));
        let x = Xmm::XMM0;
        self.asm.movsd_rm(x, ma)?;
        match o {
            FloatBinOp::Add => self.asm.addsd_rm(x, mb)?,
            FloatBinOp::Sub => self.asm.subsd_rm(x, mb)?,
            FloatBinOp::Mul => self.asm.mulsd_rm(x, mb)?,
            FloatBinOp::Div => self.asm.divsd_rm(x, mb)?,
            FloatBinOp::Min => self.asm.minsd_rm(x, mb)?,
            FloatBinOp::Max => self.asm.maxsd_rm(x, mb)?,
        }
        Ok(self.asm.movsd_mr(mr, x)?)
    }

    fn float_un(&mut self, r: Value, o: FloatUnOp, a: Value) -> Result<(), CompileError> {
        let (ma, mr) = (self.slot(a), self.slot(r));
        match o {
            FloatUnOp::Sqrt => {
                self.asm.sqrtsd_rm(Xmm::XMM0, ma)?;
                self.asm.movsd_mr(mr, Xmm::XMM0)?;
            }
            FloatUnOp::Neg | FloatUnOp::Abs => {
                // Sign-bit surgery on the high dword: exact for NaNs too.
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
            }
        }
        Ok(())
    }

    fn float_cmp(
        &mut self,
        i: usize,
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
        let (m1, m2) = (self.slot(first), self.slot(second));
        self.asm.movsd_rm(Xmm::XMM0, m1)?;
        self.asm.ucomisd_rm(Xmm::XMM0, m2)?;
        self.flag_result(i, r, f)
    }

    fn conv(&mut self, r: Value, o: ConvOp, a: Value) -> Result<(), CompileError> {
        let (w, ma, mr) = (self.w, self.slot(a), self.slot(r));
        match o {
            ConvOp::IntToFloat => {
                self.asm.cvtsi2sd_rm(Xmm::XMM0, w, ma)?;
                self.asm.movsd_mr(mr, Xmm::XMM0)?;
            }
            ConvOp::FloatToInt => {
                self.asm.cvttsd2si_rm(w, Gpr::RAX, ma)?;
                self.store(r, Gpr::RAX)?;
            }
            ConvOp::FloatBitsToInt | ConvOp::IntBitsToFloat => self.copy(mr, ma, Type::Float)?,
            ConvOp::IntToRef | ConvOp::RefToInt => self.copy(mr, ma, Type::Int)?,
        }
        Ok(())
    }

    /// Computes `addr` into a memory operand using `rax` and `rcx`.
    fn address(&mut self, addr: &Addr) -> Result<Mem, CompileError> {
        self.load(Gpr::RAX, addr.base)?;
        let Some((index, size)) = addr.index else {
            return Ok(Mem::base(Gpr::RAX, addr.offset));
        };
        self.load(Gpr::RCX, index)?;
        let scale = match size {
            1 => Scale::S1,
            2 => Scale::S2,
            4 => Scale::S4,
            8 => Scale::S8,
            _ => {
                if let Ok(s) = i32::try_from(size) {
                    self.asm.imul_rri(self.w, Gpr::RCX, Gpr::RCX, s as i64)?;
                } else {
                    self.load_imm(Gpr::RDX, size as i64)?;
                    self.asm.imul_rr(self.w, Gpr::RCX, Gpr::RDX)?;
                }
                Scale::S1
            }
        };
        Ok(Mem::base_index(Gpr::RAX, Gpr::RCX, scale, addr.offset))
    }

    fn load_mem(
        &mut self,
        r: Value,
        desc: crate::ir::MemDesc,
        addr: &Addr,
    ) -> Result<(), CompileError> {
        let m = self.address(addr)?;
        let w = self.w;
        let d = Gpr::RDX;
        match (desc.ty, desc.size) {
            (Type::Float, _) => {
                self.asm.movsd_rm(Xmm::XMM0, m)?;
                let mr = self.slot(r);
                return Ok(self.asm.movsd_mr(mr, Xmm::XMM0)?);
            }
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
        self.store(r, d)
    }

    fn store_mem(
        &mut self,
        desc: crate::ir::MemDesc,
        addr: &Addr,
        v: Value,
    ) -> Result<(), CompileError> {
        let m = self.address(addr)?;
        if desc.ty == Type::Float {
            let mv = self.slot(v);
            self.asm.movsd_rm(Xmm::XMM0, mv)?;
            return Ok(self.asm.movsd_mr(m, Xmm::XMM0)?);
        }
        self.load(Gpr::RDX, v)?;
        let s = match desc.size {
            1 => Size::B,
            2 => Size::W,
            4 => Size::D,
            _ => Size::Q,
        };
        Ok(self.asm.mov_mr(s, m, Gpr::RDX)?)
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
        if area > 0 {
            self.asm.alu_ri(Alu::Sub, self.w, Gpr::RSP, area as i64)?;
        }
        // Stack arguments first (they go through rcx), then registers.
        let mut err = Ok(());
        t.assign_args(args.iter().map(|&v| trace.value_type(v)), |k, loc| {
            if let (Ok(()), ArgLoc::Stack(off)) = (&err, loc) {
                let v = args[k];
                err = self.copy(
                    Mem::base(Gpr::RSP, off as i32),
                    self.slot(v),
                    trace.value_type(v),
                );
            }
        });
        err?;
        t.assign_args(args.iter().map(|&v| trace.value_type(v)), |k, loc| {
            if err.is_err() {
                return;
            }
            let m = self.slot(args[k]);
            err = match loc {
                ArgLoc::Gpr(g) => self.asm.mov_rm(self.w, g, m).map_err(Into::into),
                ArgLoc::Xmm(x) => self.asm.movsd_rm(x, m).map_err(Into::into),
                ArgLoc::Stack(_) => Ok(()),
            };
        });
        err?;
        let target = if self.is64() { Gpr::R11 } else { Gpr::RAX };
        match callee {
            Callee::Const(addr) => self.load_imm(target, addr as i64)?,
            Callee::Value(v) => self.load(target, v)?,
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
            let m = self.slot(r);
            Ok(self.asm.movsd_mr(m, Xmm::XMM0)?)
        } else {
            self.store(r, Gpr::RAX)
        }
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
