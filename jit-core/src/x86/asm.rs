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
//!
//! The methods are grouped by family: moves here, then `arith.rs`
//! (integer arithmetic, shifts, setcc/cmovcc, atomics), `control.rs` (stack,
//! labels, branches, calls, NOPs) and `sse.rs` (SSE2 scalar).

mod arith;
mod control;
mod sse;

use allocator_api2::alloc::{Allocator, Global};
use allocator_api2::vec::Vec;

use super::buffer::{Bytes, CodeBuffer, Fixup, RelWidth, Relocation, UNBOUND};
use super::emit::{
    ByteRegs, Imm, Rm, RmOperands, check_reg, encode_plus_r, encode_rm, fit_imm, imm_field,
};
use super::error::EncodeError;
use super::forms::{self, Form};
use super::operand::{Mem, NO_REG, RIP_LABEL};
use super::regs::{Gpr, Mode, Size};

/// A ModRM displacement of the direct encodings.
#[derive(Clone, Copy)]
enum Disp {
    None,
    D8(i8),
    D32(i32),
}

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
        Self::with_capacity_in(mode, 256, alloc)
    }

    /// An empty assembler like [`Assembler::new_in`] with room for `bytes`
    /// bytes of code before its buffer first grows (a compiler that knows
    /// roughly how much it will emit saves the regrowth copies).
    pub fn with_capacity_in(mode: Mode, bytes: usize, alloc: A) -> Self {
        Assembler {
            mode,
            buf: Bytes {
                v: Vec::with_capacity_in(bytes, alloc.clone()),
            },
            labels: Vec::new_in(alloc.clone()),
            fixups: Vec::new_in(alloc.clone()),
            relocations: Vec::new_in(alloc),
        }
    }

    /// Makes room for `labels` more labels and `fixups` more forward
    /// label references before the tables first grow (a capacity hint).
    pub fn reserve(&mut self, labels: usize, fixups: usize) {
        self.labels.reserve(labels);
        self.fixups.reserve(fixups);
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
                    let rel = (target as i64 - (at as i64 + 4 + fx.tail as i64)) as i32;
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
        let label = match rm {
            Rm::Mem(m) if m.base == RIP_LABEL => {
                let l = m.disp as u32;
                if l as usize >= self.labels.len() {
                    return Err(EncodeError::UnknownLabel);
                }
                l
            }
            _ => 0,
        };
        let start = self.offset();
        let ops = RmOperands {
            reg,
            rm,
            bytes,
            imm,
        };
        if let Some(field) = encode_rm(&mut self.buf, self.mode, f, size, ops)? {
            self.fixups.push(Fixup {
                at: start + field.pos as u32,
                label,
                width: RelWidth::Rel32,
                tail: field.tail,
            });
        }
        Ok(())
    }

    /// Append raw data bytes (constant pools, jump tables); pair with
    /// [`Assembler::align`] and a label addressed by [`Mem::rip_label`].
    #[inline]
    pub fn data(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        self.buf.extend(bytes);
        Ok(())
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

    /// The instructions a compiler emits most, encoded directly (no
    /// form-table checks): on x86-64, a dword or qword one-byte-opcode form
    /// (`mov`, ALU, `test`) with ModRM.reg `reg` (a register, or an opcode
    /// extension) and a register or `[base + disp]` operand (no index, base
    /// not `rsp`/`r12`, which need a SIB byte), then the immediate `imm`.
    /// Produces the same bytes as the general path; returns false, writing
    /// nothing, for any other shape.
    #[inline(always)]
    fn word_rm_fast(&mut self, size: Size, opcode: u8, reg: u8, rm: Rm, imm: Imm) -> bool {
        let rex_w = match size {
            Size::Q => 0x48,
            Size::D => 0x40,
            _ => return false,
        };
        self.direct(0, rex_w, &[opcode], reg, rm, imm)
    }

    /// The direct encoding behind [`Assembler::word_rm_fast`] and
    /// [`Assembler::sse_rm_fast`] (x86-64 only): `prefix` (0: none), the
    /// REX byte built on `rex` (`0x40`, or `0x48` for REX.W; left out when
    /// nothing is set), `opcode`, ModRM with `reg` and a register or
    /// `[base + disp]` operand (shortest displacement), `imm`. False,
    /// writing nothing, for any other shape.
    #[inline(always)]
    fn direct(&mut self, prefix: u8, rex: u8, opcode: &[u8], reg: u8, rm: Rm, imm: Imm) -> bool {
        if self.mode != Mode::X64 || reg >= 16 {
            return false;
        }
        // The r/m field, its REX.B bit and its ModRM mode and displacement.
        let (b, modrm, disp) = match rm {
            Rm::Reg(r) if r < 16 => (r, 0xC0 | (r & 7), Disp::None),
            Rm::Mem(m) if m.index == NO_REG && m.base < 16 && m.base & 7 != 4 => {
                let b3 = m.base & 7;
                if m.disp == 0 && b3 != 5 {
                    (m.base, b3, Disp::None)
                } else if m.disp as i8 as i32 == m.disp {
                    (m.base, 0x40 | b3, Disp::D8(m.disp as i8))
                } else {
                    (m.base, 0x80 | b3, Disp::D32(m.disp))
                }
            }
            _ => return false,
        };
        let rex = rex | ((reg >> 3) << 2) | (b >> 3);
        let mut i = self.buf.sink();
        if prefix != 0 {
            i.u8(prefix);
        }
        if rex != 0x40 {
            i.u8(rex);
        }
        for &o in opcode {
            i.u8(o);
        }
        i.u8(modrm | (reg & 7) << 3);
        match disp {
            Disp::None => {}
            Disp::D8(d) => i.u8(d as u8),
            Disp::D32(d) => i.u32(d as u32),
        }
        i.imm(imm);
        i.done();
        true
    }

    /// A register-or-memory form without immediate: the direct encoding
    /// of [`Assembler::word_rm_fast`] (`opcode` is the form's dword/qword
    /// opcode) when the shape allows, else the form table.
    #[inline(always)]
    fn word_rm(
        &mut self,
        form: Form,
        opcode: u8,
        size: Size,
        reg: u8,
        rm: Rm,
    ) -> Result<(), EncodeError> {
        if self.word_rm_fast(size, opcode, reg, rm, Imm::None) {
            return Ok(());
        }
        self.rm_outlined(form, size, reg, rm, ByteRegs::sized(size), Imm::None)
    }

    /// [`Assembler::rm`] out of line: the general path behind a fast path,
    /// so the fast path's callers stay small.
    #[inline(never)]
    fn rm_outlined(
        &mut self,
        f: Form,
        size: Size,
        reg: u8,
        rm: Rm,
        bytes: ByteRegs,
        imm: Imm,
    ) -> Result<(), EncodeError> {
        self.rm(f, size, reg, rm, bytes, imm)
    }

    /// The SSE forms (`prefix 0F op`, unsized, ModRM.reg a register) with
    /// an XMM register or `[base + disp]` operand (no index, base not
    /// `rsp`/`r12`), encoded directly on x86-64 like
    /// [`Assembler::word_rm_fast`]; false (nothing written) otherwise.
    #[inline(always)]
    fn sse_rm_fast(&mut self, f: Form, reg: u8, rm: Rm) -> bool {
        let simple = f.len == 2
            && f.ext == forms::NO_EXT
            && f.sizes == forms::UNSIZED
            && !f.rex_w
            && !f.lock
            && f.only.is_none();
        simple && self.direct(f.prefix, 0x40, &f.opcode[..2], reg, rm, Imm::None)
    }

    /// `mov dst, src` (registers).
    #[inline]
    pub fn mov_rr(&mut self, size: Size, dst: Gpr, src: Gpr) -> Result<(), EncodeError> {
        self.word_rm(
            forms::MOV_MR,
            0x89,
            size,
            src.number(),
            Rm::Reg(dst.number()),
        )
    }

    /// `mov dst, [mem]` (load).
    #[inline]
    pub fn mov_rm(&mut self, size: Size, dst: Gpr, mem: Mem) -> Result<(), EncodeError> {
        self.word_rm(forms::MOV_RM, 0x8B, size, dst.number(), Rm::Mem(mem))
    }

    /// `mov [mem], src` (store).
    #[inline]
    pub fn mov_mr(&mut self, size: Size, mem: Mem, src: Gpr) -> Result<(), EncodeError> {
        self.word_rm(forms::MOV_MR, 0x89, size, src.number(), Rm::Mem(mem))
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
                i.imm(imm_field(size, v));
                i.done();
                Ok(())
            }
        }
    }

    /// `mov [mem], imm` (qword: sign-extended imm32).
    #[inline]
    pub fn mov_mi(&mut self, size: Size, mem: Mem, imm: i64) -> Result<(), EncodeError> {
        let v = fit_imm(size, imm)?;
        if matches!(size, Size::D | Size::Q)
            && self.word_rm_fast(size, 0xC7, 0, Rm::Mem(mem), Imm::I32(v as i32))
        {
            return Ok(());
        }
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
        self.extend(true, dst_size, dst, src_size, Rm::Reg(src.number()))
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
        self.extend(true, dst_size, dst, src_size, Rm::Mem(mem))
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
        self.extend(false, dst_size, dst, src_size, Rm::Reg(src.number()))
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
        self.extend(false, dst_size, dst, src_size, Rm::Mem(mem))
    }

    /// `movzx`/`movsx` (`zero` picks which) from a byte or word operand; a
    /// byte register source is checked against the mode's byte registers.
    #[inline(always)]
    fn extend(
        &mut self,
        zero: bool,
        dst_size: Size,
        dst: Gpr,
        src_size: Size,
        src: Rm,
    ) -> Result<(), EncodeError> {
        let f = Self::ext_form(zero, src_size)?;
        let b = ByteRegs {
            reg: false,
            rm: matches!(src, Rm::Reg(_)) && matches!(src_size, Size::B),
        };
        self.rm(f, dst_size, dst.number(), src, b, Imm::None)
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
}

