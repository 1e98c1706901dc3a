//! The fixed frame of a compiled trace.
//!
//! ```text
//! [rbp + 8]          return address (x86-32: [ebp+4]; entry args above it)
//! [rbp]              caller's rbp            (frame pointer kept for walkers)
//! [rbp - word]       saved rbx               (callee-saved, holds the deopt buffer pointer)
//! [rbp - 16 - 8k]    jump temporaries        (k < temps: parallel copies for loops)
//! [rbp - 16 - 8t - 8(v+1)]  the slot of IR value v (8 bytes in both modes)
//! ```
//! The stack pointer is then rounded down to 16 bytes, so every call site
//! is aligned; all frame accesses are `rbp`-relative, so the rounding costs
//! nothing. The size is fixed per trace and known before code is emitted.

use super::CompileError;
use crate::x86::{Gpr, Mem};

/// Where the prologue saves a callee-saved register, relative to the frame
/// pointer: the trace's callee-saved table (for frame walkers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SavedReg {
    /// The register.
    pub reg: Gpr,
    /// Its save slot's byte offset from the frame pointer.
    pub offset: i32,
}

/// Frame layout of one trace.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Frame {
    temps: u32,
    /// Bytes from the frame pointer down to the lowest slot (multiple of 16).
    pub size: i32,
}

/// Bytes above the temporaries: saved rbx plus padding.
const SAVE_AREA: i64 = 16;

impl Frame {
    /// A frame with `temps` jump temporaries and `values` value slots.
    pub fn new(temps: usize, values: usize) -> Result<Frame, CompileError> {
        let bytes = SAVE_AREA + 8 * (temps as i64 + values as i64);
        let size = (bytes + 15) & !15;
        let size = i32::try_from(size).map_err(|_| CompileError::TooLarge)?;
        Ok(Frame {
            temps: temps as u32,
            size,
        })
    }

    /// The slot of value `v`.
    pub fn slot(&self, v: crate::ir::Value) -> Mem {
        let off = SAVE_AREA + 8 * (self.temps as i64 + v.0 as i64 + 1);
        Mem::base(Gpr::RBP, -(off as i32))
    }

    /// Jump temporary `k`.
    pub fn temp(&self, k: usize) -> Mem {
        Mem::base(Gpr::RBP, -((SAVE_AREA + 8 * (k as i64 + 1)) as i32))
    }
}
