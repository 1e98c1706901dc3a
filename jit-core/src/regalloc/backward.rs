//! The single backward pass for straight-line code (no `Label`/`Jump`):
//! the LuaJIT scheme. Walking from the last instruction to the first, the
//! first sighting of a value is its last use, so no liveness pre-pass is
//! needed; a value's register is chosen where it is read last and kept
//! back to its definition, so a call argument or a two-operand source is
//! born in the register its reader wants. When registers run out, a value
//! live across the instruction is evicted: it gets a spill slot, stored at
//! its definition, and is reloaded just after the instruction.
//!
//! The output has the forward pass's shape ([`Output`]): edits are
//! produced backwards and reversed at the end. Per instruction, in
//! forward order, the edits are: what the previous instruction left (a
//! def's store to its slot, a copy out of a fixed result register, the
//! reloads of evicted values, values moved back into registers a call
//! destroyed), then the copies into the registers this instruction reads.

use super::env::RegEnv;
use super::error::RegAllocError;
use super::output::{Output, Starts};
use super::parallel_move::{self, Edit, ParallelMove};
use super::types::{
    Allocation, Constraint, Function, InstKind, Operand, OperandKind, PReg, PRegSet, RegClass,
    SpillSlot, VReg,
};
use bumpalo::Bump;
use bumpalo::collections::Vec as BumpVec;

const NOREG: u8 = 0xFF;
const NONE: u32 = u32::MAX;
/// Most operands an instruction on the fast path may have (a power of 2).
const SIMPLE: usize = 8;
/// Definitions back from the current one beyond which a value read is
/// guessed to live across a call (traces call every few dozen ops).
const FAR: u32 = 24;

/// The backward pass's state: where each value is from the current point
/// on (walking backwards), and the output streams, last entries first.
pub(super) struct Backward<'a, 'b, F: ?Sized> {
    func: &'a F,
    env: &'a RegEnv,
    bump: &'b Bump,
    /// Per vreg: its register from here on (NOREG: none).
    reg: &'b mut [u8],
    /// Per vreg: its spill slot (stored at its def), NONE if none.
    slot: &'b mut [u32],
    owner: [u32; 64],
    occupied: PRegSet,
    class_regs: [PRegSet; 2],
    slot_owner: BumpVec<'b, u32>,
    free_slots: BumpVec<'b, u32>,
    cycle_slot: u32,
    /// Edits, last executed first.
    edits: BumpVec<'b, Edit>,
    /// Per instruction: the length of `edits` between its after-moves and
    /// its before-moves (where its forward edit list ends, reversed).
    marks: &'b mut [u32],
    /// Per instruction: the lengths of `allocs` and `exits` once it is done
    /// (so its forward start is the total minus these).
    ends: &'b mut [(u32, u32)],
    /// Operand allocations and exit locations, last first.
    allocs: BumpVec<'b, Allocation>,
    exits: BumpVec<'b, Allocation>,
    refs: BumpVec<'b, (u32, VReg, Allocation)>,
    /// Moves after / before the current instruction (forward order within).
    after: BumpVec<'b, ParallelMove>,
    before: BumpVec<'b, ParallelMove>,
    seq: BumpVec<'b, Edit>,
    cur: BumpVec<'b, Allocation>,
    touched: PRegSet,
    /// The lowest vreg defined so far (walking backwards): how far back a
    /// value read here was defined, to guess whether it lives across a call.
    frontier: u32,
    /// Registers holding fail-args read last by the current instruction
    /// (not live after it: an eviction needs no reload).
    exit_only: PRegSet,
}

