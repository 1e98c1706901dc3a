//! The result of allocation: per-instruction operand locations, edits,
//! fail-arg locations and safepoint reference maps, all in the caller's arena.

use super::parallel_move::Edit;
use super::types::{Allocation, PRegSet, VReg};
use bumpalo::collections::Vec as BumpVec;

/// Everything the lowering needs from the allocator. Lives in the `Bump`
/// passed to [`crate::regalloc::allocate`].
#[derive(Debug)]
pub struct Output<'b> {
    pub(super) allocs: BumpVec<'b, Allocation>,
    pub(super) edits: BumpVec<'b, Edit>,
    pub(super) exits: BumpVec<'b, Allocation>,
    pub(super) refs: BumpVec<'b, (VReg, Allocation)>,
    /// Per instruction (plus one past the end): where its operand
    /// allocations, edits, exit locations and safepoint refs start.
    pub(super) starts: BumpVec<'b, Starts>,
    pub(super) label_locs: BumpVec<'b, Allocation>,
    pub(super) num_spill_slots: u32,
    pub(super) callee_saved_used: PRegSet,
    /// Registers and the range of slots any exit location names.
    pub(super) exit_regs: PRegSet,
    pub(super) exit_slots: (u32, u32),
}

/// Start offsets of one instruction's entries in each output table.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Starts {
    pub allocs: u32,
    pub edits: u32,
    pub exits: u32,
    pub refs: u32,
}

impl Output<'_> {
    /// Location of each operand of `inst`, in operand order (for a `Reuse`
    /// def, the same register as its use).
    pub fn operand_allocations(&self, inst: usize) -> &[Allocation] {
        let (s, e) = (self.starts[inst], self.starts[inst + 1]);
        &self.allocs[s.allocs as usize..e.allocs as usize]
    }
    /// Moves, spills, reloads and swaps to emit before `inst`, in order.
    pub fn edits_before(&self, inst: usize) -> &[Edit] {
        let (s, e) = (self.starts[inst], self.starts[inst + 1]);
        &self.edits[s.edits as usize..e.edits as usize]
    }
    /// Where each fail-arg of `inst` is when its exit is taken (after the
    /// instruction ran), in `exit_args` order.
    pub fn exit_locations(&self, inst: usize) -> &[Allocation] {
        let (s, e) = (self.starts[inst], self.starts[inst + 1]);
        &self.exits[s.exits as usize..e.exits as usize]
    }
    /// For a safepoint: every location holding a GC reference live across
    /// it (a value may be listed twice: register and its spill slot; the GC
    /// must update both). Registers listed are callee-saved.
    pub fn safepoint_refs(&self, inst: usize) -> &[(VReg, Allocation)] {
        let (s, e) = (self.starts[inst], self.starts[inst + 1]);
        &self.refs[s.refs as usize..e.refs as usize]
    }
    /// Location of each label arg at the top of every loop iteration.
    pub fn label_locations(&self) -> &[Allocation] {
        &self.label_locs
    }
    /// Number of 8-byte spill slots the frame must provide.
    pub fn num_spill_slots(&self) -> u32 {
        self.num_spill_slots
    }
    /// Every register any exit location names, and the lowest and highest
    /// slot any names (`lo > hi`: none): what a shared exit path must save.
    pub fn exit_sources(&self) -> (PRegSet, u32, u32) {
        (self.exit_regs, self.exit_slots.0, self.exit_slots.1)
    }

    pub(super) fn note_exit_location(&mut self, loc: Allocation) {
        match loc {
            Allocation::Reg(r) => self.exit_regs.insert(r),
            Allocation::Stack(s) => {
                let (lo, hi) = &mut self.exit_slots;
                *lo = (*lo).min(s.0);
                *hi = (*hi).max(s.0);
            }
            _ => {}
        }
    }

    /// Callee-saved registers the code writes: the prologue saves these.
    pub fn callee_saved_used(&self) -> PRegSet {
        self.callee_saved_used
    }
}
