//! Register allocation for traces: linear scan over straight-line code with
//! an optional loop, in the style of the PyPy and LuaJIT trace backends.
//!
//! The contract is this file (the regalloc2 shape): the client describes
//! its code through the [`Function`] trait (vregs with a class, a GC-ref
//! flag and a constant flag; instructions with constrained operands,
//! clobbers, fail-args, safepoints, and one optional `Label`/`Jump` loop),
//! the target through a [`RegEnv`], and calls [`allocate`] with a
//! `bumpalo::Bump` for all scratch and output memory. A warmed-up `Bump`
//! (reset, not dropped) makes allocation free of global allocation.
//!
//! The [`Output`] gives, per instruction, the location of each operand,
//! the [`Edit`]s (moves, spills, reloads, swaps) to emit before it, where
//! each fail-arg lives for a guard exit, and the GC-ref locations at each
//! safepoint; plus the label's locations, spill slot count, and the
//! callee-saved registers the prologue must save.
//!
//! Algorithm: a backward-free liveness pre-pass ([`liveness`]) records
//! every use position; the forward pass ([`linear_scan`]) assigns free
//! registers preferring hints (a jump arg prefers its label register, a
//! value prefers the fixed register of its next fixed use, values crossing
//! calls prefer callee-saved registers), evicts the value whose next use is
//! furthest when none is free (Belady), reuses spill slots after values die,
//! and rematerialises constants. Simultaneous moves go through
//! [`parallel_move`].

mod env;
mod error;
mod linear_scan;
mod liveness;
mod output;
pub mod parallel_move;
mod types;

pub use env::RegEnv;
pub use error::RegAllocError;
pub use output::Output;
pub use parallel_move::Edit;
pub use types::{
    Allocation, Constraint, Function, InstInfo, InstKind, Operand, OperandKind, PReg, PRegSet,
    RegClass, SpillSlot, VReg, VRegInfo,
};

use bumpalo::Bump;

/// Allocates registers for `func` on the target described by `env`.
///
/// All scratch data and the returned [`Output`] live in `bump`; reuse one
/// `Bump` across compiles (calling `reset` in between) and no global
/// allocation happens. Malformed programs are refused with a
/// [`RegAllocError`] before any work is done for the bad instruction.
pub fn allocate<'b, F: Function + ?Sized>(
    func: &F,
    env: &RegEnv,
    bump: &'b Bump,
) -> Result<Output<'b>, RegAllocError> {
    linear_scan::LinearScan::new(func, env, bump)?.run()
}
