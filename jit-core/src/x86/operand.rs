//! Memory operands: `[base + index*scale + disp]`, RIP-relative and absolute.
//!
//! A [`Mem`] is plain data; whether it can be encoded in a mode (RIP-relative
//! only in 64-bit mode, `rsp` never as index, registers 8..=15 only in 64-bit
//! mode) is checked when an instruction uses it, with a typed error.

use super::buffer::Label;
use super::regs::Gpr;

/// Index scale factor (the SIB `ss` field).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Scale {
    /// `index * 1`
    S1 = 0,
    /// `index * 2`
    S2 = 1,
    /// `index * 4`
    S4 = 2,
    /// `index * 8`
    S8 = 3,
}

impl Scale {
    /// The multiplier 1, 2, 4 or 8.
    #[inline]
    pub const fn factor(self) -> u32 {
        1 << self as u32
    }

    /// The scale for a multiplier, if it is 1, 2, 4 or 8.
    #[inline]
    pub const fn from_factor(f: u32) -> Option<Scale> {
        match f {
            1 => Some(Scale::S1),
            2 => Some(Scale::S2),
            4 => Some(Scale::S4),
            8 => Some(Scale::S8),
            _ => None,
        }
    }
}

/// Marker values in [`Mem::base`].
pub(crate) const NO_REG: u8 = 0xFF;
pub(crate) const RIP: u8 = 0xFE;
pub(crate) const ABS: u8 = 0xFD;
pub(crate) const RIP_LABEL: u8 = 0xFC;

/// A memory operand. Build with the constructors; fields are private so that
/// every value has one of the shapes below.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Mem {
    pub(crate) base: u8,
    pub(crate) index: u8,
    pub(crate) scale: Scale,
    pub(crate) disp: i32,
}

/// The shape of a [`Mem`], for code that inspects operands (tests, disassembly, lowering).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemKind {
    /// `[base + index*scale + disp]`; `index` may be absent.
    Based {
        /// Base register.
        base: Gpr,
        /// Optional index register and its scale.
        index: Option<(Gpr, Scale)>,
    },
    /// `[index*scale + disp32]` with no base register.
    IndexOnly {
        /// Index register.
        index: Gpr,
        /// Its scale.
        scale: Scale,
    },
    /// `[rip + disp32]`, relative to the end of the instruction (64-bit mode only).
    Rip,
    /// Absolute 32-bit address `[disp32]`.
    Abs,
    /// `[rip + label]`: a label in the same code (64-bit mode only).
    RipLabel {
        /// The label addressed.
        label: Label,
    },
}

impl Mem {
    /// `[base + disp]`. Any base register works (`rsp`/`r12` get a SIB byte,
    /// `rbp`/`r13` an explicit zero displacement).
    #[inline]
    pub const fn base(base: Gpr, disp: i32) -> Mem {
        Mem {
            base: base.number(),
            index: NO_REG,
            scale: Scale::S1,
            disp,
        }
    }

    /// `[base + index*scale + disp]`. `rsp` as index is refused when encoded.
    #[inline]
    pub const fn base_index(base: Gpr, index: Gpr, scale: Scale, disp: i32) -> Mem {
        Mem {
            base: base.number(),
            index: index.number(),
            scale,
            disp,
        }
    }

    /// `[index*scale + disp32]` with no base register.
    #[inline]
    pub const fn index_only(index: Gpr, scale: Scale, disp: i32) -> Mem {
        Mem {
            base: NO_REG,
            index: index.number(),
            scale,
            disp,
        }
    }

    /// `[rip + disp]` where `disp` counts from the end of the instruction.
    /// 64-bit mode only.
    #[inline]
    pub const fn rip(disp: i32) -> Mem {
        Mem {
            base: RIP,
            index: NO_REG,
            scale: Scale::S1,
            disp,
        }
    }

    /// `[rip + label]`: the address of `label` in the same code (constant
    /// pools, jump tables); resolved by `finish`. 64-bit mode only.
    #[inline]
    pub const fn rip_label(label: Label) -> Mem {
        Mem {
            base: RIP_LABEL,
            index: NO_REG,
            scale: Scale::S1,
            disp: label.0 as i32,
        }
    }

    /// The absolute address `addr`. In 64-bit mode the displacement is
    /// sign-extended, so addresses above `i32::MAX` are refused there.
    #[inline]
    pub const fn abs(addr: u32) -> Mem {
        Mem {
            base: ABS,
            index: NO_REG,
            scale: Scale::S1,
            disp: addr as i32,
        }
    }

    /// The displacement as encoded (for [`Mem::abs`], the address bits).
    #[inline]
    pub const fn disp(&self) -> i32 {
        self.disp
    }

    /// The same operand with `delta` added to the displacement (wrapping).
    #[inline]
    pub const fn offset(self, delta: i32) -> Mem {
        Mem {
            disp: self.disp.wrapping_add(delta),
            ..self
        }
    }

    /// Which addressing shape this operand has.
    pub fn kind(&self) -> MemKind {
        let reg = |n: u8| Gpr::from_number(n).unwrap_or(Gpr::RAX);
        match self.base {
            RIP => MemKind::Rip,
            RIP_LABEL => MemKind::RipLabel {
                label: Label(self.disp as u32),
            },
            ABS => MemKind::Abs,
            NO_REG => MemKind::IndexOnly {
                index: reg(self.index),
                scale: self.scale,
            },
            b => MemKind::Based {
                base: reg(b),
                index: if self.index == NO_REG {
                    None
                } else {
                    Some((reg(self.index), self.scale))
                },
            },
        }
    }
}
