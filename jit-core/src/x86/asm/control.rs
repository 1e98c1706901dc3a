//! Stack operations, labels, jumps, calls, returns, traps, NOPs and alignment.

use allocator_api2::alloc::Allocator;

use super::Assembler;
use crate::x86::buffer::{Fixup, Label, PatchSite, RelWidth, Relocation, UNBOUND};
use crate::x86::emit::{ByteRegs, Imm, Rm, encode_plus_r};
use crate::x86::error::EncodeError;
use crate::x86::forms;
use crate::x86::operand::Mem;
use crate::x86::regs::{Cond, Gpr, Mode, Size};

impl<A: Allocator + Clone> Assembler<A> {
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

    /// `push [mem]` (word-sized). With `rsp` as base the address is
    /// computed before the push.
    #[inline]
    pub fn push_m(&mut self, mem: Mem) -> Result<(), EncodeError> {
        self.rm(
            forms::PUSH_M,
            Size::D,
            0,
            Rm::Mem(mem),
            ByteRegs::NONE,
            Imm::None,
        )
    }

    /// `pop [mem]` (word-sized). With `rsp` as base the address is computed
    /// after the pop, so `push [x]; pop [y]` copies a word with no register.
    #[inline]
    pub fn pop_m(&mut self, mem: Mem) -> Result<(), EncodeError> {
        self.rm(
            forms::POP_M,
            Size::D,
            0,
            Rm::Mem(mem),
            ByteRegs::NONE,
            Imm::None,
        )
    }

    /// x87 `fld qword [mem]`: pushes a `double` onto the x87 stack.
    #[inline]
    pub fn fld_m64(&mut self, mem: Mem) -> Result<(), EncodeError> {
        self.rm(
            forms::FLD_M64,
            Size::D,
            0,
            Rm::Mem(mem),
            ByteRegs::NONE,
            Imm::None,
        )
    }

    /// x87 `fstp qword [mem]`: stores `st(0)` as a `double` and pops it
    /// (how x86-32 code takes a cdecl call's float result).
    #[inline]
    pub fn fstp_m64(&mut self, mem: Mem) -> Result<(), EncodeError> {
        self.rm(
            forms::FSTP_M64,
            Size::D,
            0,
            Rm::Mem(mem),
            ByteRegs::NONE,
            Imm::None,
        )
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
                tail: 0,
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

    /// `jmp label` always rel32, returning the site for [`crate::x86::patch_rel32`].
    #[inline]
    pub fn jmp_patchable(&mut self, label: Label) -> Result<PatchSite, EncodeError> {
        let at = self.branch(label, 0xEB, &[0xE9], true)?;
        Ok(PatchSite { rel32_offset: at })
    }

    /// `jcc label` always rel32, returning the site for [`crate::x86::patch_rel32`].
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
                tail: 0,
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
    /// [`crate::x86::CodeBuffer::relocate`] (the target must then be within ±2 GiB
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
}
