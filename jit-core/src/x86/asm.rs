//! The [`Assembler`]: one method per instruction form, named like PyPy's rx86
//! (`mov_rr`, `mov_rm`, `alu_ri`, ...): `r` register, `m` memory, `i` immediate.
//!
//! Every method validates its operands for the mode first and returns a typed
//! [`EncodeError`] without touching the buffer when the form does not exist.
//!
//! Branch displacements: a jump to an already bound label (backward) uses
//! rel8 when it fits, rel32 otherwise; a jump to a label not bound yet
//! (forward) uses rel32 (no relaxation pass: code offsets stay final as soon
//! as they are emitted, which patch sites and GC maps rely on), except the
//! explicit `*_short` forms, which promise rel8 and fail in `finish` if the
//! label ends up too far.

use allocator_api2::alloc::{Allocator, Global};
use allocator_api2::vec::Vec;

use super::buffer::{Bytes, CodeBuffer, Fixup, Label, PatchSite, RelWidth, Relocation, UNBOUND};
use super::emit::{
    ByteRegs, Imm, Rm, RmOperands, check_reg, encode_plus_r, encode_rm, fit_imm, imm_field,
};
use super::error::EncodeError;
use super::forms::{self, Alu, Form, Shift};
use super::operand::Mem;
use super::regs::{Cond, Gpr, Mode, Size, Xmm};

/// Encodes instructions for one [`Mode`] into a growable buffer in allocator `A`.
#[derive(Debug)]
pub struct Assembler<A: Allocator + Clone = Global> {
    mode: Mode,
    buf: Bytes<A>,
    labels: Vec<u32, A>,
    fixups: Vec<Fixup, A>,
    relocations: Vec<Relocation, A>,
}

impl Assembler<Global> {
    /// An empty assembler for `mode` using the global allocator.
    pub fn new(mode: Mode) -> Self {
        Self::new_in(mode, Global)
    }
}

impl<A: Allocator + Clone> Assembler<A> {
    /// An empty assembler for `mode` whose buffers live in `alloc`
    /// (e.g. `&bumpalo::Bump` for a per-compile arena).
    pub fn new_in(mode: Mode, alloc: A) -> Self {
        Assembler {
            mode,
            buf: Bytes {
                v: Vec::with_capacity_in(256, alloc.clone()),
            },
            labels: Vec::new_in(alloc.clone()),
            fixups: Vec::new_in(alloc.clone()),
            relocations: Vec::new_in(alloc),
        }
    }

    /// The mode this assembler encodes for.
    #[inline]
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Current code offset in bytes (where the next instruction starts).
    #[inline]
    pub fn offset(&self) -> u32 {
        self.buf.v.len() as u32
    }

    /// The bytes emitted so far. Forward label references still hold zero
    /// displacements until [`Assembler::finish`].
    #[inline]
    pub fn bytes(&self) -> &[u8] {
        &self.buf.v
    }

    /// Resolve all label references and return the code.
    pub fn finish(mut self) -> Result<CodeBuffer<A>, EncodeError> {
        for fx in self.fixups.iter() {
            let target = self.labels[fx.label as usize];
            if target == UNBOUND {
                return Err(EncodeError::LabelUnbound);
            }
            let at = fx.at as usize;
            match fx.width {
                RelWidth::Rel8 => {
                    let rel = target as i64 - (at as i64 + 1);
                    let rel = i8::try_from(rel).map_err(|_| EncodeError::DisplacementOverflow)?;
                    self.buf.v[at] = rel as u8;
                }
                RelWidth::Rel32 => {
                    let rel = (target as i64 - (at as i64 + 4)) as i32;
                    self.buf.v[at..at + 4].copy_from_slice(&rel.to_le_bytes());
                }
            }
        }
        Ok(CodeBuffer {
            code: self.buf.v,
            relocations: self.relocations,
        })
    }

    #[inline(always)]
    fn rm(
        &mut self,
        f: Form,
        size: Size,
        reg: u8,
        rm: Rm,
        bytes: ByteRegs,
        imm: Imm,
    ) -> Result<(), EncodeError> {
        encode_rm(
            &mut self.buf,
            self.mode,
            f,
            size,
            RmOperands {
                reg,
                rm,
                bytes,
                imm,
            },
        )
    }

    #[inline(always)]
    fn raw(&mut self, b: &[u8]) {
        let mut i = self.buf.sink();
        for &x in b {
            i.u8(x);
        }
        i.done();
    }

    // ---- moves -------------------------------------------------------------

    /// `mov dst, src` (registers).
    #[inline]
    pub fn mov_rr(&mut self, size: Size, dst: Gpr, src: Gpr) -> Result<(), EncodeError> {
        self.rm(
            forms::MOV_MR,
            size,
            src.number(),
            Rm::Reg(dst.number()),
            ByteRegs::sized(size),
            Imm::None,
        )
    }

    /// `mov dst, [mem]` (load).
    #[inline]
    pub fn mov_rm(&mut self, size: Size, dst: Gpr, mem: Mem) -> Result<(), EncodeError> {
        self.rm(
            forms::MOV_RM,
            size,
            dst.number(),
            Rm::Mem(mem),
            ByteRegs::sized(size),
            Imm::None,
        )
    }

    /// `mov [mem], src` (store).
    #[inline]
    pub fn mov_mr(&mut self, size: Size, mem: Mem, src: Gpr) -> Result<(), EncodeError> {
        self.rm(
            forms::MOV_MR,
            size,
            src.number(),
            Rm::Mem(mem),
            ByteRegs::sized(size),
            Imm::None,
        )
    }

