//! Why an instruction could not be encoded.

use core::fmt;

/// A typed reason for refusing an instruction. The encoder never emits bytes
/// for a refused instruction (the buffer is unchanged).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EncodeError {
    /// A register numbered 8..=15 (GPR or XMM) used in 32-bit mode.
    RegisterNotInMode,
    /// `spl`/`bpl`/`sil`/`dil` (byte registers 4..=7) need a REX prefix, which
    /// 32-bit mode does not have (the same encodings mean `ah..bh` there).
    RexByteRegisterIn32Bit,
    /// A 64-bit operand size (REX.W) requested in 32-bit mode.
    OperandSizeNotInMode,
    /// The instruction form does not take this operand size (e.g. `imul r8, r8`).
    OperandSizeNotSupported,
    /// The instruction form exists only in the other mode (e.g. `movsxd` in 32-bit mode).
    FormNotInMode,
    /// `[rip + disp]` used in 32-bit mode.
    RipRelativeIn32Bit,
    /// `rsp` cannot be an index register.
    BadIndex,
    /// An immediate does not fit the form's immediate field.
    ImmediateTooLarge,
    /// A jump or call target is too far for the displacement field
    /// (rel8 forced, rel32 beyond ±2 GiB, or an absolute address beyond `i32` in 64-bit mode).
    DisplacementOverflow,
    /// A label was used by a jump but never bound before `finish`.
    LabelUnbound,
    /// A label was bound twice.
    LabelBoundTwice,
    /// A label that this assembler did not create.
    UnknownLabel,
    /// `nop(n)` outside 1..=15, or `align(n)` with `n` not a power of two.
    BadLength,
    /// A patch site or relocation lies outside the code slice it is applied to.
    PatchOutOfBounds,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            EncodeError::RegisterNotInMode => "register 8..15 does not exist in 32-bit mode",
            EncodeError::RexByteRegisterIn32Bit => {
                "spl/bpl/sil/dil need REX, unavailable in 32-bit mode"
            }
            EncodeError::OperandSizeNotInMode => {
                "64-bit operand size does not exist in 32-bit mode"
            }
            EncodeError::OperandSizeNotSupported => {
                "instruction form does not take this operand size"
            }
            EncodeError::FormNotInMode => "instruction form does not exist in this mode",
            EncodeError::RipRelativeIn32Bit => {
                "rip-relative addressing does not exist in 32-bit mode"
            }
            EncodeError::BadIndex => "rsp cannot be an index register",
            EncodeError::ImmediateTooLarge => {
                "immediate does not fit the instruction's immediate field"
            }
            EncodeError::DisplacementOverflow => "displacement or branch distance out of range",
            EncodeError::LabelUnbound => "label used but never bound",
            EncodeError::LabelBoundTwice => "label bound twice",
            EncodeError::UnknownLabel => "label does not belong to this assembler",
            EncodeError::BadLength => "nop length must be 1..=15 and alignment a power of two",
            EncodeError::PatchOutOfBounds => "patch site outside the code",
        };
        f.write_str(s)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for EncodeError {}
