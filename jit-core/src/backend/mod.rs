//! The trace backend: lowers a verified [`Trace`](crate::ir::Trace) to x86
//! machine code for a [`Target`], places it in executable memory and runs it.
//!
//! - [`target`]: the three targets (SysV x86-64, Win64, cdecl x86-32).
//! - [`frame`]: the fixed frame (frame pointer kept, callee-saved save slots).
//! - `alloc`: the trace as the register allocator sees it, per-target register sets.
//! - `lower`: one function per IR op family, operands at their locations.
//! - `guards`: exit stubs, the shared exit path and the deopt buffer format.
//! - [`exec`]: [`Compiler`], [`CompiledTrace`] and execution.
//! - `tables`: the compiled trace's exit, patch-site and op-range tables,
//!   stored in its code block after the code (no global allocation).
//!
//! # Entry convention (both modes)
//! The compiled trace is a function `entry(inputs: *const u64, deopt: *mut u64)
//! -> u32` in the target's calling convention. `inputs[k]` holds input `k`
//! (an `Int` sign-extended, a `Ref` address, a `Float`'s bits); the prologue
//! copies them into the frame. A `Finish` writes its values to
//! `deopt[0..n]` in the same encoding; a failing guard leaves through the
//! shared guard exit, which stores the registers and frame slots any
//! exit's values are in into the buffer (table-driven exits, as in LuaJIT
//! and PyPy: nothing is emitted per fail-arg). Either returns its *exit
//! index*, and [`CompiledTrace::decode_exit`] turns index and buffer into
//! an [`Exit`], reading each value where the exit's table says it is (a
//! buffer word or a constant). The buffer needs
//! [`CompiledTrace::deopt_words`] words. On x86-64 hosts
//! [`CompiledTrace::execute`] does all of this; x86-32 code is called the same
//! way through a compat-mode gate (`os_glue::gate32`), see
//! [`CompiledTrace::entry_address`].
//!
//! # Guards and patching
//! Each guard is a patchable `jcc rel32` (two for float equality) to its
//! own stub (`push <exit index>; jmp <guard exit>`);
//! [`CompiledTrace::exit_sites`], [`CompiledTrace::stub_address`]
//! and [`CompiledTrace::redirect_exit`] expose and rewrite them (for bridges).
//!
//! # Register allocation
//! The linear-scan allocator ([`crate::regalloc`]) decides where every value
//! lives (`alloc`: one allocator instruction per IR op; x86-64: every
//! register but `rsp`, `rbp` and the one scratch register `r11` (13 GPRs),
//! all 16 XMMs (Win64: `xmm6..xmm15` callee-saved, saved with all 128
//! bits); x86-32: all six of `eax ecx edx ebx esi edi` and all 8 XMMs;
//! an op that needs another scratch register gets one reserved by the
//! allocator for that op only); the
//! lowering reads each operand from its location (register or spill slot),
//! emits the allocator's edits (moves, spills, reloads) before each op,
//! records each guard's fail-args where the allocator's exit locations
//! put them, closes loops
//! through the label locations (the allocator's parallel moves before the
//! jump), places call arguments per ABI with a parallel move, and saves the
//! callee-saved registers it uses at fixed frame slots
//! ([`CompiledTrace::saved_registers`]). Comparisons feeding only the next
//! guard stay in the flags (fused). Integer constants are immediates where
//! the instruction takes one and are otherwise rematerialised by the
//! allocator (never held across a loop or spilled); a loop value whose
//! update is a two-operand form stays in its register (no back-edge move). A trace the allocator refuses (more
//! than one jump, a jump that is not the last op, ...) is compiled
//! with every value in its own frame slot instead, correct but slower, and
//! counted by [`Compiler::fallbacks`]; [`Compiler::all_slots`] asks for that
//! strategy (measurements, differential tests). Float results of calls on
//! x86-32 arrive in x87 `st(0)`: stored with `fstp` and reloaded into an
//! SSE register (popped even when unused).

mod alloc;
pub mod exec;
pub mod frame;
mod guards;
mod lower;
mod tables;
pub mod target;

#[cfg(feature = "disasm")]
pub mod disasm;

pub use exec::{CompiledTrace, Compiler, ExecError, Exit, OpRange, PatchError};
pub use frame::SavedReg;
pub use target::Target;

use core::fmt;

use crate::memory::MemoryError;
use crate::x86::EncodeError;

/// Why a trace could not be compiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompileError {
    /// The trace's word size is not the target's.
    WordMismatch,
    /// The trace uses something this target cannot do (the message says what).
    Unsupported(&'static str),
    /// The frame or code would exceed 32-bit offsets.
    TooLarge,
    /// The encoder refused an instruction (a backend bug or an impossible operand).
    Encode(EncodeError),
    /// Executable memory could not be obtained or sealed.
    Memory(MemoryError),
    /// The verifier found the register allocator's view of the trace
    /// malformed (a backend bug; see [`Compiler::with_verifier`]).
    Verifier(crate::regalloc::RegAllocError),
}

impl From<EncodeError> for CompileError {
    fn from(e: EncodeError) -> Self {
        CompileError::Encode(e)
    }
}

impl From<MemoryError> for CompileError {
    fn from(e: MemoryError) -> Self {
        CompileError::Memory(e)
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompileError::WordMismatch => write!(f, "trace word size differs from the target's"),
            CompileError::Unsupported(what) => write!(f, "unsupported on this target: {what}"),
            CompileError::TooLarge => write!(f, "trace too large (frame or code offsets)"),
            CompileError::Encode(e) => write!(f, "encoder error: {e}"),
            CompileError::Memory(e) => write!(f, "executable memory error: {e}"),
            CompileError::Verifier(e) => write!(f, "verifier: allocator input malformed: {e}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for CompileError {}