    /// `mov dst, imm`. For `Size::Q` picks the shortest correct form:
    /// `mov r32, imm32` (zero-extends) for `0..=u32::MAX`, `mov r/m64, simm32`
    /// for other `i32` values, `movabs r64, imm64` otherwise. Smaller sizes
    /// accept values that fit the field as signed or unsigned.
    #[inline]
    pub fn mov_ri(&mut self, size: Size, dst: Gpr, imm: i64) -> Result<(), EncodeError> {
        let r = dst.number();
        match size {
            Size::Q => {
                if self.mode == Mode::X86 {
                    return Err(EncodeError::OperandSizeNotInMode);
                }
                if (0..=u32::MAX as i64).contains(&imm) {
                    let mut i = encode_plus_r(&mut self.buf, self.mode, 0xB8, Size::D, r, true)?;
                    i.u32(imm as u32);
                    i.done();
                    Ok(())
                } else if imm as i32 as i64 == imm {
                    self.rm(
                        forms::MOV_MI,
                        Size::Q,
                        0,
                        Rm::Reg(r),
                        ByteRegs::NONE,
                        Imm::I32(imm as i32),
                    )
                } else {
                    let mut i = encode_plus_r(&mut self.buf, self.mode, 0xB8, Size::Q, r, true)?;
                    i.u64(imm as u64);
                    i.done();
                    Ok(())
                }
            }
            _ => {
                let v = fit_imm(size, imm)?;
                let op = if matches!(size, Size::B) { 0xB0 } else { 0xB8 };
                let mut i = encode_plus_r(&mut self.buf, self.mode, op, size, r, true)?;
                match imm_field(size, v) {
                    Imm::I8(x) => i.u8(x as u8),
                    Imm::I16(x) => i.u16(x as u16),
                    Imm::I32(x) => i.u32(x as u32),
                    Imm::None => {}
                }
                i.done();
                Ok(())
            }
        }
    }

    /// `mov [mem], imm` (qword: sign-extended imm32).
    #[inline]
    pub fn mov_mi(&mut self, size: Size, mem: Mem, imm: i64) -> Result<(), EncodeError> {
        let v = fit_imm(size, imm)?;
        self.rm(
            forms::MOV_MI,
            size,
            0,
            Rm::Mem(mem),
            ByteRegs::NONE,
            imm_field(size, v),
        )
    }

    #[inline(always)]
    fn ext_form(zero: bool, src_size: Size) -> Result<Form, EncodeError> {
        Ok(match (zero, src_size) {
            (true, Size::B) => forms::MOVZX8,
            (true, Size::W) => forms::MOVZX16,
            (false, Size::B) => forms::MOVSX8,
            (false, Size::W) => forms::MOVSX16,
            _ => return Err(EncodeError::OperandSizeNotSupported),
        })
    }

    /// `movzx dst, src` with `src_size` byte or word and a wider `dst_size`.
    #[inline]
    pub fn movzx_rr(
        &mut self,
        dst_size: Size,
        dst: Gpr,
        src_size: Size,
        src: Gpr,
    ) -> Result<(), EncodeError> {
        let f = Self::ext_form(true, src_size)?;
        let b = ByteRegs {
            reg: false,
            rm: matches!(src_size, Size::B),
        };
        self.rm(
            f,
            dst_size,
            dst.number(),
            Rm::Reg(src.number()),
            b,
            Imm::None,
        )
    }

    /// `movzx dst, [mem]` (byte or word load, zero-extended).
    #[inline]
    pub fn movzx_rm(
        &mut self,
        dst_size: Size,
        dst: Gpr,
        src_size: Size,
        mem: Mem,
    ) -> Result<(), EncodeError> {
        let f = Self::ext_form(true, src_size)?;
        self.rm(
            f,
            dst_size,
            dst.number(),
            Rm::Mem(mem),
            ByteRegs::NONE,
            Imm::None,
        )
    }

    /// `movsx dst, src` with `src_size` byte or word.
    #[inline]
    pub fn movsx_rr(
        &mut self,
        dst_size: Size,
        dst: Gpr,
        src_size: Size,
        src: Gpr,
    ) -> Result<(), EncodeError> {
        let f = Self::ext_form(false, src_size)?;
        let b = ByteRegs {
            reg: false,
            rm: matches!(src_size, Size::B),
        };
        self.rm(
            f,
            dst_size,
            dst.number(),
            Rm::Reg(src.number()),
            b,
            Imm::None,
        )
    }

    /// `movsx dst, [mem]` (byte or word load, sign-extended).
    #[inline]
    pub fn movsx_rm(
        &mut self,
        dst_size: Size,
        dst: Gpr,
        src_size: Size,
        mem: Mem,
    ) -> Result<(), EncodeError> {
        let f = Self::ext_form(false, src_size)?;
        self.rm(
            f,
            dst_size,
            dst.number(),
            Rm::Mem(mem),
            ByteRegs::NONE,
            Imm::None,
        )
    }

    /// `movsxd r64, r32` (64-bit mode only).
    #[inline]
    pub fn movsxd_rr(&mut self, dst: Gpr, src: Gpr) -> Result<(), EncodeError> {
        self.rm(
            forms::MOVSXD,
            Size::Q,
            dst.number(),
            Rm::Reg(src.number()),
            ByteRegs::NONE,
            Imm::None,
        )
    }

    /// `movsxd r64, dword [mem]` (64-bit mode only).
    #[inline]
    pub fn movsxd_rm(&mut self, dst: Gpr, mem: Mem) -> Result<(), EncodeError> {
        self.rm(
            forms::MOVSXD,
            Size::Q,
            dst.number(),
            Rm::Mem(mem),
            ByteRegs::NONE,
            Imm::None,
        )
    }

    /// `lea dst, [mem]`.
    #[inline]
    pub fn lea(&mut self, size: Size, dst: Gpr, mem: Mem) -> Result<(), EncodeError> {
        self.rm(
            forms::LEA,
            size,
            dst.number(),
            Rm::Mem(mem),
            ByteRegs::NONE,
            Imm::None,
        )
    }

    // ---- arithmetic --------------------------------------------------------

    /// `op dst, src` (registers).
    #[inline]
    pub fn alu_rr(&mut self, op: Alu, size: Size, dst: Gpr, src: Gpr) -> Result<(), EncodeError> {
        let f = forms::ALU_MR[op as usize];
        self.rm(
            f,
            size,
            src.number(),
            Rm::Reg(dst.number()),
            ByteRegs::sized(size),
            Imm::None,
        )
    }

    /// `op dst, [mem]`.
    #[inline]
    pub fn alu_rm(&mut self, op: Alu, size: Size, dst: Gpr, mem: Mem) -> Result<(), EncodeError> {
        let f = forms::ALU_RM[op as usize];
        self.rm(
            f,
            size,
            dst.number(),
            Rm::Mem(mem),
            ByteRegs::sized(size),
            Imm::None,
        )
    }

