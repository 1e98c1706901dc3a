//! Register allocation for traces: linear scan over straight-line code with
//! an optional loop, in the style of the PyPy and LuaJIT trace backends.
//! Two passes share one contract: [`allocate`] (forward, any trace) and
//! [`allocate_straight`] (backward, traces without a loop: cheaper).
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
//! Algorithm (files named after the parts): a liveness pre-pass
//! (`liveness.rs`) validates the program (skipped for the backend's own
//! view unless its verifier is on) and records each value's last use;
//! the forward pass (`linear_scan.rs`) assigns free registers preferring
//! hints (a jump arg prefers its label register, a value prefers the fixed
//! register of its next fixed use, values crossing calls prefer
//! callee-saved registers), evicts the value whose next use is furthest
//! when none is free (Belady, next uses found by looking 32 instructions
//! ahead, then by last use), reuses spill slots after values die, and
//! rematerialises constants. Simultaneous moves (fixed-register operands,
//! loop back edges) go through [`parallel_move`].
//!
//! The backward pass (`backward.rs`, LuaJIT's scheme) walks from the last
//! instruction to the first: the first sighting of a value is its last use
//! (no liveness pre-pass), and a value is born in the register its last
//! reader wants (a call argument, a two-operand source). Out of registers,
//! it evicts the earliest-defined value live across the instruction: that
//! value is stored at its def and reloaded just after the instruction.
//! Values live across a call move to a callee-saved register or a slot and
//! come back after the call. It has no look-ahead, so under high pressure
//! it may refuse (out of registers) where the forward pass succeeds; the
//! backend then uses the forward pass. Measured on the compile benchmark's
//! traces the whole compile takes ~16% fewer instructions with it, for
//! 3-10% more code: 1.6 times the forward pass's reloads, most of them
//! right after calls, where every value live across the call goes back
//! into the register its later reader wants (telling the pass exactly
//! which values cross a call did not reduce them; reading a long-lived
//! value from its slot where a memory operand may stand did).
//!
//! What the client must know when lowering:
//! - Edits run in order before their instruction; none touches the flags
//!   (constants are materialised with `mov`, XMM swaps with `xorps`).
//! - Stack-to-stack and constant-to-stack moves use the client's scratch
//!   register ([`RegEnv::scratch`]) or `push`/`pop`.
//! - Call arguments passed on the stack are stored by the client from
//!   `Reg` operands of the call (or of a preceding store op).
//! - Spill slots are 8 bytes each, numbered from 0; the frame needs
//!   [`Output::num_spill_slots`] of them.
//!
//! # Example
//!
//! ```
//! use bumpalo::Bump;
//! use jit_core::regalloc::*;
//!
//! // `v2 = v0 + v1` (x86 two-operand form: v2 reuses v0's register), then
//! // a call taking v2 in rdi and returning v3 in rax.
//! struct Trace { ops: Vec<Vec<Operand>>, infos: Vec<InstInfo> }
//! impl Function for Trace {
//!     fn num_insts(&self) -> usize { self.ops.len() }
//!     fn num_vregs(&self) -> usize { 4 }
//!     fn vreg_info(&self, _: VReg) -> VRegInfo {
//!         VRegInfo { class: RegClass::Gpr, is_ref: false, is_const: false }
//!     }
//!     fn inst_info(&self, i: usize) -> InstInfo { self.infos[i] }
//!     fn operands(&self, i: usize) -> &[Operand] { &self.ops[i] }
//!     fn branch_args(&self, _: usize) -> &[VReg] { &[] }
//!     fn exit_args(&self, _: usize) -> &[VReg] { &[] }
//! }
//! let env = RegEnv::x86_64_sysv();
//! let (rdi, rax) = (PReg::gpr(7), PReg::gpr(0));
//! let trace = Trace {
//!     ops: vec![
//!         vec![Operand::def(VReg(0), Constraint::Reg), Operand::def(VReg(1), Constraint::Reg)],
//!         vec![
//!             Operand::use_(VReg(0), Constraint::Reg),
//!             Operand::use_(VReg(1), Constraint::RegOrStack),
//!             Operand::def(VReg(2), Constraint::Reuse(0)),
//!         ],
//!         vec![Operand::use_(VReg(2), Constraint::Fixed(rdi)), Operand::def(VReg(3), Constraint::Fixed(rax))],
//!     ],
//!     infos: vec![
//!         InstInfo::op(),
//!         InstInfo::op(),
//!         InstInfo { clobbers: env.caller_saved, safepoint: true, ..InstInfo::op() },
//!     ],
//! };
//! let bump = Bump::new();
//! let out = allocate(&trace, &env, &bump)?;
//! let add = out.operand_allocations(1);
//! assert_eq!(add[0], add[2]); // the def reuses the first source's register
//! assert_eq!(out.operand_allocations(2)[0], Allocation::Reg(rdi));
//! assert_eq!(out.operand_allocations(2)[1], Allocation::Reg(rax));
//! assert_eq!(out.num_spill_slots(), 0);
//! // Hints put v0, hence v2, in rdi already: nothing to move before the call.
//! assert_eq!(out.edits_before(2), &[]);
//! # Ok::<(), RegAllocError>(())
//! ```

mod backward;
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
    linear_scan::LinearScan::new::<true>(func, env, bump)?.run()
}

/// Allocates registers for straight-line `func` (no `Label`/`Jump`, no
/// `FixedStack` operand: a bridge or side trace) in one backward pass, the
/// LuaJIT scheme: no liveness pre-pass, values born in the register their
/// last reader wants. The same [`Output`] as [`allocate`], in less time;
/// refuses a loop ([`RegAllocError::BadLoop`]), a `FixedStack` operand
/// ([`RegAllocError::BadConstraint`]) and, at times, high register pressure
/// ([`RegAllocError::OutOfRegisters`]): fall back to [`allocate`] then.
/// `func` is validated first, as by [`allocate`].
pub fn allocate_straight<'b, F: Function + ?Sized>(
    func: &F,
    env: &RegEnv,
    bump: &'b Bump,
) -> Result<Output<'b>, RegAllocError> {
    validate(func, env, bump)?;
    allocate_straight_trusted(func, env, bump)
}

/// [`allocate_straight`] without validating `func` (the backend's view,
/// well formed by construction). A malformed `func` gives a wrong
/// allocation, an error or a panic, never undefined behaviour.
pub(crate) fn allocate_straight_trusted<'b, F: Function + ?Sized>(
    func: &F,
    env: &RegEnv,
    bump: &'b Bump,
) -> Result<Output<'b>, RegAllocError> {
    backward::Backward::new(func, env, bump).run()
}

/// Checks that `func` is well formed for `env` (what [`allocate`] checks
/// before allocating), without allocating. Scratch data lives in `bump`.
pub fn validate<F: Function + ?Sized>(
    func: &F,
    env: &RegEnv,
    bump: &Bump,
) -> Result<(), RegAllocError> {
    liveness::Liveness::compute::<true, F>(func, env, bump).map(drop)
}

/// [`allocate`] without validating `func`: for a client whose view is
/// well formed by construction (the backend's, checked by [`validate`]
/// when its verifier is on). A malformed `func` gives a wrong allocation
/// or a panic, never undefined behaviour.
pub(crate) fn allocate_trusted<'b, F: Function + ?Sized>(
    func: &F,
    env: &RegEnv,
    bump: &'b Bump,
) -> Result<Output<'b>, RegAllocError> {
    linear_scan::LinearScan::new::<false>(func, env, bump)?.run()
}