impl<'a, 'b, F: Function + ?Sized> Backward<'a, 'b, F> {
    pub(super) fn new(func: &'a F, env: &'a RegEnv, bump: &'b Bump) -> Self {
        let n = func.num_insts();
        let nv = func.num_vregs();
        Backward {
            func,
            env,
            bump,
            reg: bump.alloc_slice_fill_copy(nv, NOREG),
            slot: bump.alloc_slice_fill_copy(nv, NONE),
            owner: [NONE; 64],
            occupied: PRegSet::EMPTY,
            class_regs: RegClass::ALL.map(|c| env.allocatable_of(c)),
            slot_owner: BumpVec::with_capacity_in(64, bump),
            free_slots: BumpVec::with_capacity_in(64, bump),
            cycle_slot: NONE,
            edits: BumpVec::with_capacity_in(n + 16, bump),
            marks: bump.alloc_slice_fill_copy(n, 0),
            ends: bump.alloc_slice_fill_copy(n, (0, 0)),
            allocs: BumpVec::with_capacity_in(3 * n, bump),
            exits: BumpVec::with_capacity_in(n / 2 + 8, bump),
            refs: BumpVec::new_in(bump),
            after: BumpVec::with_capacity_in(32, bump),
            before: BumpVec::with_capacity_in(32, bump),
            seq: BumpVec::with_capacity_in(32, bump),
            cur: BumpVec::with_capacity_in(32, bump),
            touched: PRegSet::EMPTY,
            frontier: nv as u32,
            exit_only: PRegSet::EMPTY,
        }
    }