    /// `op [mem], src`.
    #[inline]
    pub fn alu_mr(&mut self, op: Alu, size: Size, mem: Mem, src: Gpr) -> Result<(), EncodeError> {
        let f = forms::ALU_MR[op as usize];
        self.rm(
            f,
            size,
            src.number(),
            Rm::Mem(mem),
            ByteRegs::sized(size),
            Imm::None,
        )
    }

    #[inline(always)]
    fn alu_imm(&mut self, op: Alu, size: Size, rm: Rm, imm: i64) -> Result<(), EncodeError> {
        let v = fit_imm(size, imm)?;
        let b = ByteRegs {
            reg: false,
            rm: matches!(size, Size::B),
        };
        if !matches!(size, Size::B) && v as i8 as i64 == v {
            self.rm(
                forms::ALU_MI8.ext(op as u8),
                size,
                0,
                rm,
                b,
                Imm::I8(v as i8),
            )
        } else {
            self.rm(
                forms::ALU_MI.ext(op as u8),
                size,
                0,
                rm,
                b,
                imm_field(size, v),
            )
        }
    }

    /// `op dst, imm`; uses the sign-extended imm8 form when the value fits.
    #[inline]
    pub fn alu_ri(&mut self, op: Alu, size: Size, dst: Gpr, imm: i64) -> Result<(), EncodeError> {
        self.alu_imm(op, size, Rm::Reg(dst.number()), imm)
    }

    /// `op [mem], imm`; uses the sign-extended imm8 form when the value fits.
    #[inline]
    pub fn alu_mi(&mut self, op: Alu, size: Size, mem: Mem, imm: i64) -> Result<(), EncodeError> {
        self.alu_imm(op, size, Rm::Mem(mem), imm)
    }

    /// `test a, b` (registers).
    #[inline]
    pub fn test_rr(&mut self, size: Size, a: Gpr, b: Gpr) -> Result<(), EncodeError> {
        self.rm(
            forms::TEST_MR,
            size,
            b.number(),
            Rm::Reg(a.number()),
            ByteRegs::sized(size),
            Imm::None,
        )
    }

    /// `test r, imm`.
    #[inline]
    pub fn test_ri(&mut self, size: Size, r: Gpr, imm: i64) -> Result<(), EncodeError> {
        let v = fit_imm(size, imm)?;
        self.rm(
            forms::TEST_MI,
            size,
            0,
            Rm::Reg(r.number()),
            ByteRegs::sized(size),
            imm_field(size, v),
        )
    }

    /// `test [mem], imm`.
    #[inline]
    pub fn test_mi(&mut self, size: Size, mem: Mem, imm: i64) -> Result<(), EncodeError> {
        let v = fit_imm(size, imm)?;
        self.rm(
            forms::TEST_MI,
            size,
            0,
            Rm::Mem(mem),
            ByteRegs::NONE,
            imm_field(size, v),
        )
    }

    #[inline(always)]
    fn unary_r(&mut self, f: Form, size: Size, r: Gpr) -> Result<(), EncodeError> {
        self.rm(
            f,
            size,
            0,
            Rm::Reg(r.number()),
            ByteRegs::sized(size),
            Imm::None,
        )
    }

    #[inline(always)]
    fn unary_m(&mut self, f: Form, size: Size, mem: Mem) -> Result<(), EncodeError> {
        self.rm(f, size, 0, Rm::Mem(mem), ByteRegs::NONE, Imm::None)
    }

    #[inline(always)]
    fn inc_dec_r(&mut self, f: Form, short: u8, size: Size, r: Gpr) -> Result<(), EncodeError> {
        // 32-bit mode has the one-byte `inc/dec r16/r32` (0x40+r / 0x48+r),
        // which are REX prefixes in 64-bit mode.
        if self.mode == Mode::X86 && matches!(size, Size::W | Size::D) {
            encode_plus_r(&mut self.buf, self.mode, short, size, r.number(), true)?.done();
            return Ok(());
        }
        self.unary_r(f, size, r)
    }

    /// `inc r`.
    #[inline]
    pub fn inc_r(&mut self, size: Size, r: Gpr) -> Result<(), EncodeError> {
        self.inc_dec_r(forms::INC, 0x40, size, r)
    }
    /// `inc [mem]`.
    #[inline]
    pub fn inc_m(&mut self, size: Size, mem: Mem) -> Result<(), EncodeError> {
        self.unary_m(forms::INC, size, mem)
    }
    /// `dec r`.
    #[inline]
    pub fn dec_r(&mut self, size: Size, r: Gpr) -> Result<(), EncodeError> {
        self.inc_dec_r(forms::DEC, 0x48, size, r)
    }
    /// `dec [mem]`.
    #[inline]
    pub fn dec_m(&mut self, size: Size, mem: Mem) -> Result<(), EncodeError> {
        self.unary_m(forms::DEC, size, mem)
    }
    /// `neg r`.
    #[inline]
    pub fn neg_r(&mut self, size: Size, r: Gpr) -> Result<(), EncodeError> {
        self.unary_r(forms::NEG, size, r)
    }
    /// `neg [mem]`.
    #[inline]
    pub fn neg_m(&mut self, size: Size, mem: Mem) -> Result<(), EncodeError> {
        self.unary_m(forms::NEG, size, mem)
    }
    /// `not r`.
    #[inline]
    pub fn not_r(&mut self, size: Size, r: Gpr) -> Result<(), EncodeError> {
        self.unary_r(forms::NOT, size, r)
    }
    /// `not [mem]`.
    #[inline]
    pub fn not_m(&mut self, size: Size, mem: Mem) -> Result<(), EncodeError> {
        self.unary_m(forms::NOT, size, mem)
    }
    /// `mul r` (unsigned `rdx:rax = rax * r`).
    #[inline]
    pub fn mul_r(&mut self, size: Size, r: Gpr) -> Result<(), EncodeError> {
        self.unary_r(forms::MUL, size, r)
    }
    /// `mul [mem]`.
    #[inline]
    pub fn mul_m(&mut self, size: Size, mem: Mem) -> Result<(), EncodeError> {
        self.unary_m(forms::MUL, size, mem)
    }
    /// `div r` (unsigned divide of `rdx:rax`).
    #[inline]
    pub fn div_r(&mut self, size: Size, r: Gpr) -> Result<(), EncodeError> {
        self.unary_r(forms::DIV, size, r)
    }
    /// `div [mem]`.
    #[inline]
    pub fn div_m(&mut self, size: Size, mem: Mem) -> Result<(), EncodeError> {
        self.unary_m(forms::DIV, size, mem)
    }
    /// `idiv r` (signed divide of `rdx:rax`).
    #[inline]
    pub fn idiv_r(&mut self, size: Size, r: Gpr) -> Result<(), EncodeError> {
        self.unary_r(forms::IDIV, size, r)
    }
    /// `idiv [mem]`.
    #[inline]
    pub fn idiv_m(&mut self, size: Size, mem: Mem) -> Result<(), EncodeError> {
        self.unary_m(forms::IDIV, size, mem)
    }

