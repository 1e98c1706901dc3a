//! Byte emitters: prefixes, REX, ModRM, SIB, displacement, immediate.
//!
//! All checks that can refuse an instruction run first; then the bytes are
//! written straight into the code buffer through a [`Sink`] (32 bytes
//! reserved up front, no per-byte capacity checks) and committed at once.

use allocator_api2::alloc::Allocator;

use super::buffer::{Bytes, Sink};
use super::error::EncodeError;
use super::forms::{Form, NO_EXT, UNSIZED};
use super::operand::{ABS, Mem, NO_REG, RIP, RIP_LABEL};
use super::regs::{Mode, Size};

/// The r/m operand of a ModRM form.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Rm {
    /// A register (GPR or XMM number).
    Reg(u8),
    /// A memory operand.
    Mem(Mem),
}

/// An immediate field following ModRM/SIB/displacement.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Imm {
    None,
    I8(i8),
    I16(i16),
    I32(i32),
}

/// Which operands are byte registers (for the REX rule on `spl..dil`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ByteRegs {
    pub(crate) reg: bool,
    pub(crate) rm: bool,
}

impl ByteRegs {
    pub(crate) const NONE: ByteRegs = ByteRegs {
        reg: false,
        rm: false,
    };
    pub(crate) const RM: ByteRegs = ByteRegs {
        reg: false,
        rm: true,
    };
    #[inline(always)]
    pub(crate) fn sized(size: Size) -> ByteRegs {
        let b = matches!(size, Size::B);
        ByteRegs { reg: b, rm: b }
    }
}

#[inline(always)]
fn is_rex_byte(r: u8) -> bool {
    (4..8).contains(&r)
}

/// Check a register number against the mode (and the byte-register rule).
#[inline(always)]
pub(crate) fn check_reg(mode: Mode, r: u8, byte: bool) -> Result<(), EncodeError> {
    if mode == Mode::X86 {
        if r >= 8 {
            return Err(EncodeError::RegisterNotInMode);
        }
        if byte && is_rex_byte(r) {
            return Err(EncodeError::RexByteRegisterIn32Bit);
        }
    }
    Ok(())
}

/// Check a memory operand against the mode.
#[inline(always)]
pub(crate) fn check_mem(mode: Mode, m: &Mem) -> Result<(), EncodeError> {
    if m.index == 4 {
        return Err(EncodeError::BadIndex);
    }
    match mode {
        Mode::X86 => {
            if m.base == RIP || m.base == RIP_LABEL {
                return Err(EncodeError::RipRelativeIn32Bit);
            }
            if (m.base < 16 && m.base >= 8) || (m.index != NO_REG && m.index >= 8) {
                return Err(EncodeError::RegisterNotInMode);
            }
        }
        Mode::X64 => {
            if m.base == ABS && m.disp < 0 {
                return Err(EncodeError::DisplacementOverflow);
            }
        }
    }
    Ok(())
}

/// REX bits X and B contributed by a memory operand.
#[inline(always)]
fn mem_rex(m: &Mem) -> u8 {
    let mut rex = 0;
    if m.base < 16 {
        rex |= m.base >> 3;
    }
    if m.index < 16 {
        rex |= (m.index >> 3) << 1;
    }
    rex
}

/// ModRM (+ SIB + displacement) for a memory operand; `reg3` is ModRM.reg.
#[inline(always)]
pub(crate) fn modrm_mem<A: Allocator>(i: &mut Sink<'_, A>, mode: Mode, reg3: u8, m: &Mem) {
    let reg = reg3 << 3;
    match m.base {
        RIP => {
            i.u8(reg | 0b101);
            i.u32(m.disp as u32);
        }
        RIP_LABEL => {
            i.u8(reg | 0b101);
            i.u32(0);
        }
        ABS => {
            if mode == Mode::X86 {
                i.u8(reg | 0b101);
            } else {
                i.u8(reg | 0b100);
                i.u8(0b00_100_101);
            }
            i.u32(m.disp as u32);
        }
        NO_REG => {
            i.u8(reg | 0b100);
            i.u8(((m.scale as u8) << 6) | ((m.index & 7) << 3) | 0b101);
            i.u32(m.disp as u32);
        }
        base => {
            let b3 = base & 7;
            let md: u8 = if m.disp == 0 && b3 != 5 {
                0b00
            } else if m.disp as i8 as i32 == m.disp {
                0b01
            } else {
                0b10
            };
            if m.index == NO_REG && b3 != 4 {
                i.u8((md << 6) | reg | b3);
            } else {
                let idx = if m.index == NO_REG { 4 } else { m.index & 7 };
                i.u8((md << 6) | reg | 0b100);
                i.u8(((m.scale as u8) << 6) | (idx << 3) | b3);
            }
            match md {
                0b01 => i.u8(m.disp as u8),
                0b10 => i.u32(m.disp as u32),
                _ => {}
            }
        }
    }
}

/// The operands of a ModRM form.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RmOperands {
    /// The register operand (ignored when the form has an opcode extension).
    pub(crate) reg: u8,
    /// The register-or-memory operand.
    pub(crate) rm: Rm,
    /// Which of the two are byte registers.
    pub(crate) bytes: ByteRegs,
    /// The immediate field, if any.
    pub(crate) imm: Imm,
}

/// Where the disp32 of a `[rip + label]` operand landed: its position in the
/// instruction and how many bytes (immediate) follow it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RipField {
    pub(crate) pos: u8,
    pub(crate) tail: u8,
}

