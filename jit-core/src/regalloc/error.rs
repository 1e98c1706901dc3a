//! Why an allocation was refused.

use super::types::{PReg, RegClass, VReg};
use core::fmt;

/// A malformed input program, or one the allocator cannot satisfy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegAllocError {
    /// An operand names a vreg `>= num_vregs`.
    VRegOutOfRange { inst: usize, vreg: VReg },
    /// A vreg is read before its defining instruction.
    UseBeforeDef { inst: usize, vreg: VReg },
    /// A vreg is defined twice, or a constant vreg is defined.
    BadDef { inst: usize, vreg: VReg },
    /// A fixed register of the wrong class, or a jump arg of another class
    /// than its label arg.
    ClassMismatch { inst: usize, vreg: VReg },
    /// A fixed register that is not allocatable in this environment.
    FixedNotAllocatable { inst: usize, reg: PReg },
    /// Two operands of one instruction demand the same fixed register.
    FixedConflict { inst: usize, reg: PReg },
    /// A `Reuse(k)` whose operand `k` is not a `Reg`/`RegOrStack` use of
    /// the same class, a `Reuse` or `FixedStack` on a use, or a
    /// `FixedStack` slot demanded twice or already in use.
    BadConstraint { inst: usize, operand: usize },
    /// Malformed loop: several labels or jumps, a jump that is not last,
    /// arity mismatch, duplicate label args, operands on a label/jump.
    BadLoop { inst: usize, reason: &'static str },
    /// A flags value misused: used as a register, clobbered before its last
    /// use, live across the loop edge, or listed in fail-args.
    BadFlags {
        inst: usize,
        vreg: VReg,
        reason: &'static str,
    },
    /// An allocator invariant broke (a bug here, not in the input).
    Internal { inst: usize, reason: &'static str },
    /// An instruction needs more registers of a class at once than exist.
    OutOfRegisters { inst: usize, class: RegClass },
}

impl fmt::Display for RegAllocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::VRegOutOfRange { inst, vreg } => {
                write!(f, "inst {inst}: vreg {} out of range", vreg.0)
            }
            Self::UseBeforeDef { inst, vreg } => {
                write!(f, "inst {inst}: vreg {} used before its def", vreg.0)
            }
            Self::BadDef { inst, vreg } => write!(
                f,
                "inst {inst}: vreg {} defined twice or is a constant",
                vreg.0
            ),
            Self::ClassMismatch { inst, vreg } => write!(
                f,
                "inst {inst}: register class mismatch for vreg {}",
                vreg.0
            ),
            Self::FixedNotAllocatable { inst, reg } => {
                write!(f, "inst {inst}: fixed register {reg:?} is not allocatable")
            }
            Self::FixedConflict { inst, reg } => {
                write!(f, "inst {inst}: register {reg:?} demanded twice")
            }
            Self::BadConstraint { inst, operand } => {
                write!(
                    f,
                    "inst {inst}: operand {operand} has an unsatisfiable constraint"
                )
            }
            Self::BadLoop { inst, reason } => write!(f, "inst {inst}: malformed loop: {reason}"),
            Self::BadFlags { inst, vreg, reason } => {
                write!(f, "inst {inst}: flags value {}: {reason}", vreg.0)
            }
            Self::Internal { inst, reason } => write!(f, "inst {inst}: allocator bug: {reason}"),
            Self::OutOfRegisters { inst, class } => {
                write!(f, "inst {inst}: not enough {class:?} registers")
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for RegAllocError {}