    /// `imul dst, src` (word, dword or qword).
    #[inline]
    pub fn imul_rr(&mut self, size: Size, dst: Gpr, src: Gpr) -> Result<(), EncodeError> {
        self.rm(
            forms::IMUL_RM,
            size,
            dst.number(),
            Rm::Reg(src.number()),
            ByteRegs::NONE,
            Imm::None,
        )
    }

    /// `imul dst, [mem]`.
    #[inline]
    pub fn imul_rm(&mut self, size: Size, dst: Gpr, mem: Mem) -> Result<(), EncodeError> {
        self.rm(
            forms::IMUL_RM,
            size,
            dst.number(),
            Rm::Mem(mem),
            ByteRegs::NONE,
            Imm::None,
        )
    }

    /// `imul dst, src, imm` (imm8 form when the value fits).
    #[inline]
    pub fn imul_rri(
        &mut self,
        size: Size,
        dst: Gpr,
        src: Gpr,
        imm: i64,
    ) -> Result<(), EncodeError> {
        if matches!(size, Size::B) {
            return Err(EncodeError::OperandSizeNotSupported);
        }
        let v = fit_imm(size, imm)?;
        let (f, i) = if v as i8 as i64 == v {
            (forms::IMUL_RMI8, Imm::I8(v as i8))
        } else {
            (forms::IMUL_RMI, imm_field(size, v))
        };
        self.rm(
            f,
            size,
            dst.number(),
            Rm::Reg(src.number()),
            ByteRegs::NONE,
            i,
        )
    }

    /// `cdq`: sign-extend `eax` into `edx`.
    #[inline]
    pub fn cdq(&mut self) -> Result<(), EncodeError> {
        self.raw(&[0x99]);
        Ok(())
    }

    /// `cqo`: sign-extend `rax` into `rdx` (64-bit mode only).
    #[inline]
    pub fn cqo(&mut self) -> Result<(), EncodeError> {
        if self.mode == Mode::X86 {
            return Err(EncodeError::FormNotInMode);
        }
        self.raw(&[0x48, 0x99]);
        Ok(())
    }

    /// `op r, imm8` (shift or rotate by a constant; count 1 uses the short form).
    #[inline]
    pub fn shift_ri(&mut self, op: Shift, size: Size, r: Gpr, imm: u8) -> Result<(), EncodeError> {
        self.shift(op, size, Rm::Reg(r.number()), Some(imm))
    }

    /// `op r, cl`.
    #[inline]
    pub fn shift_rcl(&mut self, op: Shift, size: Size, r: Gpr) -> Result<(), EncodeError> {
        self.shift(op, size, Rm::Reg(r.number()), None)
    }

    /// `op [mem], imm8`.
    #[inline]
    pub fn shift_mi(
        &mut self,
        op: Shift,
        size: Size,
        mem: Mem,
        imm: u8,
    ) -> Result<(), EncodeError> {
        self.shift(op, size, Rm::Mem(mem), Some(imm))
    }

    /// `op [mem], cl`.
    #[inline]
    pub fn shift_mcl(&mut self, op: Shift, size: Size, mem: Mem) -> Result<(), EncodeError> {
        self.shift(op, size, Rm::Mem(mem), None)
    }

    #[inline(always)]
    fn shift(
        &mut self,
        op: Shift,
        size: Size,
        rm: Rm,
        count: Option<u8>,
    ) -> Result<(), EncodeError> {
        let b = ByteRegs {
            reg: false,
            rm: matches!(size, Size::B),
        };
        let (f, imm) = match count {
            None => (forms::SHIFT_CL, Imm::None),
            Some(1) => (forms::SHIFT_1, Imm::None),
            Some(n) => (forms::SHIFT_I, Imm::I8(n as i8)),
        };
        self.rm(f.ext(op as u8), size, 0, rm, b, imm)
    }

    /// `setcc r8` (`r` as a byte register).
    #[inline]
    pub fn setcc(&mut self, cond: Cond, r: Gpr) -> Result<(), EncodeError> {
        self.rm(
            forms::SETCC.plus(cond.code()),
            Size::B,
            0,
            Rm::Reg(r.number()),
            ByteRegs::RM,
            Imm::None,
        )
    }

    /// `cmovcc dst, src` (word, dword or qword).
    #[inline]
    pub fn cmovcc_rr(
        &mut self,
        cond: Cond,
        size: Size,
        dst: Gpr,
        src: Gpr,
    ) -> Result<(), EncodeError> {
        let f = forms::CMOVCC.plus(cond.code());
        self.rm(
            f,
            size,
            dst.number(),
            Rm::Reg(src.number()),
            ByteRegs::NONE,
            Imm::None,
        )
    }

    /// `cmovcc dst, [mem]`.
    #[inline]
    pub fn cmovcc_rm(
        &mut self,
        cond: Cond,
        size: Size,
        dst: Gpr,
        mem: Mem,
    ) -> Result<(), EncodeError> {
        let f = forms::CMOVCC.plus(cond.code());
        self.rm(
            f,
            size,
            dst.number(),
            Rm::Mem(mem),
            ByteRegs::NONE,
            Imm::None,
        )
    }

