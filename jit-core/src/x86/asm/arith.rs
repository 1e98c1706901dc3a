//! Integer arithmetic, logic, shifts, flags consumers (`setcc`, `cmovcc`), atomics.

use allocator_api2::alloc::Allocator;

use super::Assembler;
use crate::x86::emit::{ByteRegs, Imm, Rm, encode_plus_r, fit_imm, imm_field};
use crate::x86::error::EncodeError;
use crate::x86::forms::{self, Alu, Form, Shift};
use crate::x86::operand::Mem;
use crate::x86::regs::{Cond, Gpr, Mode, Size};

impl<A: Allocator + Clone> Assembler<A> {
    // ---- arithmetic --------------------------------------------------------

    /// `op dst, src` (registers).
    #[inline]
    pub fn alu_rr(&mut self, op: Alu, size: Size, dst: Gpr, src: Gpr) -> Result<(), EncodeError> {
        let (reg, rm) = (src.number(), Rm::Reg(dst.number()));
        self.word_rm(
            forms::ALU_MR[op as usize],
            ((op as u8) << 3) | 1,
            size,
            reg,
            rm,
        )
    }

    /// `op dst, [mem]`.
    #[inline]
    pub fn alu_rm(&mut self, op: Alu, size: Size, dst: Gpr, mem: Mem) -> Result<(), EncodeError> {
        self.word_rm(
            forms::ALU_RM[op as usize],
            ((op as u8) << 3) | 3,
            size,
            dst.number(),
            Rm::Mem(mem),
        )
    }

    /// `op [mem], src`.
    #[inline]
    pub fn alu_mr(&mut self, op: Alu, size: Size, mem: Mem, src: Gpr) -> Result<(), EncodeError> {
        self.word_rm(
            forms::ALU_MR[op as usize],
            ((op as u8) << 3) | 1,
            size,
            src.number(),
            Rm::Mem(mem),
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
            if self.word_rm_fast(size, 0x83, op as u8, rm, Imm::I8(v as i8)) {
                return Ok(());
            }
            self.rm(
                forms::ALU_MI8.ext(op as u8),
                size,
                0,
                rm,
                b,
                Imm::I8(v as i8),
            )
        } else if let Rm::Reg(0) = rm {
            // `op al/ax/eax/rax, imm` has a one-byte-shorter accumulator form.
            self.acc_imm(((op as u8) << 3) | 4, size, v)
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

    /// The accumulator-immediate forms (`byte_op` for `al`, `byte_op + 1` for
    /// `ax`/`eax`/`rax`): no ModRM byte.
    #[inline(always)]
    fn acc_imm(&mut self, byte_op: u8, size: Size, v: i64) -> Result<(), EncodeError> {
        let op = if matches!(size, Size::B) {
            byte_op
        } else {
            byte_op + 1
        };
        let mut i = encode_plus_r(&mut self.buf, self.mode, op, size, 0, true)?;
        i.imm(imm_field(size, v));
        i.done();
        Ok(())
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
        self.word_rm(forms::TEST_MR, 0x85, size, b.number(), Rm::Reg(a.number()))
    }

    /// `test r, imm`.
    #[inline]
    pub fn test_ri(&mut self, size: Size, r: Gpr, imm: i64) -> Result<(), EncodeError> {
        let v = fit_imm(size, imm)?;
        if r == Gpr::RAX {
            return self.acc_imm(0xA8, size, v);
        }
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
}
