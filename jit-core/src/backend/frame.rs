//! The fixed frame of a compiled trace.
//!
//! ```text
//! [rbp + 8]          return address (x86-32: [ebp+4]; entry args above it)
//! [rbp]              caller's rbp            (frame pointer kept for walkers)
//! [rbp - 8(k+1)]     save slot k < 7 of a callee-saved register (fixed per
//!                    register: rbx, rsi, rdi, r12, r13, r14, r15)
//! [rbp - 64]         the deopt buffer pointer
//! [rbp - 72]         the inputs pointer
//! [rbp - 80 - 8k]    scratch slot k < 2 (operands the lowering needs in memory)
//! [rbp - 112 - 16k]  Win64 with register allocation only: 16-byte save
//!                    slot of xmm(6+k), k < 10 (B = 256 bytes down to here;
//!                    otherwise B = 88)
//! [rbp - B - 8k]     jump temporaries        (k < temps: all-slots strategy)
//! [rbp - B - 8t - 8(n+1)]  slot n: the slot of IR value n (all-slots
//!                    strategy) or spill slot n (register allocation)
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
    /// Number of value or spill slots.
    slots: u32,
    /// Bytes of the fixed area (save slots, pointers, scratch, XMM saves).
    base: i64,
    /// Bytes from the frame pointer down to the lowest slot (multiple of 16).
    pub size: i32,
    /// Frame-pointer offset of slot 0 (the slots go down from there).
    slot0: i32,
}

/// Registers with a save slot, in slot order.
const SAVED: [Gpr; 7] = [
    Gpr::RBX,
    Gpr::RSI,
    Gpr::RDI,
    Gpr::R12,
    Gpr::R13,
    Gpr::R14,
    Gpr::R15,
];

/// Bytes above the temporaries: save slots, two pointers, two scratch slots.
const FIXED_AREA: i64 = 8 * 7 + 8 * 4;

/// The fixed area with the ten 16-byte XMM save slots below it (aligned).
const XMM_AREA_END: i64 = 96 + 16 * 10;

impl Frame {
    /// A frame with `temps` jump temporaries and `slots` value or spill
    /// slots; `xmm_saves`: with the Win64 save slots of `xmm6..xmm15`.
    pub fn new(temps: usize, slots: usize, xmm_saves: bool) -> Result<Frame, CompileError> {
        let base = if xmm_saves { XMM_AREA_END } else { FIXED_AREA };
        let bytes = base + 8 * (temps as i64 + slots as i64);
        let size = (bytes + 15) & !15;
        let size = i32::try_from(size).map_err(|_| CompileError::TooLarge)?;
        Ok(Frame {
            slots: u32::try_from(slots).map_err(|_| CompileError::TooLarge)?,
            base,
            size,
            slot0: -((base + 8 * (temps as i64 + 1)) as i32),
        })
    }

    /// Slot `n` (IR value `n` under the all-slots strategy, spill slot `n`
    /// under register allocation).
    #[inline]
    pub fn slot(&self, n: u32) -> Mem {
        // `slot0 - 8n` with the bits of `-(base + 8 (temps + n + 1))`.
        Mem::base(
            Gpr::RBP,
            self.slot0.wrapping_sub((n as i32).wrapping_mul(8)),
        )
    }

    /// The slots as one block of words: its lowest address (slot
    /// `slots - 1`) and the number of slots. Word `j` of the block is slot
    /// `slots - 1 - j`.
    pub fn slot_block(&self) -> (Mem, u32) {
        (self.slot(self.slots.saturating_sub(1)), self.slots)
    }

    /// Jump temporary `k`.
    pub fn temp(&self, k: usize) -> Mem {
        Mem::base(Gpr::RBP, -((self.base + 8 * (k as i64 + 1)) as i32))
    }

    /// The 16-byte save slot of Win64 callee-saved `xmm(6+k)` (16-byte
    /// aligned: the frame pointer is, on x86-64).
    pub fn xmm_save(k: u8) -> Mem {
        Mem::base(Gpr::RBP, -(112 + 16 * k as i32))
    }

    /// Scratch slot `k` (0 or 1).
    pub fn scratch(&self, k: usize) -> Mem {
        Mem::base(Gpr::RBP, -(80 + 8 * k as i32))
    }

    /// Where the deopt buffer pointer is kept.
    pub fn deopt_ptr(&self) -> Mem {
        Mem::base(Gpr::RBP, -64)
    }

    /// Where the inputs pointer is kept.
    pub fn inputs_ptr(&self) -> Mem {
        Mem::base(Gpr::RBP, -72)
    }

    /// The save slot of callee-saved register `reg`, if it has one.
    pub fn save_slot(reg: Gpr) -> Option<SavedReg> {
        let k = SAVED.iter().position(|&r| r == reg)?;
        Some(SavedReg {
            reg,
            offset: -8 * (k as i32 + 1),
        })
    }
}