    /// `xchg a, b` (registers).
    #[inline]
    pub fn xchg_rr(&mut self, size: Size, a: Gpr, b: Gpr) -> Result<(), EncodeError> {
        self.rm(
            forms::XCHG,
            size,
            b.number(),
            Rm::Reg(a.number()),
            ByteRegs::sized(size),
            Imm::None,
        )
    }

    /// `xchg r, [mem]` (implicitly locked by the processor).
    #[inline]
    pub fn xchg_rm(&mut self, size: Size, r: Gpr, mem: Mem) -> Result<(), EncodeError> {
        self.rm(
            forms::XCHG,
            size,
            r.number(),
            Rm::Mem(mem),
            ByteRegs::sized(size),
            Imm::None,
        )
    }

    /// `bt r, bit` (bit index in a register).
    #[inline]
    pub fn bt_rr(&mut self, size: Size, r: Gpr, bit: Gpr) -> Result<(), EncodeError> {
        self.rm(
            forms::BT,
            size,
            bit.number(),
            Rm::Reg(r.number()),
            ByteRegs::NONE,
            Imm::None,
        )
    }

    /// `bt r, imm8`.
    #[inline]
    pub fn bt_ri(&mut self, size: Size, r: Gpr, bit: u8) -> Result<(), EncodeError> {
        self.rm(
            forms::BT_I,
            size,
            0,
            Rm::Reg(r.number()),
            ByteRegs::NONE,
            Imm::I8(bit as i8),
        )
    }

    /// `bts r, bit`.
    #[inline]
    pub fn bts_rr(&mut self, size: Size, r: Gpr, bit: Gpr) -> Result<(), EncodeError> {
        self.rm(
            forms::BTS,
            size,
            bit.number(),
            Rm::Reg(r.number()),
            ByteRegs::NONE,
            Imm::None,
        )
    }

    /// `bts r, imm8`.
    #[inline]
    pub fn bts_ri(&mut self, size: Size, r: Gpr, bit: u8) -> Result<(), EncodeError> {
        self.rm(
            forms::BTS_I,
            size,
            0,
            Rm::Reg(r.number()),
            ByteRegs::NONE,
            Imm::I8(bit as i8),
        )
    }

    /// `lock cmpxchg [mem], src` (compares with `rax`/`eax`/...).
    #[inline]
    pub fn lock_cmpxchg_mr(&mut self, size: Size, mem: Mem, src: Gpr) -> Result<(), EncodeError> {
        self.rm(
            forms::LOCK_CMPXCHG,
            size,
            src.number(),
            Rm::Mem(mem),
            ByteRegs::sized(size),
            Imm::None,
        )
    }

    /// `lock xadd [mem], src`.
    #[inline]
    pub fn lock_xadd_mr(&mut self, size: Size, mem: Mem, src: Gpr) -> Result<(), EncodeError> {
        self.rm(
            forms::LOCK_XADD,
            size,
            src.number(),
            Rm::Mem(mem),
            ByteRegs::sized(size),
            Imm::None,
        )
    }

    // ---- stack -------------------------------------------------------------

    /// `push r` (word-sized: 32 or 64 bits by mode).
    #[inline]
    pub fn push_r(&mut self, r: Gpr) -> Result<(), EncodeError> {
        encode_plus_r(&mut self.buf, self.mode, 0x50, Size::D, r.number(), false)?.done();
        Ok(())
    }

    /// `pop r` (word-sized).
    #[inline]
    pub fn pop_r(&mut self, r: Gpr) -> Result<(), EncodeError> {
        encode_plus_r(&mut self.buf, self.mode, 0x58, Size::D, r.number(), false)?.done();
        Ok(())
    }

    /// `push imm` (sign-extended to the word size; imm8 form when it fits).
    #[inline]
    pub fn push_i(&mut self, imm: i32) -> Result<(), EncodeError> {
        let mut i = self.buf.sink();
        if imm as i8 as i32 == imm {
            i.u8(0x6A);
            i.u8(imm as u8);
        } else {
            i.u8(0x68);
            i.u32(imm as u32);
        }
        i.done();
        Ok(())
    }

    // ---- control flow --------------------------------------------------------

    /// A fresh, unbound label.
    #[inline]
    pub fn new_label(&mut self) -> Label {
        self.labels.push(UNBOUND);
        Label(self.labels.len() as u32 - 1)
    }

    /// Bind `label` to the current offset.
    #[inline]
    pub fn bind(&mut self, label: Label) -> Result<(), EncodeError> {
        let off = self.offset();
        let slot = self
            .labels
            .get_mut(label.0 as usize)
            .ok_or(EncodeError::UnknownLabel)?;
        if *slot != UNBOUND {
            return Err(EncodeError::LabelBoundTwice);
        }
        *slot = off;
        Ok(())
    }

    /// The offset `label` is bound to, if bound.
    #[inline]
    pub fn label_offset(&self, label: Label) -> Option<u32> {
        self.labels
            .get(label.0 as usize)
            .copied()
            .filter(|&o| o != UNBOUND)
    }

    #[inline(always)]
    fn label_target(&self, label: Label) -> Result<u32, EncodeError> {
        self.labels
            .get(label.0 as usize)
            .copied()
            .ok_or(EncodeError::UnknownLabel)
    }

    /// Emit `short` (rel8 form) if the bound target fits, else `near` (rel32).
    #[inline(always)]
    fn branch(
        &mut self,
        label: Label,
        short: u8,
        near: &[u8],
        force_long: bool,
    ) -> Result<u32, EncodeError> {
        let target = self.label_target(label)?;
        let start = self.offset();
        let mut i = self.buf.sink();
        if target != UNBOUND && !force_long {
            let rel = target as i64 - (start as i64 + 2);
            if rel as i8 as i64 == rel {
                i.u8(short);
                i.u8(rel as u8);
                i.done();
                return Ok(start + 1);
            }
        }
        for &b in near {
            i.u8(b);
        }
        let at = start + near.len() as u32;
        let rel = if target == UNBOUND {
            self.fixups.push(Fixup {
                at,
                label: label.0,
                width: RelWidth::Rel32,
            });
            0
        } else {
            target as i64 - (at as i64 + 4)
        };
        i.u32(rel as u32);
        i.done();
        Ok(at)
    }

