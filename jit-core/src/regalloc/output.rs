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
    pub(super) alloc_start: BumpVec<'b, u32>,
    pub(super) edits: BumpVec<'b, Edit>,
    pub(super) edit_start: BumpVec<'b, u32>,
    pub(super) exits: BumpVec<'b, Allocation>,
    pub(super) exit_start: BumpVec<'b, u32>,
    pub(super) refs: BumpVec<'b, (VReg, Allocation)>,
    pub(super) ref_start: BumpVec<'b, u32>,
    pub(super) label_locs: BumpVec<'b, Allocation>,
    pub(super) num_spill_slots: u32,
    pub(super) callee_saved_used: PRegSet,
}

fn range<'s, T>(items: &'s [T], start: &[u32], inst: usize) -> &'s [T] {
    &items[start[inst] as usize..start[inst + 1] as usize]
}

impl Output<'_> {
    /// Location of each operand of `inst`, in operand order (for a `Reuse`
    /// def, the same register as its use).
    pub fn operand_allocations(&self, inst: usize) -> &[Allocation] {
        range(&self.allocs, &self.alloc_start, inst)
    }
    /// Moves, spills, reloads and swaps to emit before `inst`, in order.
    pub fn edits_before(&self, inst: usize) -> &[Edit] {
        range(&self.edits, &self.edit_start, inst)
    }
    /// Where each fail-arg of `inst` is when its exit is taken (after the
    /// instruction ran), in `exit_args` order.
    pub fn exit_locations(&self, inst: usize) -> &[Allocation] {
        range(&self.exits, &self.exit_start, inst)
    }
    /// For a safepoint: every location holding a GC reference live across
    /// it (a value may be listed twice: register and its spill slot; the GC
    /// must update both). Registers listed are callee-saved.
    pub fn safepoint_refs(&self, inst: usize) -> &[(VReg, Allocation)] {
        range(&self.refs, &self.ref_start, inst)
    }
    /// Location of each label arg at the top of every loop iteration.
    pub fn label_locations(&self) -> &[Allocation] {
        &self.label_locs
    }
    /// Number of 8-byte spill slots the frame must provide.
    pub fn num_spill_slots(&self) -> u32 {
        self.num_spill_slots
    }
    /// Callee-saved registers the code writes: the prologue saves these.
    pub fn callee_saved_used(&self) -> PRegSet {
        self.callee_saved_used
    }
}