/// Encode `form` at operand size `size` with ModRM operands `ops`; returns
/// the displacement field of a `[rip + label]` operand, if any.
#[inline(always)]
pub(crate) fn encode_rm<A: Allocator>(
    buf: &mut Bytes<A>,
    mode: Mode,
    f: Form,
    size: Size,
    ops: RmOperands,
) -> Result<Option<RipField>, EncodeError> {
    let RmOperands {
        reg,
        rm,
        bytes,
        imm,
    } = ops;
    if let Some(only) = f.only
        && only != mode
    {
        return Err(EncodeError::FormNotInMode);
    }
    let sized = f.sizes != UNSIZED;
    if sized && f.sizes & size.bit() == 0 {
        return Err(EncodeError::OperandSizeNotSupported);
    }
    let w = f.rex_w || (sized && matches!(size, Size::Q));
    let reg_is_operand = f.ext == NO_EXT;
    if mode == Mode::X86 && w {
        return Err(EncodeError::OperandSizeNotInMode);
    }
    if reg_is_operand {
        check_reg(mode, reg, bytes.reg)?;
    }
    match &rm {
        Rm::Reg(r) => check_reg(mode, *r, bytes.rm)?,
        Rm::Mem(m) => check_mem(mode, m)?,
    }

    let mut i = buf.sink();
    if f.lock {
        i.u8(0xF0);
    }
    if sized && matches!(size, Size::W) {
        i.u8(0x66);
    }
    if f.prefix != 0 {
        i.u8(f.prefix);
    }
    let mut rex = (w as u8) << 3;
    let mut force = false;
    if reg_is_operand {
        rex |= (reg >> 3) << 2;
        force |= bytes.reg && is_rex_byte(reg);
    }
    match &rm {
        Rm::Reg(r) => {
            rex |= r >> 3;
            force |= bytes.rm && is_rex_byte(*r);
        }
        Rm::Mem(m) => rex |= mem_rex(m),
    }
    if rex != 0 || (force && mode == Mode::X64) {
        i.u8(0x40 | rex);
    }
    let mut last = f.opcode[f.len as usize - 1];
    if sized && matches!(size, Size::B) {
        last &= !1;
    }
    match f.len {
        1 => i.u8(last),
        2 => {
            i.u8(f.opcode[0]);
            i.u8(last);
        }
        _ => {
            i.u8(f.opcode[0]);
            i.u8(f.opcode[1]);
            i.u8(last);
        }
    }
    let reg3 = if reg_is_operand { reg & 7 } else { f.ext };
    let mut rip_pos = None;
    match &rm {
        Rm::Reg(r) => i.u8(0xC0 | (reg3 << 3) | (r & 7)),
        Rm::Mem(m) => {
            if m.base == RIP_LABEL {
                rip_pos = Some(i.len() + 1);
            }
            modrm_mem(&mut i, mode, reg3, m)
        }
    }
    i.imm(imm);
    let rip = rip_pos.map(|pos| RipField {
        pos: pos as u8,
        tail: (i.len() - pos - 4) as u8,
    });
    i.done();
    Ok(rip)
}

/// Encode a "+r" form (`opcode + (reg & 7)`, e.g. `push r`, `mov r, imm`):
/// optional 0x66, REX (W/B, or forced for byte registers 4..=7), the opcode.
#[inline(always)]
pub(crate) fn encode_plus_r<A: Allocator>(
    buf: &mut Bytes<A>,
    mode: Mode,
    op: u8,
    size: Size,
    r: u8,
    sized: bool,
) -> Result<Sink<'_, A>, EncodeError> {
    let byte = sized && matches!(size, Size::B);
    check_reg(mode, r, byte)?;
    let w = sized && matches!(size, Size::Q);
    if w && mode == Mode::X86 {
        return Err(EncodeError::OperandSizeNotInMode);
    }
    let mut i = buf.sink();
    if sized && matches!(size, Size::W) {
        i.u8(0x66);
    }
    let rex = ((w as u8) << 3) | (r >> 3);
    if rex != 0 || (byte && is_rex_byte(r) && mode == Mode::X64) {
        i.u8(0x40 | rex);
    }
    i.u8(op + (r & 7));
    Ok(i)
}

/// Normalise an immediate for an operand of `size`: values that fit the
/// field as signed or unsigned are accepted and returned sign-extended from
/// the field width (so `0xFF` for a byte becomes `-1`). Qword operands take
/// a sign-extended 32-bit immediate.
#[inline(always)]
pub(crate) fn fit_imm(size: Size, imm: i64) -> Result<i64, EncodeError> {
    let ok = match size {
        Size::B => (-0x80..=0xFF).contains(&imm),
        Size::W => (-0x8000..=0xFFFF).contains(&imm),
        Size::D => (i32::MIN as i64..=u32::MAX as i64).contains(&imm),
        Size::Q => (i32::MIN as i64..=i32::MAX as i64).contains(&imm),
    };
    if !ok {
        return Err(EncodeError::ImmediateTooLarge);
    }
    Ok(match size {
        Size::B => imm as i8 as i64,
        Size::W => imm as i16 as i64,
        Size::D | Size::Q => imm as i32 as i64,
    })
}

/// The full-width immediate field for `size` (imm8 / imm16 / imm32).
#[inline(always)]
pub(crate) fn imm_field(size: Size, v: i64) -> Imm {
    match size {
        Size::B => Imm::I8(v as i8),
        Size::W => Imm::I16(v as i16),
        Size::D | Size::Q => Imm::I32(v as i32),
    }
}