    /// `jmp label` (rel8 for a close bound label, rel32 otherwise).
    #[inline]
    pub fn jmp(&mut self, label: Label) -> Result<(), EncodeError> {
        self.branch(label, 0xEB, &[0xE9], false).map(|_| ())
    }

    /// `jcc label` (rel8 for a close bound label, rel32 otherwise).
    #[inline]
    pub fn jcc(&mut self, cond: Cond, label: Label) -> Result<(), EncodeError> {
        self.branch(
            label,
            0x70 + cond.code(),
            &[0x0F, 0x80 + cond.code()],
            false,
        )
        .map(|_| ())
    }

    /// `jmp label` always rel32, returning the site for [`super::patch_rel32`].
    #[inline]
    pub fn jmp_patchable(&mut self, label: Label) -> Result<PatchSite, EncodeError> {
        let at = self.branch(label, 0xEB, &[0xE9], true)?;
        Ok(PatchSite { rel32_offset: at })
    }

    /// `jcc label` always rel32, returning the site for [`super::patch_rel32`].
    #[inline]
    pub fn jcc_patchable(&mut self, cond: Cond, label: Label) -> Result<PatchSite, EncodeError> {
        let at = self.branch(label, 0x70 + cond.code(), &[0x0F, 0x80 + cond.code()], true)?;
        Ok(PatchSite { rel32_offset: at })
    }

    #[inline(always)]
    fn branch_short(&mut self, label: Label, op: u8) -> Result<(), EncodeError> {
        let target = self.label_target(label)?;
        let start = self.offset();
        let rel = if target == UNBOUND {
            self.fixups.push(Fixup {
                at: start + 1,
                label: label.0,
                width: RelWidth::Rel8,
            });
            0
        } else {
            let rel = target as i64 - (start as i64 + 2);
            i8::try_from(rel).map_err(|_| EncodeError::DisplacementOverflow)? as i64
        };
        self.raw(&[op, rel as u8]);
        Ok(())
    }

    /// `jmp label` with a rel8 displacement, for short forward jumps the
    /// caller knows to be close; `finish` fails if the label is too far.
    #[inline]
    pub fn jmp_short(&mut self, label: Label) -> Result<(), EncodeError> {
        self.branch_short(label, 0xEB)
    }

    /// `jcc label` with a rel8 displacement (see [`Assembler::jmp_short`]).
    #[inline]
    pub fn jcc_short(&mut self, cond: Cond, label: Label) -> Result<(), EncodeError> {
        self.branch_short(label, 0x70 + cond.code())
    }

    /// `call label` (rel32).
    #[inline]
    pub fn call_label(&mut self, label: Label) -> Result<(), EncodeError> {
        self.branch(label, 0, &[0xE8], true).map(|_| ())
    }

    /// `call rel32` to `target_offset`, an offset in this buffer's coordinates
    /// (it may be negative or beyond the end for code placed at a known distance).
    #[inline]
    pub fn call_rel(&mut self, target_offset: i64) -> Result<(), EncodeError> {
        self.rel32_to(0xE8, target_offset)
    }

    /// `jmp rel32` to `target_offset` (see [`Assembler::call_rel`]).
    #[inline]
    pub fn jmp_rel(&mut self, target_offset: i64) -> Result<(), EncodeError> {
        self.rel32_to(0xE9, target_offset)
    }

    #[inline(always)]
    fn rel32_to(&mut self, op: u8, target: i64) -> Result<(), EncodeError> {
        let rel = target - (self.offset() as i64 + 5);
        let rel = self.fit_rel32(rel)?;
        let mut i = self.buf.sink();
        i.u8(op);
        i.u32(rel as u32);
        i.done();
        Ok(())
    }

    /// rel32 displacements wrap around in 32-bit mode (the address space is 4 GiB).
    #[inline(always)]
    fn fit_rel32(&self, rel: i64) -> Result<i32, EncodeError> {
        match self.mode {
            Mode::X86 => Ok(rel as i32),
            Mode::X64 => i32::try_from(rel).map_err(|_| EncodeError::DisplacementOverflow),
        }
    }

    /// `call target` where this code will run at `code_base`: `call rel32`
    /// when in range, else (64-bit) `mov r11, imm64; call r11` (clobbers r11,
    /// which no ABI preserves across calls).
    #[inline]
    pub fn call_abs(&mut self, target: u64, code_base: u64) -> Result<(), EncodeError> {
        self.abs_branch(0xE8, 0xD3, target, code_base)
    }

    /// `jmp target` where this code will run at `code_base` (falls back to
    /// `mov r11, imm64; jmp r11` in 64-bit mode).
    #[inline]
    pub fn jmp_abs(&mut self, target: u64, code_base: u64) -> Result<(), EncodeError> {
        self.abs_branch(0xE9, 0xE3, target, code_base)
    }

    fn abs_branch(
        &mut self,
        op: u8,
        modrm_r11: u8,
        target: u64,
        code_base: u64,
    ) -> Result<(), EncodeError> {
        if self.mode == Mode::X86 && (target > u32::MAX as u64 || code_base > u32::MAX as u64) {
            return Err(EncodeError::DisplacementOverflow);
        }
        let here = code_base.wrapping_add(self.offset() as u64);
        let rel = target.wrapping_sub(here.wrapping_add(5)) as i64;
        if self.mode == Mode::X86 || rel as i32 as i64 == rel {
            let mut i = self.buf.sink();
            i.u8(op);
            i.u32(rel as u32);
            i.done();
            return Ok(());
        }
        let mut i = self.buf.sink();
        i.u8(0x49);
        i.u8(0xBB);
        i.u64(target);
        i.done();
        self.raw(&[0x41, 0xFF, modrm_r11]);
        Ok(())
    }

    /// `call rel32` to an absolute `target` resolved later with
    /// [`super::CodeBuffer::relocate`] (the target must then be within ±2 GiB
    /// in 64-bit mode; use [`Assembler::call_abs`] if it might not be).
    #[inline]
    pub fn call_reloc(&mut self, target: u64) -> Result<(), EncodeError> {
        let at = self.offset() + 1;
        self.raw(&[0xE8, 0, 0, 0, 0]);
        self.relocations.push(Relocation {
            rel32_offset: at,
            target,
        });
        Ok(())
    }