    pub(super) fn run(mut self) -> Result<Output<'b>, RegAllocError> {
        let n = self.func.num_insts();
        for i in (0..n).rev() {
            match self.func.inst_info(i).kind {
                InstKind::Op => {
                    self.op(i)?;
                    self.ends[i] = (self.allocs.len() as u32, self.exits.len() as u32);
                }
                InstKind::Label | InstKind::Jump => {
                    return Err(RegAllocError::BadLoop {
                        inst: i,
                        reason: "the backward pass takes straight-line code only",
                    });
                }
            }
        }
        if !self.occupied.is_empty() {
            return Err(RegAllocError::Internal {
                inst: 0,
                reason: "a value is live before the first instruction",
            });
        }
        Ok(self.finish())
    }

    /// Reverses the backward streams into the forward [`Output`].
    fn finish(mut self) -> Output<'b> {
        let n = self.func.num_insts();
        let total = self.edits.len() as u32;
        self.edits.reverse();
        self.allocs.reverse();
        self.exits.reverse();
        self.refs.reverse();
        let mut starts = BumpVec::with_capacity_in(n + 1, self.bump);
        let mut r = 0usize;
        let mut refs = BumpVec::with_capacity_in(self.refs.len(), self.bump);
        let (ta, tx) = (self.allocs.len() as u32, self.exits.len() as u32);
        for i in 0..n {
            let edits = if i == 0 { 0 } else { total - self.marks[i - 1] };
            let m = self.ends[i];
            starts.push(Starts {
                allocs: ta - m.0,
                edits,
                exits: tx - m.1,
                refs: refs.len() as u32,
            });
            while r < self.refs.len() && self.refs[r].0 == i as u32 {
                refs.push((self.refs[r].1, self.refs[r].2));
                r += 1;
            }
        }
        starts.push(Starts {
            allocs: ta,
            edits: total - self.marks.last().copied().unwrap_or(total),
            exits: tx,
            refs: refs.len() as u32,
        });
        let mut out = Output {
            allocs: self.allocs,
            starts,
            edits: self.edits,
            exits: self.exits,
            refs,
            label_locs: BumpVec::new_in(self.bump),
            num_spill_slots: self.slot_owner.len() as u32,
            callee_saved_used: self.touched.intersect(self.env.callee_saved),
            exit_regs: PRegSet::EMPTY,
            exit_slots: (u32::MAX, 0),
        };
        for k in 0..out.exits.len() {
            out.note_exit_location(out.exits[k]);
        }
        out
    }

    // ---- state helpers ----------------------------------------------------

    #[inline]
    fn is_const(&self, v: u32) -> bool {
        self.func.vreg_info(VReg(v)).is_const
    }

    #[inline]
    fn class(&self, v: u32) -> RegClass {
        self.func.vreg_info(VReg(v)).class
    }

    #[inline]
    fn home(&self, v: u32) -> Option<PReg> {
        let h = self.reg[v as usize];
        (h != NOREG).then(|| PReg::from_index(h as usize))
    }

    #[inline]
    fn set_home(&mut self, v: u32, r: PReg) {
        self.reg[v as usize] = r.index() as u8;
        self.owner[r.index()] = v;
        self.occupied.insert(r);
        self.touched.insert(r);
    }

    #[inline]
    fn clear_home(&mut self, v: u32) {
        if let Some(r) = self.home(v) {
            self.reg[v as usize] = NOREG;
            self.owner[r.index()] = NONE;
            self.occupied.remove(r);
        }
    }

    /// Where `v` is from here on (a live value has a register or a slot).
    #[inline]
    fn location(&self, v: u32) -> Option<Allocation> {
        if let Some(r) = self.home(v) {
            Some(Allocation::Reg(r))
        } else if self.slot[v as usize] != NONE {
            Some(Allocation::Stack(SpillSlot(self.slot[v as usize])))
        } else if self.is_const(v) {
            Some(Allocation::Const(VReg(v)))
        } else {
            None
        }
    }

    fn slot_of(&mut self, v: u32) -> u32 {
        let s = self.slot[v as usize];
        if s != NONE {
            return s;
        }
        let s = match self.free_slots.pop() {
            Some(s) => s,
            None => {
                self.slot_owner.push(NONE);
                self.slot_owner.len() as u32 - 1
            }
        };
        self.slot_owner[s as usize] = v;
        self.slot[v as usize] = s;
        s
    }

    /// At `v`'s def: its slot's life starts here, going backwards.
    #[inline]
    fn free_slot(&mut self, v: u32) {
        let s = self.slot[v as usize];
        if s != NONE {
            self.slot_owner[s as usize] = NONE;
            self.free_slots.push(s);
            self.slot[v as usize] = NONE;
        }
    }

    fn free_reg(&self, class: RegClass, avoid: PRegSet, prefer_callee: bool) -> Option<PReg> {
        let free = self.class_regs[class as usize]
            .minus(avoid)
            .minus(self.occupied);
        let callee = free.intersect(self.env.callee_saved);
        let other = free.minus(self.env.callee_saved);
        let (first, second) = if prefer_callee {
            (callee, other)
        } else {
            (other, callee)
        };
        first.iter().next().or_else(|| second.iter().next())
    }

    /// Frees a register of `class` outside `avoid` by evicting a value live
    /// across the instruction: it gets a slot (stored at its def) and is
    /// reloaded after the instruction. Evicts the earliest-defined value,
    /// preferring one already in a slot (no new store).
    fn evict(&mut self, class: RegClass, avoid: PRegSet) -> Option<PReg> {
        let candidates = self.class_regs[class as usize]
            .minus(avoid)
            .intersect(self.occupied);
        let mut best: Option<(PReg, bool, u32)> = None;
        for r in candidates.iter() {
            let w = self.owner[r.index()];
            let clean = self.slot[w as usize] != NONE;
            if best.is_none_or(|(_, c, bw)| (clean && !c) || (clean == c && w < bw)) {
                best = Some((r, clean, w));
            }
        }
        let (r, _, w) = best?;
        let s = Allocation::Stack(SpillSlot(self.slot_of(w)));
        // A value moved here for the instruction's sake (step A) goes back
        // from its slot instead.
        match self.after.iter_mut().find(|m| m.from == Allocation::Reg(r)) {
            Some(m) => m.from = s,
            None if self.exit_only.contains(r) => self.exit_only.remove(r),
            None => self.after.push(ParallelMove {
                from: s,
                to: Allocation::Reg(r),
                class,
            }),
        }
        self.clear_home(w);
        Some(r)
    }

    /// Whether `v`, read here, was defined long before (values are
    /// numbered in definition order): likely live across a call, so
    /// better in a callee-saved register.
    fn old(&self, v: u32) -> bool {
        self.frontier.saturating_sub(v) > FAR
    }

    /// A free register of `class` outside `avoid`, else one freed by an
    /// eviction; `OutOfRegisters` when every candidate is in use here.
    fn get_reg(
        &mut self,
        class: RegClass,
        avoid: PRegSet,
        prefer_callee: bool,
        inst: usize,
    ) -> Result<PReg, RegAllocError> {
        match self.free_reg(class, avoid, prefer_callee) {
            Some(r) => Ok(r),
            None => self
                .evict(class, avoid)
                .ok_or(RegAllocError::OutOfRegisters { inst, class }),
        }
    }

    // ---- one instruction ----------------------------------------------------

    /// Instruction `inst`, walking backwards: the fast path when it fits,
    /// else (A) values live across it leave the registers it writes or
    /// reads for another value, (B) its defs are placed and stored, its
    /// fail-args and safepoint map recorded, (C) its uses get registers.
    fn op(&mut self, inst: usize) -> Result<(), RegAllocError> {
        let func = self.func;
        let info = func.inst_info(inst);
        let ops = func.operands(inst);
        let exit_args = func.exit_args(inst);
        self.after.clear();
        self.before.clear();
        self.exit_only = PRegSet::EMPTY;
        if info.clobbers.is_empty()
            && !info.safepoint
            && ops.len() <= SIMPLE
            && ops.iter().all(|o| {
                !matches!(
                    o.constraint,
                    Constraint::Fixed(_) | Constraint::FixedStack(_)
                ) && (exit_args.is_empty() || o.kind == OperandKind::Use)
            })
        {
            return self.simple_op(inst, ops, exit_args);
        }

        // Registers the instruction reads through a fixed constraint or
        // writes (fixed defs, clobbers).
        let mut fixed_uses = PRegSet::EMPTY;
        let mut fixed_defs = PRegSet::EMPTY;
        // Operands per class: registers the instruction may need.
        let mut wanted = [0u32; 2];
        for (k, op) in ops.iter().enumerate() {
            wanted[self.class(op.vreg.0) as usize] += 1;
            match (op.constraint, op.kind) {
                (Constraint::Fixed(p), OperandKind::Use) => fixed_uses.insert(p),
                (Constraint::Fixed(p), OperandKind::Def) => fixed_defs.insert(p),
                (Constraint::FixedStack(_), _) => {
                    return Err(RegAllocError::BadConstraint { inst, operand: k });
                }
                _ => {}
            }
        }
        let clobbered = info.clobbers.union(fixed_defs);
        let is_call = !info.clobbers.is_empty();

        // Fail-args read last here get a register that survives the
        // instruction (or a slot); their locations are taken at the end.
        for &e in exit_args {
            let v = e.0;
            if self.location(v).is_none()
                && !ops
                    .iter()
                    .any(|o| o.kind == OperandKind::Def && o.vreg == e)
            {
                // A register only when the instruction leaves enough.
                let class = self.class(v);
                let avoid = clobbered.union(fixed_uses);
                let spare = self.class_regs[class as usize]
                    .minus(avoid)
                    .minus(self.occupied)
                    .len();
                match self.free_reg(class, avoid, false) {
                    Some(r) if spare > wanted[class as usize] && !self.old(v) => {
                        self.set_home(v, r);
                        self.exit_only.insert(r);
                    }
                    _ => {
                        self.slot_of(v);
                    }
                }
            }
        }

        let defined_here = |w: u32| {
            ops.iter()
                .any(|o| o.kind == OperandKind::Def && o.vreg.0 == w)
        };
        let fixed_reader = |p: PReg| {
            ops.iter().find_map(|o| match o.constraint {
                Constraint::Fixed(q) if q == p && o.kind == OperandKind::Use => Some(o.vreg.0),
                _ => None,
            })
        };

        // (A) Values live across the instruction leave the registers it
        // writes or reads for another value, and come back after it.
        let needed = clobbered.union(fixed_uses);
        for r in self.occupied.intersect(needed).iter() {
            let w = self.owner[r.index()];
            if defined_here(w) {
                continue;
            }
            if !clobbered.contains(r) && fixed_reader(r) == Some(w) {
                continue;
            }
            let avoid = needed.union(self.occupied);
            let to = match self.free_reg(r.class(), avoid, is_call) {
                Some(q) => Allocation::Reg(q),
                None => Allocation::Stack(SpillSlot(self.slot_of(w))),
            };
            self.after.push(ParallelMove {
                from: to,
                to: Allocation::Reg(r),
                class: r.class(),
            });
            self.clear_home(w);
            if let Allocation::Reg(q) = to {
                self.set_home(w, q);
            }
        }

        // Registers of values this instruction reads (not to be evicted).
        let mut pinned = fixed_uses;
        for op in ops.iter().filter(|o| o.kind == OperandKind::Use) {
            if let Some(h) = self.home(op.vreg.0) {
                pinned.insert(h);
            }
        }

        // (B) Defs: written where they are wanted later; a def with a slot
        // is stored there after the instruction.
        self.cur.clear();
        self.cur.resize(ops.len(), Allocation::Flags);
        let mut def_regs = PRegSet::EMPTY;
        let mut reuse_regs = PRegSet::EMPTY;
        // Two rounds: defs written where they are wanted later (or in their
        // fixed register) first; then defs needing another register, which
        // may be any register not written here nor holding a live value.
        for round in 0..2 {
            if round == 1 {
                for (k, op) in ops.iter().enumerate() {
                    if op.kind == OperandKind::Def && self.cur[k] != Allocation::Flags {
                        self.clear_home(op.vreg.0);
                    }
                }
            }
            for (k, op) in ops.iter().enumerate() {
                if op.kind != OperandKind::Def || self.cur[k] != Allocation::Flags {
                    continue;
                }
                let d = op.vreg.0;
                self.frontier = self.frontier.min(d);
                let class = self.class(d);
                let home = self.home(d);
                let is_reuse = matches!(op.constraint, Constraint::Reuse(_));
                let keeps_home = home.is_some_and(|r| {
                    !(fixed_defs.contains(r) || is_reuse && fixed_uses.contains(r))
                });
                let alloc = match op.constraint {
                    Constraint::Flags => {
                        if round == 1 {
                            continue;
                        }
                        Allocation::Flags
                    }
                    Constraint::Fixed(p) => {
                        if round == 1 {
                            continue;
                        }
                        if let Some(r) = home
                            && r != p
                        {
                            self.after.push(ParallelMove {
                                from: Allocation::Reg(p),
                                to: Allocation::Reg(r),
                                class,
                            });
                        }
                        Allocation::Reg(p)
                    }
                    Constraint::RegOrStack if home.is_none() && self.slot[d as usize] != NONE => {
                        if round == 1 {
                            continue;
                        }
                        Allocation::Stack(SpillSlot(self.slot[d as usize]))
                    }
                    _ if keeps_home => {
                        if round == 1 {
                            continue;
                        }
                        Allocation::Reg(home.unwrap_or(PReg::gpr(0)))
                    }
                    _ => {
                        if round == 0 {
                            continue;
                        }
                        let avoid = pinned.union(def_regs).union(fixed_defs);
                        let r = match self.get_reg(class, avoid, false, inst) {
                            Ok(r) => Allocation::Reg(r),
                            Err(_) if op.constraint == Constraint::RegOrStack => {
                                Allocation::Stack(SpillSlot(self.slot_of(d)))
                            }
                            Err(e) => return Err(e),
                        };
                        // Wanted later in a register the instruction also
                        // writes: written elsewhere, copied after.
                        if let Some(h) = home {
                            self.after.push(ParallelMove {
                                from: r,
                                to: Allocation::Reg(h),
                                class,
                            });
                        }
                        if let Allocation::Stack(_) = r {
                            self.cur[k] = r;
                            continue;
                        }
                        r
                    }
                };
                if let (Constraint::Reuse(_), Allocation::Reg(r)) = (op.constraint, alloc) {
                    reuse_regs.insert(r);
                }
                if let Allocation::Reg(r) = alloc {
                    def_regs.insert(r);
                    self.touched.insert(r);
                    let s = self.slot[d as usize];
                    if s != NONE {
                        self.after.push(ParallelMove {
                            from: Allocation::Reg(r),
                            to: Allocation::Stack(SpillSlot(s)),
                            class,
                        });
                    }
                }
                self.cur[k] = alloc;
            }
        }
        // Fail-args: where they are when the exit is taken, after the
        // instruction ran and before the moves that follow it.
        for &e in exit_args.iter().rev() {
            let def = ops
                .iter()
                .position(|o| o.kind == OperandKind::Def && o.vreg == e);
            let loc = match def {
                Some(k) => self.cur[k],
                None => self.location(e.0).ok_or(RegAllocError::Internal {
                    inst,
                    reason: "a fail-arg has no location",
                })?,
            };
            self.exits.push(loc);
        }

        // Defs are not live before the instruction.
        // Fail-args stay where the exit finds them.
        for &e in exit_args {
            if let Some(h) = self.home(e.0) {
                pinned.insert(h);
            }
        }
        // (Their slots only at the end: a value evicted here is reloaded
        // after the instruction, when the def's slot is already written.)
        for op in ops.iter().filter(|o| o.kind == OperandKind::Def) {
            self.clear_home(op.vreg.0);
        }

        // The safepoint map: references live across, where they are
        // during the instruction.
        if info.safepoint {
            self.safepoint_map(inst as u32, ops);
        }

        // (C) Uses. Reuse sources first: they take their def's register.
        let avoid_uses = fixed_uses.union(reuse_regs);
        for (k, op) in ops.iter().enumerate() {
            let Constraint::Reuse(u) = op.constraint else {
                continue;
            };
            if op.kind != OperandKind::Def {
                continue;
            }
            let Allocation::Reg(r) = self.cur[k] else {
                continue;
            };
            let x = ops[u as usize].vreg.0;
            self.cur[u as usize] = Allocation::Reg(r);
            self.read_in(x, r);
        }
        for (k, op) in ops.iter().enumerate() {
            if op.kind != OperandKind::Use || self.cur[k] != Allocation::Flags {
                continue;
            }
            let v = op.vreg.0;
            let alloc = match op.constraint {
                Constraint::Flags => Allocation::Flags,
                Constraint::Fixed(p) => {
                    self.read_in(v, p);
                    Allocation::Reg(p)
                }
                Constraint::RegOrStack
                    if self.home(v).is_none() && self.slot[v as usize] != NONE =>
                {
                    Allocation::Stack(SpillSlot(self.slot[v as usize]))
                }
                _ => match self.home(v) {
                    Some(r) => Allocation::Reg(r),
                    None => {
                        let avoid = avoid_uses.union(pinned);
                        let r = self.get_reg(self.class(v), avoid, self.old(v), inst)?;
                        if self.is_const(v) {
                            self.before.push(ParallelMove {
                                from: Allocation::Const(VReg(v)),
                                to: Allocation::Reg(r),
                                class: r.class(),
                            });
                            self.touched.insert(r);
                        } else {
                            self.set_home(v, r);
                        }
                        pinned.insert(r);
                        Allocation::Reg(r)
                    }
                },
            };
            self.cur[k] = alloc;
        }

        // Emit: the after-moves (run after the instruction), the mark, then
        // the before-moves; each list last first.
        self.emit_moves(inst, self.occupied.union(def_regs).union(fixed_uses))?;
        for k in (0..ops.len()).rev() {
            self.allocs.push(self.cur[k]);
        }
        for op in ops.iter().filter(|o| o.kind == OperandKind::Def) {
            self.free_slot(op.vreg.0);
        }
        Ok(())
    }

    /// [`Self::op`] for the common shape: no fixed register, clobber,
    /// fail-arg or safepoint, at most [`SIMPLE`] operands. The same
    /// choices as the general path in fewer passes.
    fn simple_op(
        &mut self,
        inst: usize,
        ops: &[Operand],
        exit_args: &[VReg],
    ) -> Result<(), RegAllocError> {
        let mut cur = [Allocation::Flags; SIMPLE];
        // Per use operand: the register of the def that reuses it.
        let mut reused = [NOREG; SIMPLE];
        let mut pinned = PRegSet::EMPTY;
        if !exit_args.is_empty() {
            // A guard (no defs): fail-args are where they stay.
            pinned = self.guard_exits(ops, exit_args);
        }
        for op in ops {
            if op.kind == OperandKind::Use
                && let Some(h) = self.home(op.vreg.0)
            {
                pinned.insert(h);
            }
        }
        let (mut def_regs, mut reuse_regs) = (PRegSet::EMPTY, PRegSet::EMPTY);
        for (k, op) in ops.iter().enumerate() {
            if op.kind != OperandKind::Def {
                continue;
            }
            let d = op.vreg.0;
            self.frontier = self.frontier.min(d);
            let s = self.slot[d as usize];
            let alloc = match (op.constraint, self.home(d)) {
                (Constraint::Flags, _) => Allocation::Flags,
                (_, Some(r)) => Allocation::Reg(r),
                (Constraint::RegOrStack, None) if s != NONE => Allocation::Stack(SpillSlot(s)),
                (_, None) => {
                    let class = self.class(d);
                    Allocation::Reg(self.get_reg(class, pinned.union(def_regs), false, inst)?)
                }
            };
            if let Allocation::Reg(r) = alloc {
                def_regs.insert(r);
                self.touched.insert(r);
                if s != NONE {
                    self.after.push(ParallelMove {
                        from: alloc,
                        to: Allocation::Stack(SpillSlot(s)),
                        class: r.class(),
                    });
                }
                if let Constraint::Reuse(u) = op.constraint {
                    reuse_regs.insert(r);
                    reused[u as usize & (SIMPLE - 1)] = r.index() as u8;
                }
            }
            self.clear_home(d);
            cur[k] = alloc;
        }
        // Reuse sources first: they take their def's register.
        if !reuse_regs.is_empty() {
            for (k, op) in ops.iter().enumerate() {
                if reused[k] == NOREG {
                    continue;
                }
                let r = PReg::from_index(reused[k] as usize);
                let x = op.vreg.0;
                self.read_in(x, r);
                cur[k] = Allocation::Reg(r);
            }
        }
        for (k, op) in ops.iter().enumerate() {
            if op.kind != OperandKind::Use || reused[k] != NOREG {
                continue;
            }
            let v = op.vreg.0;
            cur[k] = match (op.constraint, self.home(v)) {
                (Constraint::Flags, _) => Allocation::Flags,
                (_, Some(r)) => Allocation::Reg(r),
                (Constraint::RegOrStack, None) if self.slot[v as usize] != NONE => {
                    Allocation::Stack(SpillSlot(self.slot[v as usize]))
                }
                // Read last here and defined long before: likely to cross
                // a call on the way back, where it would be reloaded.
                (Constraint::RegOrStack, None) if !self.is_const(v) && self.old(v) => {
                    Allocation::Stack(SpillSlot(self.slot_of(v)))
                }
                (_, None) => {
                    let class = self.class(v);
                    let old = self.old(v);
                    let r = self.get_reg(class, reuse_regs.union(pinned), old, inst)?;
                    if self.is_const(v) {
                        self.before.push(ParallelMove {
                            from: Allocation::Const(VReg(v)),
                            to: Allocation::Reg(r),
                            class,
                        });
                        self.touched.insert(r);
                    } else {
                        self.set_home(v, r);
                    }
                    pinned.insert(r);
                    Allocation::Reg(r)
                }
            };
        }
        self.emit_moves(inst, self.occupied.union(def_regs))?;
        for k in (0..ops.len()).rev() {
            self.allocs.push(cur[k]);
        }
        for op in ops.iter().filter(|o| o.kind == OperandKind::Def) {
            self.free_slot(op.vreg.0);
        }
        Ok(())
    }

    /// The fail-args of a guard without defs, clobbers or fixed registers:
    /// a value read last here gets a register if the guard leaves enough,
    /// else a slot. Records the exit locations; returns their registers.
    fn guard_exits(&mut self, ops: &[Operand], exit_args: &[VReg]) -> PRegSet {
        let mut wanted = [0u32; 2];
        for op in ops {
            wanted[self.class(op.vreg.0) as usize] += 1;
        }
        let mut regs = PRegSet::EMPTY;
        let base = self.exits.len();
        for &e in exit_args {
            let v = e.0;
            let loc = match self.location(v) {
                Some(loc) => loc,
                None => {
                    let class = self.class(v);
                    let spare = self.class_regs[class as usize].minus(self.occupied).len();
                    match self.free_reg(class, PRegSet::EMPTY, false) {
                        Some(r) if spare > wanted[class as usize] && !self.old(v) => {
                            self.set_home(v, r);
                            self.exit_only.insert(r);
                            Allocation::Reg(r)
                        }
                        _ => Allocation::Stack(SpillSlot(self.slot_of(v))),
                    }
                }
            };
            if let Allocation::Reg(r) = loc {
                regs.insert(r);
            }
            self.exits.push(loc);
        }
        self.exits[base..].reverse();
        regs
    }

    /// Makes the current instruction read `v` in `r`: copied there before
    /// it from where `v` is, or, if `v` is read last here, born in `r`.
    fn read_in(&mut self, v: u32, r: PReg) {
        match self.location(v) {
            Some(Allocation::Reg(h)) if h == r => {}
            Some(from) => self.before.push(ParallelMove {
                from,
                to: Allocation::Reg(r),
                class: r.class(),
            }),
            None => self.set_home(v, r),
        }
    }

    /// Emits instruction `inst`'s after-moves (they run after it), its
    /// mark, then its before-moves; `busy` registers are not cycle temps.
    fn emit_moves(&mut self, inst: usize, busy: PRegSet) -> Result<(), RegAllocError> {
        if !self.after.is_empty() {
            self.sequence(inst, true, busy)?;
        }
        self.marks[inst] = self.edits.len() as u32;
        if !self.before.is_empty() {
            self.sequence(inst, false, busy)?;
        }
        Ok(())
    }

    /// Orders the (non-empty) after- or before-moves and appends them,
    /// last first.
    fn sequence(&mut self, inst: usize, after: bool, busy: PRegSet) -> Result<(), RegAllocError> {
        let moves = if after { &self.after } else { &self.before };
        // One move needs no ordering.
        if let [m] = moves[..] {
            self.push_move(m);
            return Ok(());
        }
        self.sequence_many(inst, after, busy)
    }

    /// Appends the edit for `m` (nothing when it moves nothing).
    #[inline]
    fn push_move(&mut self, m: ParallelMove) {
        if let Allocation::Reg(r) = m.to {
            self.touched.insert(r);
        }
        if m.from != m.to {
            self.edits.push(Edit::Move {
                from: m.from,
                to: m.to,
                class: m.class,
            });
        }
    }

    /// [`Self::sequence`] for more moves, or two that swap: through the
    /// parallel-move resolver (out of line).
    #[inline(never)]
    fn sequence_many(
        &mut self,
        inst: usize,
        after: bool,
        busy: PRegSet,
    ) -> Result<(), RegAllocError> {
        let moves = if after {
            &mut self.after
        } else {
            &mut self.before
        };
        // Two moves need an order unless they swap (pushed last first).
        if let [a, b] = moves[..] {
            if a.to == b.from && b.to != a.from {
                self.push_move(a);
                self.push_move(b);
                return Ok(());
            }
            if a.to != b.from {
                self.push_move(b);
                self.push_move(a);
                return Ok(());
            }
        }
        let cycle_slot = (self.cycle_slot != NONE).then_some(self.cycle_slot);
        self.seq.clear();
        let fresh = self.slot_owner.len() as u32;
        let reserved = parallel_move::resolve_for_allocator(
            moves,
            self.env,
            busy,
            cycle_slot,
            fresh,
            &mut self.seq,
            inst,
        )?;
        if let Some(s) = reserved {
            self.slot_owner.push(NONE);
            self.cycle_slot = s;
        }
        for e in self.seq.iter().rev() {
            match *e {
                Edit::Move {
                    to: Allocation::Reg(r),
                    ..
                } => self.touched.insert(r),
                Edit::Swap { a, b } => {
                    self.touched.insert(a);
                    self.touched.insert(b);
                }
                _ => {}
            }
            self.edits.push(*e);
        }
        Ok(())
    }

    /// Every location holding a GC reference live across instruction `i`.
    #[inline(never)]
    fn safepoint_map(&mut self, i: u32, ops: &[Operand]) {
        let defined_here = |w: u32| {
            ops.iter()
                .any(|o| o.kind == OperandKind::Def && o.vreg.0 == w)
        };
        for r in self.occupied.iter() {
            let w = self.owner[r.index()];
            if self.func.vreg_info(VReg(w)).is_ref {
                self.refs.push((i, VReg(w), Allocation::Reg(r)));
            }
        }
        for s in 0..self.slot_owner.len() {
            let w = self.slot_owner[s];
            if w != NONE
                && (s as u32) != self.cycle_slot
                && !defined_here(w)
                && self.func.vreg_info(VReg(w)).is_ref
            {
                self.refs
                    .push((i, VReg(w), Allocation::Stack(SpillSlot(s as u32))));
            }
        }
    }
}