/// Convenience for checking a register outside an instruction (used by callers
/// that pick registers per mode).
#[inline]
pub fn gpr_valid_in(mode: Mode, r: Gpr, size: Size) -> bool {
    check_reg(mode, r.number(), matches!(size, Size::B)).is_ok()
        && !(mode == Mode::X86 && matches!(size, Size::Q))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x86::Scale;

    /// The bytes of one instruction emitted by `f` on a fresh x86-64 assembler.
    fn bytes(f: impl FnOnce(&mut Assembler) -> Result<(), EncodeError>) -> alloc::vec::Vec<u8> {
        let mut a = Assembler::new(Mode::X64);
        f(&mut a).unwrap();
        a.finish().unwrap().bytes().to_vec()
    }

    /// The general (form-table) encoding of a register/memory form.
    fn general(f: Form, size: Size, reg: Gpr, rm: Rm) -> alloc::vec::Vec<u8> {
        bytes(|a| a.rm(f, size, reg.number(), rm, ByteRegs::sized(size), Imm::None))
    }

    #[test]
    fn fast_sse_forms_encode_exactly_as_the_form_tables() {
        use forms::*;
        let all = [
            MOVSD_LOAD,
            MOVSD_STORE,
            MOVSS_LOAD,
            MOVSS_STORE,
            MOVAPS_LOAD,
            MOVAPS_STORE,
            MOVAPD_LOAD,
            MOVAPD_STORE,
            MOVD_XR,
            MOVD_RX,
            MOVQ_XR,
            MOVQ_RX,
            MOVQ_XM,
            MOVQ_MX,
            CVTSI2SD,
            CVTTSD2SI,
            ADDSD,
            MULSD,
            SUBSD,
            MINSD,
            DIVSD,
            MAXSD,
            SQRTSD,
            UCOMISD,
            COMISD,
            CVTSD2SS,
            CVTSS2SD,
            ANDPD,
            ANDNPD,
            ORPD,
            XORPD,
            PXOR,
        ];
        let general = |f: Form, reg: u8, rm: Rm| {
            let mut a = Assembler::new(Mode::X64);
            a.rm(f, Size::D, reg, rm, ByteRegs::NONE, Imm::None)
                .map(|()| a.finish().unwrap().bytes().to_vec())
        };
        for f in all {
            for r in 0..16u8 {
                for b in 0..16u8 {
                    let base = Gpr::from_number(b).unwrap();
                    for rm in [
                        Rm::Reg(b),
                        Rm::Mem(Mem::base(base, 0)),
                        Rm::Mem(Mem::base(base, -100)),
                        Rm::Mem(Mem::base(base, 4096)),
                    ] {
                        let mut a = Assembler::new(Mode::X64);
                        if a.sse_rm_fast(f, r, rm) {
                            let fast = a.finish().unwrap().bytes().to_vec();
                            assert_eq!(Ok(fast), general(f, r, rm), "{f:?} {r} {rm:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn fast_alu_and_test_forms_encode_exactly_as_the_form_tables() {
        use crate::x86::Alu;
        let imm8 = |f: Form, op: Alu, size: Size, rm: Rm, v: i8| {
            let b = ByteRegs {
                reg: false,
                rm: false,
            };
            bytes(|a| a.rm(f.ext(op as u8), size, 0, rm, b, Imm::I8(v)))
        };
        for size in [Size::D, Size::Q] {
            for op in Alu::ALL {
                for r in 0..16 {
                    let reg = Gpr::from_number(r).unwrap();
                    for b in 0..16 {
                        let base = Gpr::from_number(b).unwrap();
                        let f = forms::ALU_MR[op as usize];
                        assert_eq!(
                            bytes(|a| a.alu_rr(op, size, base, reg)),
                            general(f, size, reg, Rm::Reg(b))
                        );
                        for d in [0, -8, 1000] {
                            let m = Mem::base(base, d);
                            assert_eq!(
                                bytes(|a| a.alu_mr(op, size, m, reg)),
                                general(f, size, reg, Rm::Mem(m))
                            );
                            assert_eq!(
                                bytes(|a| a.alu_rm(op, size, reg, m)),
                                general(forms::ALU_RM[op as usize], size, reg, Rm::Mem(m))
                            );
                        }
                    }
                    assert_eq!(
                        bytes(|a| a.test_rr(size, reg, Gpr::R9)),
                        general(forms::TEST_MR, size, Gpr::R9, Rm::Reg(r))
                    );
                    for v in [0i8, -1, 127, -128] {
                        assert_eq!(
                            bytes(|a| a.alu_ri(op, size, reg, v as i64)),
                            imm8(forms::ALU_MI8, op, size, Rm::Reg(r), v)
                        );
                        let m = Mem::base(reg, 16);
                        assert_eq!(
                            bytes(|a| a.alu_mi(op, size, m, v as i64)),
                            imm8(forms::ALU_MI8, op, size, Rm::Mem(m), v)
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn fast_word_moves_encode_exactly_as_the_form_tables() {
        let disps = [0, 1, -1, 127, -128, 128, -129, 0x1234_5678, i32::MIN];
        for size in [Size::D, Size::Q] {
            for r in 0..16 {
                let reg = Gpr::from_number(r).unwrap();
                for b in 0..16 {
                    let base = Gpr::from_number(b).unwrap();
                    assert_eq!(
                        bytes(|a| a.mov_rr(size, base, reg)),
                        general(forms::MOV_MR, size, reg, Rm::Reg(b)),
                    );
                    for d in disps {
                        let m = Mem::base(base, d);
                        assert_eq!(
                            bytes(|a| a.mov_mr(size, m, reg)),
                            general(forms::MOV_MR, size, reg, Rm::Mem(m)),
                            "store {size:?} r{r} [r{b} + {d}]"
                        );
                        assert_eq!(
                            bytes(|a| a.mov_rm(size, reg, m)),
                            general(forms::MOV_RM, size, reg, Rm::Mem(m)),
                            "load {size:?} r{r} [r{b} + {d}]"
                        );
                    }
                    // Indexed operands take the general path, unchanged.
                    let m = Mem::base_index(base, Gpr::RCX, Scale::S8, 8);
                    assert_eq!(
                        bytes(|a| a.mov_rm(size, reg, m)),
                        general(forms::MOV_RM, size, reg, Rm::Mem(m)),
                    );
                }
            }
        }
    }
}