    /// `jmp r` (word-sized register).
    #[inline]
    pub fn jmp_r(&mut self, r: Gpr) -> Result<(), EncodeError> {
        self.rm(
            forms::JMP_M,
            Size::D,
            0,
            Rm::Reg(r.number()),
            ByteRegs::NONE,
            Imm::None,
        )
    }

    /// `jmp [mem]` (word-sized pointer).
    #[inline]
    pub fn jmp_m(&mut self, mem: Mem) -> Result<(), EncodeError> {
        self.rm(
            forms::JMP_M,
            Size::D,
            0,
            Rm::Mem(mem),
            ByteRegs::NONE,
            Imm::None,
        )
    }

    /// `call r`.
    #[inline]
    pub fn call_r(&mut self, r: Gpr) -> Result<(), EncodeError> {
        self.rm(
            forms::CALL_M,
            Size::D,
            0,
            Rm::Reg(r.number()),
            ByteRegs::NONE,
            Imm::None,
        )
    }

    /// `call [mem]`.
    #[inline]
    pub fn call_m(&mut self, mem: Mem) -> Result<(), EncodeError> {
        self.rm(
            forms::CALL_M,
            Size::D,
            0,
            Rm::Mem(mem),
            ByteRegs::NONE,
            Imm::None,
        )
    }

    /// `ret`.
    #[inline]
    pub fn ret(&mut self) -> Result<(), EncodeError> {
        self.raw(&[0xC3]);
        Ok(())
    }

    /// `int3` (breakpoint).
    #[inline]
    pub fn int3(&mut self) -> Result<(), EncodeError> {
        self.raw(&[0xCC]);
        Ok(())
    }

    /// `ud2` (guaranteed invalid opcode).
    #[inline]
    pub fn ud2(&mut self) -> Result<(), EncodeError> {
        self.raw(&[0x0F, 0x0B]);
        Ok(())
    }

    /// One recommended NOP instruction of exactly `n` bytes, `n` in 1..=15.
    #[inline]
    pub fn nop(&mut self, n: usize) -> Result<(), EncodeError> {
        if !(1..=15).contains(&n) {
            return Err(EncodeError::BadLength);
        }
        self.raw(forms::NOPS[n - 1]);
        Ok(())
    }

    /// Pad with NOPs (as few instructions as possible) until the offset is a
    /// multiple of `n`, a power of two.
    pub fn align(&mut self, n: u32) -> Result<(), EncodeError> {
        if !n.is_power_of_two() {
            return Err(EncodeError::BadLength);
        }
        let mut pad = (n - self.offset() % n) % n;
        while pad > 0 {
            let k = pad.min(15);
            self.buf.extend(forms::NOPS[k as usize - 1]);
            pad -= k;
        }
        Ok(())
    }

    // ---- SSE2 scalar -------------------------------------------------------

    #[inline(always)]
    fn sse_xx(&mut self, f: Form, dst: u8, src: u8) -> Result<(), EncodeError> {
        self.rm(f, Size::D, dst, Rm::Reg(src), ByteRegs::NONE, Imm::None)
    }

    #[inline(always)]
    fn sse_xm(&mut self, f: Form, r: u8, mem: Mem) -> Result<(), EncodeError> {
        self.rm(f, Size::D, r, Rm::Mem(mem), ByteRegs::NONE, Imm::None)
    }

    /// `movsd dst, src` (low double; upper half of `dst` kept).
    #[inline]
    pub fn movsd_rr(&mut self, dst: Xmm, src: Xmm) -> Result<(), EncodeError> {
        self.sse_xx(forms::MOVSD_LOAD, dst.number(), src.number())
    }
    /// `movsd dst, qword [mem]` (upper half zeroed).
    #[inline]
    pub fn movsd_rm(&mut self, dst: Xmm, mem: Mem) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVSD_LOAD, dst.number(), mem)
    }
    /// `movsd qword [mem], src`.
    #[inline]
    pub fn movsd_mr(&mut self, mem: Mem, src: Xmm) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVSD_STORE, src.number(), mem)
    }
    /// `movss dst, src`.
    #[inline]
    pub fn movss_rr(&mut self, dst: Xmm, src: Xmm) -> Result<(), EncodeError> {
        self.sse_xx(forms::MOVSS_LOAD, dst.number(), src.number())
    }
    /// `movss dst, dword [mem]`.
    #[inline]
    pub fn movss_rm(&mut self, dst: Xmm, mem: Mem) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVSS_LOAD, dst.number(), mem)
    }
    /// `movss dword [mem], src`.
    #[inline]
    pub fn movss_mr(&mut self, mem: Mem, src: Xmm) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVSS_STORE, src.number(), mem)
    }
    /// `movaps dst, src` (whole register copy; shortest encoding).
    #[inline]
    pub fn movaps_rr(&mut self, dst: Xmm, src: Xmm) -> Result<(), EncodeError> {
        self.sse_xx(forms::MOVAPS_LOAD, dst.number(), src.number())
    }
    /// `movaps dst, [mem]` (16-byte aligned).
    #[inline]
    pub fn movaps_rm(&mut self, dst: Xmm, mem: Mem) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVAPS_LOAD, dst.number(), mem)
    }
    /// `movaps [mem], src` (16-byte aligned).
    #[inline]
    pub fn movaps_mr(&mut self, mem: Mem, src: Xmm) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVAPS_STORE, src.number(), mem)
    }
    /// `movapd dst, src`.
    #[inline]
    pub fn movapd_rr(&mut self, dst: Xmm, src: Xmm) -> Result<(), EncodeError> {
        self.sse_xx(forms::MOVAPD_LOAD, dst.number(), src.number())
    }
    /// `movapd dst, [mem]` (16-byte aligned).
    #[inline]
    pub fn movapd_rm(&mut self, dst: Xmm, mem: Mem) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVAPD_LOAD, dst.number(), mem)
    }
    /// `movapd [mem], src` (16-byte aligned).
    #[inline]
    pub fn movapd_mr(&mut self, mem: Mem, src: Xmm) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVAPD_STORE, src.number(), mem)
    }
    /// `movq xmm, r64` (64-bit mode only): raw bits of a GPR into an XMM register.
    #[inline]
    pub fn movq_xr(&mut self, dst: Xmm, src: Gpr) -> Result<(), EncodeError> {
        self.rm(
            forms::MOVQ_XR,
            Size::D,
            dst.number(),
            Rm::Reg(src.number()),
            ByteRegs::NONE,
            Imm::None,
        )
    }
    /// `movq r64, xmm` (64-bit mode only).
    #[inline]
    pub fn movq_rx(&mut self, dst: Gpr, src: Xmm) -> Result<(), EncodeError> {
        self.rm(
            forms::MOVQ_RX,
            Size::D,
            src.number(),
            Rm::Reg(dst.number()),
            ByteRegs::NONE,
            Imm::None,
        )
    }
    /// `movq xmm, qword [mem]` (both modes; upper half zeroed).
    #[inline]
    pub fn movq_xm(&mut self, dst: Xmm, mem: Mem) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVQ_XM, dst.number(), mem)
    }
    /// `movq qword [mem], xmm` (both modes).
    #[inline]
    pub fn movq_mx(&mut self, mem: Mem, src: Xmm) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVQ_MX, src.number(), mem)
    }
    /// `movd xmm, r32`.
    #[inline]
    pub fn movd_xr(&mut self, dst: Xmm, src: Gpr) -> Result<(), EncodeError> {
        self.rm(
            forms::MOVD_XR,
            Size::D,
            dst.number(),
            Rm::Reg(src.number()),
            ByteRegs::NONE,
            Imm::None,
        )
    }
    /// `movd r32, xmm`.
    #[inline]
    pub fn movd_rx(&mut self, dst: Gpr, src: Xmm) -> Result<(), EncodeError> {
        self.rm(
            forms::MOVD_RX,
            Size::D,
            src.number(),
            Rm::Reg(dst.number()),
            ByteRegs::NONE,
            Imm::None,
        )
    }
    /// `movd xmm, dword [mem]`.
    #[inline]
    pub fn movd_xm(&mut self, dst: Xmm, mem: Mem) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVD_XR, dst.number(), mem)
    }
    /// `movd dword [mem], xmm`.
    #[inline]
    pub fn movd_mx(&mut self, mem: Mem, src: Xmm) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVD_RX, src.number(), mem)
    }

    /// `cvtsi2sd dst, src` from a dword or qword GPR.
    #[inline]
    pub fn cvtsi2sd_rr(&mut self, dst: Xmm, size: Size, src: Gpr) -> Result<(), EncodeError> {
        self.rm(
            forms::CVTSI2SD,
            size,
            dst.number(),
            Rm::Reg(src.number()),
            ByteRegs::NONE,
            Imm::None,
        )
    }
    /// `cvtsi2sd dst, dword|qword [mem]`.
    #[inline]
    pub fn cvtsi2sd_rm(&mut self, dst: Xmm, size: Size, mem: Mem) -> Result<(), EncodeError> {
        self.rm(
            forms::CVTSI2SD,
            size,
            dst.number(),
            Rm::Mem(mem),
            ByteRegs::NONE,
            Imm::None,
        )
    }
    /// `cvttsd2si dst, src` (truncating) into a dword or qword GPR.
    #[inline]
    pub fn cvttsd2si_rr(&mut self, size: Size, dst: Gpr, src: Xmm) -> Result<(), EncodeError> {
        self.rm(
            forms::CVTTSD2SI,
            size,
            dst.number(),
            Rm::Reg(src.number()),
            ByteRegs::NONE,
            Imm::None,
        )
    }
    /// `cvttsd2si dst, qword [mem]`.
    #[inline]
    pub fn cvttsd2si_rm(&mut self, size: Size, dst: Gpr, mem: Mem) -> Result<(), EncodeError> {
        self.rm(
            forms::CVTTSD2SI,
            size,
            dst.number(),
            Rm::Mem(mem),
            ByteRegs::NONE,
            Imm::None,
        )
    }
}

/// SSE two-operand forms `op xmm, xmm` / `op xmm, [mem]`, generated from the table.
macro_rules! sse_binary {
    ($($rr:ident, $rm:ident, $form:ident, $doc:literal;)*) => {
        impl<A: Allocator + Clone> Assembler<A> {$(
            #[doc = concat!("`", $doc, " dst, src`.")]
            #[inline]
            pub fn $rr(&mut self, dst: Xmm, src: Xmm) -> Result<(), EncodeError> {
                self.sse_xx(forms::$form, dst.number(), src.number())
            }
            #[doc = concat!("`", $doc, " dst, [mem]`.")]
            #[inline]
            pub fn $rm(&mut self, dst: Xmm, mem: Mem) -> Result<(), EncodeError> {
                self.sse_xm(forms::$form, dst.number(), mem)
            }
        )*}
    };
}

sse_binary! {
    addsd_rr, addsd_rm, ADDSD, "addsd";
    subsd_rr, subsd_rm, SUBSD, "subsd";
    mulsd_rr, mulsd_rm, MULSD, "mulsd";
    divsd_rr, divsd_rm, DIVSD, "divsd";
    sqrtsd_rr, sqrtsd_rm, SQRTSD, "sqrtsd";
    minsd_rr, minsd_rm, MINSD, "minsd";
    maxsd_rr, maxsd_rm, MAXSD, "maxsd";
    ucomisd_rr, ucomisd_rm, UCOMISD, "ucomisd";
    comisd_rr, comisd_rm, COMISD, "comisd";
    cvtsd2ss_rr, cvtsd2ss_rm, CVTSD2SS, "cvtsd2ss";
    cvtss2sd_rr, cvtss2sd_rm, CVTSS2SD, "cvtss2sd";
    xorpd_rr, xorpd_rm, XORPD, "xorpd";
    andpd_rr, andpd_rm, ANDPD, "andpd";
    andnpd_rr, andnpd_rm, ANDNPD, "andnpd";
    orpd_rr, orpd_rm, ORPD, "orpd";
    pxor_rr, pxor_rm, PXOR, "pxor";
}

/// Convenience for checking a register outside an instruction (used by callers
/// that pick registers per mode).
#[inline]
pub fn gpr_valid_in(mode: Mode, r: Gpr, size: Size) -> bool {
    check_reg(mode, r.number(), matches!(size, Size::B)).is_ok()
        && !(mode == Mode::X86 && matches!(size, Size::Q))
}
