//! The forward pass: walks the instructions once, keeping for each live
//! vreg its register (if any) and spill slot (if any), and emits edits.
//!
//! Per instruction: (1) one parallel move relocates values out of registers
//! the instruction needs (fixed uses, fixed defs, clobbers) and copies values
//! into fixed-use registers; (2) reuse defs and remaining uses get registers
//! (reloading, evicting the value whose next use is furthest: Belady);
//! (3) fail-args and safepoint maps are recorded; (4) values dying here are
//! freed; (5) defs get registers.

use super::env::RegEnv;
use super::error::RegAllocError;
use super::liveness::{Liveness, NONE};
use super::output::{Output, Starts};
use super::parallel_move::{self, Edit, ParallelMove};
use super::types::{
    Allocation, Constraint, Function, InstKind, Operand, OperandKind, PReg, PRegSet, RegClass,
    SpillSlot, VReg,
};
use bumpalo::Bump;
use bumpalo::collections::Vec as BumpVec;

const NOREG: u8 = 0xFF;
/// How many instructions eviction looks ahead for next uses.
const LOOKAHEAD: u32 = 32;
/// Slot owner marker for the slot reserved for breaking move cycles.
const RESERVED: u32 = NONE - 1;

/// What happens to a value sitting in a register the instruction needs.
#[derive(Clone, Copy)]
struct Relocation {
    vreg: u32,
    from: PReg,
    to: Option<Allocation>,
}

pub(super) struct LinearScan<'a, 'b, F: ?Sized> {
    func: &'a F,
    env: &'a RegEnv,
    bump: &'b Bump,
    live: Liveness<'b>,
    home: &'b mut [u8],
    slot: &'b mut [u32],
    remat: &'b mut [bool],
    /// Per vreg: 1 + the instruction that lists it as a fail-arg.
    exit_stamp: &'b mut [u32],
    /// Per vreg: 1 + the instruction that reads it through a fixed register.
    fixed_stamp: &'b mut [u32],
    owner: [u32; 64],
    /// Allocatable registers per class.
    class_regs: [PRegSet; 2],
    occupied: PRegSet,
    temps: PRegSet,
    slot_owner: BumpVec<'b, u32>,
    /// Slots owned by GC-ref values (what a safepoint scans), and per slot
    /// its index in that list (NONE: not listed).
    ref_slots: BumpVec<'b, u32>,
    ref_slot_pos: BumpVec<'b, u32>,
    free_slots: BumpVec<'b, u32>,
    cycle_slot: u32,
    flags_vreg: u32,
    label_state: BumpVec<'b, (u32, Allocation)>,
    moves: BumpVec<'b, ParallelMove>,
    plan: BumpVec<'b, Relocation>,
    out: Output<'b>,
}

impl<'a, 'b, F: Function + ?Sized> LinearScan<'a, 'b, F> {
    /// The allocator's state for `func` (validated first when `CHECK`).
    pub(super) fn new<const CHECK: bool>(
        func: &'a F,
        env: &'a RegEnv,
        bump: &'b Bump,
    ) -> Result<Self, RegAllocError> {
        let live = Liveness::compute::<CHECK, F>(func, env, bump)?;
        let (num_operands, num_exit_args) = (live.num_operands, live.num_exit_args);
        let n = func.num_insts();
        let nv = func.num_vregs();
        let per_vreg = |x| &mut *bump.alloc_slice_fill_copy(nv, x);
        let info = |v: usize| func.vreg_info(VReg(v as u32));
        let remat = bump.alloc_slice_fill_iter((0..nv).map(|v| info(v).is_const));
        Ok(LinearScan {
            func,
            env,
            bump,
            live,
            home: bump.alloc_slice_fill_copy(nv, NOREG),
            slot: per_vreg(NONE),
            remat,
            exit_stamp: per_vreg(0),
            fixed_stamp: per_vreg(0),
            owner: [NONE; 64],
            class_regs: RegClass::ALL.map(|c| env.allocatable_of(c)),
            occupied: PRegSet::EMPTY,
            temps: PRegSet::EMPTY,
            slot_owner: BumpVec::with_capacity_in(64, bump),
            ref_slots: BumpVec::with_capacity_in(16, bump),
            ref_slot_pos: BumpVec::with_capacity_in(64, bump),
            free_slots: BumpVec::with_capacity_in(64, bump),
            cycle_slot: NONE,
            flags_vreg: NONE,
            label_state: BumpVec::with_capacity_in(32, bump),
            moves: BumpVec::with_capacity_in(32, bump),
            plan: BumpVec::with_capacity_in(32, bump),
            out: Output {
                allocs: BumpVec::with_capacity_in(num_operands, bump),
                starts: BumpVec::with_capacity_in(n + 1, bump),
                edits: BumpVec::with_capacity_in(n + 16, bump),
                exits: BumpVec::with_capacity_in(num_exit_args, bump),
                refs: BumpVec::with_capacity_in(32, bump),
                label_locs: BumpVec::with_capacity_in(16, bump),
                num_spill_slots: 0,
                callee_saved_used: PRegSet::EMPTY,
                exit_regs: PRegSet::EMPTY,
                exit_slots: (u32::MAX, 0),
            },
        })
    }

    pub(super) fn run(mut self) -> Result<Output<'b>, RegAllocError> {
        for i in 0..self.func.num_insts() {
            self.push_starts();
            match self.func.inst_info(i).kind {
                InstKind::Op => self.op(i)?,
                InstKind::Label => self.label(i)?,
                InstKind::Jump => self.jump(i)?,
            }
        }
        self.push_starts();
        self.out.num_spill_slots = self.slot_owner.len() as u32;
        Ok(self.out)
    }

    // ---- small state helpers -------------------------------------------

    /// Records where the next instruction's output entries start.
    fn push_starts(&mut self) {
        let o = &mut self.out;
        o.starts.push(Starts {
            allocs: o.allocs.len() as u32,
            edits: o.edits.len() as u32,
            exits: o.exits.len() as u32,
            refs: o.refs.len() as u32,
        });
    }

    /// Whether `v` holds a GC reference (asked when it gets a slot and at
    /// safepoints only).
    fn is_ref(&self, v: u32) -> bool {
        self.func.vreg_info(VReg(v)).is_ref
    }

    fn class(&self, v: u32) -> RegClass {
        self.func.vreg_info(VReg(v)).class
    }

    fn home_reg(&self, v: u32) -> Option<PReg> {
        let h = self.home[v as usize];
        (h != NOREG).then(|| PReg::from_index(h as usize))
    }

    /// The best place to read `v` from now.
    fn location(&self, v: u32) -> Allocation {
        if let Some(r) = self.home_reg(v) {
            Allocation::Reg(r)
        } else if self.slot[v as usize] != NONE {
            Allocation::Stack(SpillSlot(self.slot[v as usize]))
        } else {
            Allocation::Const(VReg(v))
        }
    }

    fn take_reg(&mut self, v: u32, r: PReg) {
        self.owner[r.index()] = v;
        let one = PRegSet::EMPTY.with(r);
        self.occupied = self.occupied.union(one);
        self.out.callee_saved_used = self
            .out
            .callee_saved_used
            .union(one.intersect(self.env.callee_saved));
    }

    fn set_home(&mut self, v: u32, r: PReg) {
        self.take_reg(v, r);
        self.home[v as usize] = r.index() as u8;
    }

    fn release_reg(&mut self, r: PReg) {
        self.owner[r.index()] = NONE;
        self.occupied.remove(r);
        self.temps.remove(r);
    }

    fn clear_home(&mut self, v: u32) {
        if let Some(r) = self.home_reg(v) {
            self.release_reg(r);
            self.home[v as usize] = NOREG;
        }
    }

    fn new_slot(&mut self, v: u32) -> u32 {
        let s = match self.free_slots.pop() {
            Some(s) => {
                debug_assert_eq!(
                    self.slot_owner[s as usize], NONE,
                    "slot {s} reused while owned"
                );
                s
            }
            None => {
                self.slot_owner.push(NONE);
                self.ref_slot_pos.push(NONE);
                self.slot_owner.len() as u32 - 1
            }
        };
        self.own_slot(s, v);
        s
    }

    /// Records `v` as the owner of free slot `s`.
    fn own_slot(&mut self, s: u32, v: u32) {
        self.slot_owner[s as usize] = v;
        self.slot[v as usize] = s;
        if self.is_ref(v) {
            self.ref_slot_pos[s as usize] = self.ref_slots.len() as u32;
            self.ref_slots.push(s);
        }
    }

    /// Gives slot `s` to `v` (a `FixedStack` def); the slot must be free.
    fn claim_slot(&mut self, v: u32, s: u32) -> Result<(), ()> {
        while self.slot_owner.len() <= s as usize {
            self.free_slots.push(self.slot_owner.len() as u32);
            self.slot_owner.push(NONE);
            self.ref_slot_pos.push(NONE);
        }
        let pos = self.free_slots.iter().position(|&f| f == s).ok_or(())?;
        self.free_slots.swap_remove(pos);
        self.own_slot(s, v);
        Ok(())
    }

    fn free_slot(&mut self, v: u32) {
        let s = self.slot[v as usize];
        if s != NONE {
            debug_assert_eq!(
                self.slot_owner[s as usize], v,
                "slot {s} freed by a non-owner"
            );
            self.slot_owner[s as usize] = NONE;
            let pos = self.ref_slot_pos[s as usize];
            if pos != NONE {
                self.ref_slots.swap_remove(pos as usize);
                if let Some(&moved) = self.ref_slots.get(pos as usize) {
                    self.ref_slot_pos[moved as usize] = pos;
                }
                self.ref_slot_pos[s as usize] = NONE;
            }
            self.free_slots.push(s);
            self.slot[v as usize] = NONE;
        }
    }

    fn free_value(&mut self, v: u32) {
        self.clear_home(v);
        self.free_slot(v);
        if self.flags_vreg == v {
            self.flags_vreg = NONE;
        }
    }

    fn survives(&self, v: u32, i: u32) -> bool {
        self.exit_stamp[v as usize] == i + 1 || self.live.used_after(v, i)
    }

    fn edit(&mut self, from: Allocation, to: Allocation, class: RegClass) {
        self.out.edits.push(Edit::Move { from, to, class });
    }

    /// A free register of `class` outside `avoid`: the hint if possible
    /// (unless the value crosses a call and the hint does not survive it),
    /// else callee-saved first when `across_call`, caller-saved first otherwise.
    fn pick_free(
        &self,
        class: RegClass,
        avoid: PRegSet,
        hint: Option<PReg>,
        across_call: bool,
    ) -> Option<PReg> {
        let free = self.class_regs[class as usize]
            .minus(avoid)
            .minus(self.occupied);
        // A hint into a register the next call destroys would only cost a
        // move at that call.
        if let Some(h) = hint
            && free.contains(h)
            && !(across_call && self.env.caller_saved.contains(h))
        {
            return Some(h);
        }
        let callee = free.intersect(self.env.callee_saved);
        let other = free.minus(self.env.callee_saved);
        let (first, second) = if across_call {
            (callee, other)
        } else {
            (other, callee)
        };
        first.iter().next().or_else(|| second.iter().next())
    }

    /// Frees a register of `class` outside `avoid` by evicting the value
    /// whose next use is furthest (not one read by instruction `i` unless
    /// `allow_read`: at def time, when the store before the instruction
    /// still sees the value), storing it first if it has no slot and is not
    /// a constant.
    fn evict(&mut self, class: RegClass, avoid: PRegSet, i: u32, allow_read: bool) -> Option<PReg> {
        // The registers of values instruction `i` reads (a non-temporary
        // register holds its owner's home).
        let mut read = PRegSet::EMPTY;
        if !allow_read {
            for o in self.func.operands(i as usize) {
                if o.kind == OperandKind::Use
                    && let Some(h) = self.home_reg(o.vreg.0)
                {
                    read.insert(h);
                }
            }
        }
        let candidates = self.class_regs[class as usize]
            .minus(avoid)
            .minus(self.temps)
            .minus(read)
            .intersect(self.occupied);
        let next = self.next_uses(candidates, i);
        let mut best: Option<(PReg, u32, bool)> = None;
        for r in candidates.iter() {
            let w = self.owner[r.index()];
            let next = next[r.index()];
            let clean = self.slot[w as usize] != NONE || self.remat[w as usize];
            if best.is_none_or(|(_, n, c)| next > n || (next == n && clean && !c)) {
                best = Some((r, next, clean));
            }
        }
        let (r, _, clean) = best?;
        let w = self.owner[r.index()];
        if !clean {
            let s = self.new_slot(w);
            self.edit(Allocation::Reg(r), Allocation::Stack(SpillSlot(s)), class);
        }
        self.clear_home(w);
        Some(r)
    }

    /// For each register of `regs`, the next read after instruction `i`
    /// of the value it holds as an operand (fail-args and branch args read
    /// it wherever it is), found by scanning at most [`LOOKAHEAD`]
    /// instructions ahead. A value not read in that window ranks after
    /// every value that is, by its last use (a value never read again
    /// ranks last): Belady's choice, approximated beyond the window.
    fn next_uses(&self, regs: PRegSet, i: u32) -> [u32; 64] {
        let mut next = [NONE; 64];
        let far = i.saturating_add(LOOKAHEAD + 1);
        for r in regs.iter() {
            let last = self.live.last_use(self.owner[r.index()]);
            if last > i {
                next[r.index()] = last.max(far);
            }
        }
        let mut pending = regs;
        let end = (i as usize + 1 + LOOKAHEAD as usize).min(self.func.num_insts());
        for j in i as usize + 1..end {
            for o in self.func.operands(j) {
                let h = self.home[o.vreg.0 as usize];
                if h == NOREG {
                    continue;
                }
                let h = PReg::from_index(h as usize);
                if pending.contains(h) {
                    next[h.index()] = j as u32;
                    pending.remove(h);
                    if pending.is_empty() {
                        return next;
                    }
                }
            }
        }
        next
    }

    fn get_reg(
        &mut self,
        class: RegClass,
        avoid: PRegSet,
        hint: Option<PReg>,
        across_call: bool,
        i: u32,
        allow_read: bool,
    ) -> Result<PReg, RegAllocError> {
        if let Some(r) = self.pick_free(class, avoid, hint, across_call) {
            return Ok(r);
        }
        self.evict(class, avoid, i, allow_read)
            .ok_or(RegAllocError::OutOfRegisters {
                inst: i as usize,
                class,
            })
    }

    /// Sequentialises `self.moves` into edits; cycles through the stack use
    /// a free register outside `busy`, else the reserved cycle slot.
    fn resolve_moves(&mut self, inst: usize, busy: PRegSet) -> Result<(), RegAllocError> {
        if self.moves.is_empty() {
            return Ok(());
        }
        let mut moves = core::mem::replace(&mut self.moves, BumpVec::new_in(self.bump));
        let cycle_slot = (self.cycle_slot != NONE).then_some(self.cycle_slot);
        let first_edit = self.out.edits.len();
        let result = parallel_move::resolve_for_allocator(
            &mut moves,
            self.env,
            busy.union(self.occupied),
            cycle_slot,
            self.slot_owner.len() as u32,
            &mut self.out.edits,
            inst,
        );
        self.moves = moves;
        if let Some(s) = result? {
            self.slot_owner.push(RESERVED);
            self.ref_slot_pos.push(NONE);
            self.cycle_slot = s;
        }
        for e in self.out.edits[first_edit..].iter() {
            if let Edit::Move {
                to: Allocation::Reg(r),
                ..
            } = e
                && self.env.callee_saved.contains(*r)
            {
                self.out.callee_saved_used.insert(*r);
            }
        }
        Ok(())
    }

    // ---- instructions ----------------------------------------------------

    fn op(&mut self, inst: usize) -> Result<(), RegAllocError> {
        let func = self.func;
        let i = inst as u32;
        let info = func.inst_info(inst);
        let ops = func.operands(inst);
        let exits = func.exit_args(inst);
        for &e in exits {
            self.exit_stamp[e.0 as usize] = i + 1;
        }
        let mut fixed_uses = PRegSet::EMPTY;
        let mut fixed_defs = PRegSet::EMPTY;
        if self.live.has_fixed(inst) {
            for (d, op) in ops.iter().enumerate() {
                match (op.constraint, op.kind) {
                    (Constraint::Fixed(p), OperandKind::Use) => fixed_uses.insert(p),
                    (Constraint::Fixed(p), OperandKind::Def) => fixed_defs.insert(p),
                    (Constraint::FixedStack(s), _) => self
                        .claim_slot(op.vreg.0, s.0)
                        .map_err(|()| RegAllocError::BadConstraint { inst, operand: d })?,
                    _ => {}
                }
            }
        }
        let clobbered = info.clobbers.union(fixed_defs);

        // Flags: the live flags value must not be clobbered before its last use.
        if self.flags_vreg != NONE {
            let f = self.flags_vreg;
            let defines_flags = ops
                .iter()
                .any(|o| o.kind == OperandKind::Def && o.constraint == Constraint::Flags);
            if (info.clobbers_flags || defines_flags) && self.live.used_after(f, i) {
                return Err(RegAllocError::BadFlags {
                    inst,
                    vreg: VReg(f),
                    reason: "clobbered before its last use",
                });
            }
        }

        // (1) Relocations and fixed-use copies, as one parallel move
        // (nothing to do without fixed registers or clobbers).
        if !(fixed_uses.is_empty() && clobbered.is_empty()) {
            self.relocate(inst, ops, info.clobbers, fixed_uses, clobbered)?;
        }

        // (2) Reuse defs, then the other uses.
        // This instruction's operand locations, written in place.
        let base = self.out.allocs.len();
        self.out.allocs.resize(base + ops.len(), Allocation::Flags);
        let mut def_reserved = PRegSet::EMPTY;
        for (d, op) in ops.iter().enumerate() {
            let Constraint::Reuse(k) = op.constraint else {
                continue;
            };
            let k = k as usize;
            let v = ops[k].vreg.0;
            let class = self.class(v);
            let in_place = match self.home_reg(v) {
                Some(h)
                    if !self.survives(v, i)
                        && !def_reserved.contains(h)
                        && !fixed_defs.contains(h) =>
                {
                    Some(h)
                }
                _ => None,
            };
            let busy = def_reserved.union(fixed_uses).union(clobbered);
            let in_place = in_place.or_else(|| self.move_out_for_reuse(v, op.vreg.0, i, busy));
            let q = match in_place {
                Some(h) => h,
                None => {
                    let avoid = def_reserved.union(fixed_defs).union(fixed_uses);
                    let hint = self.def_hint(op.vreg.0);
                    let across = self.live.crosses_call(op.vreg.0, i);
                    let free = self.pick_free(class, avoid, hint, across);
                    let home = self.home_reg(v).filter(|h| !avoid.contains(*h));
                    let (q, copy) = match (free, home) {
                        (Some(q), _) => (q, true),
                        // No spare register: keep the surviving value in its slot
                        // and let the instruction overwrite its register.
                        (None, Some(h)) => {
                            if self.slot[v as usize] == NONE && !self.remat[v as usize] {
                                let s = self.new_slot(v);
                                self.edit(
                                    Allocation::Reg(h),
                                    Allocation::Stack(SpillSlot(s)),
                                    class,
                                );
                            }
                            self.clear_home(v);
                            (h, false)
                        }
                        (None, None) => (self.get_reg(class, avoid, hint, across, i, false)?, true),
                    };
                    if copy {
                        let from = self.location(v);
                        self.edit(from, Allocation::Reg(q), class);
                    }
                    self.take_reg(v, q);
                    self.temps.insert(q);
                    q
                }
            };
            def_reserved.insert(q);
            self.out.allocs[base + k] = Allocation::Reg(q);
            self.out.allocs[base + d] = Allocation::Reg(q);
        }
        for (j, op) in ops.iter().enumerate() {
            if op.kind != OperandKind::Use || self.out.allocs[base + j] != Allocation::Flags {
                continue;
            }
            let v = op.vreg.0;
            self.out.allocs[base + j] = match op.constraint {
                Constraint::Fixed(p) => Allocation::Reg(p),
                Constraint::Flags => {
                    if self.flags_vreg != v {
                        return Err(RegAllocError::BadFlags {
                            inst,
                            vreg: op.vreg,
                            reason: "not in the flags here",
                        });
                    }
                    Allocation::Flags
                }
                Constraint::RegOrStack
                    if self.home_reg(v).is_none() && self.slot[v as usize] != NONE =>
                {
                    Allocation::Stack(SpillSlot(self.slot[v as usize]))
                }
                _ => match self.home_reg(v) {
                    Some(h) => Allocation::Reg(h),
                    None => self.reload(v, i, def_reserved.union(fixed_uses), clobbered)?,
                },
            };
        }

        // (4) Free temporaries and values whose last read is here.
        for r in self.temps.iter() {
            self.release_reg(r);
        }
        // Their slots stay reserved until the defs are placed: a spill store
        // for a def-time eviction runs before the instruction, and must not
        // overwrite a slot the instruction still reads.
        for op in ops.iter().filter(|o| o.kind == OperandKind::Use) {
            if !self.survives(op.vreg.0, i) {
                self.clear_home(op.vreg.0);
                if self.flags_vreg == op.vreg.0 {
                    self.flags_vreg = NONE;
                }
            }
        }

        // Survivors left in destroyed registers are clean copies: drop them.
        for r in self.occupied.intersect(clobbered).iter() {
            let w = self.owner[r.index()];
            debug_assert!(
                self.slot[w as usize] != NONE || self.remat[w as usize],
                "dirty value in a clobbered register"
            );
            self.clear_home(w);
        }
        // (5) Defs.
        let mut assigned = def_reserved.union(fixed_defs);
        for (d, op) in ops.iter().enumerate() {
            if op.kind != OperandKind::Def {
                continue;
            }
            let v = op.vreg.0;
            let class = self.class(v);
            let alloc = match op.constraint {
                Constraint::Fixed(p) => {
                    if self.occupied.contains(p) {
                        return Err(RegAllocError::FixedConflict { inst, reg: p });
                    }
                    self.set_home(v, p);
                    Allocation::Reg(p)
                }
                Constraint::Reuse(_) => {
                    let Allocation::Reg(q) = self.out.allocs[base + d] else {
                        continue;
                    };
                    self.set_home(v, q);
                    Allocation::Reg(q)
                }
                Constraint::Flags => {
                    self.flags_vreg = v;
                    Allocation::Flags
                }
                Constraint::FixedStack(s) => Allocation::Stack(s),
                Constraint::RegOrStack | Constraint::Reg => {
                    let hint = self.def_hint(v);
                    let across = self.live.crosses_call(v, i);
                    let reg = match self.pick_free(class, assigned, hint, across) {
                        Some(r) => Some(r),
                        None if op.constraint == Constraint::RegOrStack => None,
                        None => Some(
                            self.evict(class, assigned, i, true)
                                .ok_or(RegAllocError::OutOfRegisters { inst, class })?,
                        ),
                    };
                    match reg {
                        Some(r) => {
                            self.set_home(v, r);
                            Allocation::Reg(r)
                        }
                        None => Allocation::Stack(SpillSlot(self.new_slot(v))),
                    }
                }
            };
            if let Allocation::Reg(r) = alloc {
                assigned.insert(r);
            }
            self.out.allocs[base + d] = alloc;
        }
        // (6) Fail-args and the safepoint map: where survivors are after the
        // instruction (a def-time eviction stored them before it).
        for &e in exits {
            let loc = self.location(e.0);
            self.out.note_exit_location(loc);
            self.out.exits.push(loc);
        }
        if info.safepoint {
            self.safepoint_map(ops, i);
        }

        for op in ops {
            if !self.live.used_after(op.vreg.0, i) {
                self.free_value(op.vreg.0);
            }
        }
        for &e in exits {
            if !self.live.used_after(e.0, i) {
                self.free_value(e.0);
            }
        }
        Ok(())
    }

    /// A loop value updated in place: when the result of a two-operand
    /// form `d` wants the register `h` of its surviving source `v` (the
    /// label location `d` is carried to), `v` moves to a free register and
    /// the instruction overwrites `h`, so the loop-carried chain has no
    /// move and the back edge none either. Returns `h`.
    fn move_out_for_reuse(&mut self, v: u32, d: u32, i: u32, avoid: PRegSet) -> Option<PReg> {
        let h = self.home_reg(v)?;
        if self.def_hint(d) != Some(h) || self.temps.contains(h) || avoid.contains(h) {
            return None;
        }
        let across = self.live.crosses_call(v, i);
        let q = self.pick_free(h.class(), avoid.with(h), None, across)?;
        self.edit(Allocation::Reg(h), Allocation::Reg(q), h.class());
        self.clear_home(v);
        self.set_home(v, q);
        Some(h)
    }

    /// Brings use `v` of instruction `i` into a register outside `avoid`
    /// (and outside `clobbered` if it survives the instruction), reloading
    /// or rematerialising it. Out of line: most uses are in registers.
    #[inline(never)]
    fn reload(
        &mut self,
        v: u32,
        i: u32,
        avoid: PRegSet,
        clobbered: PRegSet,
    ) -> Result<Allocation, RegAllocError> {
        let survives = self.survives(v, i);
        let class = self.class(v);
        let across = survives && self.live.crosses_call(v, i);
        let hint = self.live.fixed_hint(v);
        let keep = if survives {
            avoid.union(clobbered)
        } else {
            avoid
        };
        let q = match self.get_reg(class, keep, hint, across, i, false) {
            Ok(q) => q,
            // The value stays in its slot (or is a constant): a register
            // the instruction destroys can hold the copy it reads.
            Err(_) if survives => self.get_reg(class, avoid, hint, across, i, false)?,
            Err(e) => return Err(e),
        };
        let from = self.location(v);
        self.edit(from, Allocation::Reg(q), class);
        self.set_home(v, q);
        Ok(Allocation::Reg(q))
    }

    /// The safepoint map of instruction `i`: every location holding a GC
    /// reference that survives it (calls only: kept out of line).
    #[inline(never)]
    fn safepoint_map(&mut self, ops: &[Operand], i: u32) {
        let defined_here = |w: u32| {
            ops.iter()
                .any(|o| o.kind == OperandKind::Def && o.vreg.0 == w)
        };
        for r in self.occupied.minus(self.temps).iter() {
            let w = self.owner[r.index()];
            if self.is_ref(w) && !defined_here(w) && self.survives(w, i) {
                self.out.refs.push((VReg(w), Allocation::Reg(r)));
            }
        }
        for k in 0..self.ref_slots.len() {
            let s = self.ref_slots[k];
            let w = self.slot_owner[s as usize];
            if !defined_here(w) && self.survives(w, i) {
                self.out
                    .refs
                    .push((VReg(w), Allocation::Stack(SpillSlot(s))));
            }
        }
    }

    /// Step (1) of an instruction: moves values out of the registers it
    /// needs (fixed uses, fixed defs, clobbers) and copies values into its
    /// fixed-use registers, all as one parallel move. Kept out of line:
    /// most instructions skip it, and `op` stays compact without it.
    #[inline(never)]
    fn relocate(
        &mut self,
        inst: usize,
        ops: &[Operand],
        clobbers: PRegSet,
        fixed_uses: PRegSet,
        clobbered: PRegSet,
    ) -> Result<(), RegAllocError> {
        let i = inst as u32;
        if clobbered.is_empty() && fixed_uses.len() == 1 && self.single_fixed_use(ops, i) {
            return Ok(());
        }
        self.plan.clear();
        self.moves.clear();
        // Registers holding values the instruction reads through a fixed
        // register (every occupied register is a home here: no temporaries).
        debug_assert!(
            self.temps.is_empty(),
            "temporaries left from the last instruction"
        );
        let mut fixed_homes = PRegSet::EMPTY;
        for o in ops {
            if o.kind == OperandKind::Use && matches!(o.constraint, Constraint::Fixed(_)) {
                self.fixed_stamp[o.vreg.0 as usize] = i + 1;
                if let Some(h) = self.home_reg(o.vreg.0) {
                    fixed_homes.insert(h);
                }
            }
        }
        // Survivors in destroyed registers that the instruction does not
        // read through a fixed register leave first, one by one: each move
        // reads only its own register and writes a free register that
        // survives (or a fresh slot), so it can precede the parallel move,
        // which then has only the fixed-register reads left (at a call: the
        // arguments). The choices are the parallel move's.
        if !clobbers.is_empty() {
            let avoid = fixed_uses.union(clobbered);
            for r in self.occupied.intersect(clobbered).iter() {
                let w = self.owner[r.index()];
                if self.fixed_stamp[w as usize] == i + 1 || !self.survives(w, i) {
                    continue;
                }
                if self.slot[w as usize] == NONE && !self.remat[w as usize] {
                    let to = match self.pick_free(r.class(), self.occupied.union(avoid), None, true)
                    {
                        Some(q) => Allocation::Reg(q),
                        None => Allocation::Stack(SpillSlot(self.new_slot(w))),
                    };
                    self.edit(Allocation::Reg(r), to, r.class());
                    self.clear_home(w);
                    if let Allocation::Reg(q) = to {
                        self.set_home(w, q);
                    }
                } else {
                    self.clear_home(w);
                }
            }
        }
        let mut taken = PRegSet::EMPTY;
        // Only registers the instruction needs, or holding a value it reads
        // through a fixed register, can need a relocation.
        let needed = fixed_uses.union(clobbered);
        let candidates = self.occupied.intersect(needed.union(fixed_homes));
        for r in candidates.iter() {
            let w = self.owner[r.index()];
            // Whether the instruction reads `w` through a fixed register.
            let reads_fixed = self.fixed_stamp[w as usize] == i + 1;
            if !needed.contains(r) && !reads_fixed {
                continue;
            }
            let survives = self.survives(w, i);
            let wanted_by_other = fixed_uses.contains(r)
                && ops.iter().any(|o| {
                    o.constraint == Constraint::Fixed(r)
                        && o.kind == OperandKind::Use
                        && o.vreg.0 != w
                });
            let own_fixed = reads_fixed.then_some(()).and_then(|()| {
                ops.iter().find_map(|o| match o.constraint {
                    Constraint::Fixed(p)
                        if o.kind == OperandKind::Use
                            && o.vreg.0 == w
                            && p != r
                            && !(survives && clobbered.contains(p)) =>
                    {
                        Some(p)
                    }
                    _ => None,
                })
            });
            // A value read only through fixed registers moves there rather
            // than being copied, so it does not hold two registers.
            let only_fixed_reads = own_fixed.is_some()
                && ops.iter().all(|o| {
                    o.vreg.0 != w
                        || o.kind != OperandKind::Use
                        || matches!(o.constraint, Constraint::Fixed(_))
                });
            let self_fixed = own_fixed.is_some() && only_fixed_reads && !fixed_uses.contains(r);
            if !(wanted_by_other || self_fixed || survives && clobbered.contains(r)) {
                continue;
            }
            let to = if let Some(p) = own_fixed {
                taken.insert(p);
                Some(Allocation::Reg(p))
            } else if self.slot[w as usize] != NONE || self.remat[w as usize] {
                None
            } else {
                let mut avoid = self.occupied.union(taken).union(fixed_uses);
                if survives {
                    avoid = avoid.union(clobbered);
                }
                let across = survives && !clobbers.is_empty();
                match self.pick_free(r.class(), avoid, None, across) {
                    Some(q) => {
                        taken.insert(q);
                        Some(Allocation::Reg(q))
                    }
                    None => Some(Allocation::Stack(SpillSlot(self.new_slot(w)))),
                }
            };
            if let Some(to) = to {
                self.moves.push(ParallelMove {
                    from: Allocation::Reg(r),
                    to,
                    class: r.class(),
                });
            }
            self.plan.push(Relocation {
                vreg: w,
                from: r,
                to,
            });
        }
        // Fixed-use copies (temporaries for this instruction only).
        let mut temp_copies = PRegSet::EMPTY;
        for op in ops.iter().filter(|o| o.kind == OperandKind::Use) {
            let Constraint::Fixed(p) = op.constraint else {
                continue;
            };
            let v = op.vreg.0;
            let moved_there = self
                .plan
                .iter()
                .any(|m| m.vreg == v && m.to == Some(Allocation::Reg(p)));
            let stays = self.owner[p.index()] == v && !self.plan.iter().any(|m| m.from == p);
            if moved_there || stays || temp_copies.contains(p) {
                continue;
            }
            if self.owner[p.index()] != v {
                let from = self.location(v);
                self.moves.push(ParallelMove {
                    from,
                    to: Allocation::Reg(p),
                    class: p.class(),
                });
            }
            temp_copies.insert(p);
        }
        self.resolve_moves(inst, taken.union(fixed_uses))?;
        for k in 0..self.plan.len() {
            let m = self.plan[k];
            self.release_reg(m.from);
            self.home[m.vreg as usize] = NOREG;
        }
        for k in 0..self.plan.len() {
            let m = self.plan[k];
            if let Some(Allocation::Reg(q)) = m.to {
                self.set_home(m.vreg, q);
            }
        }
        for op in ops.iter().filter(|o| o.kind == OperandKind::Use) {
            if let Constraint::Fixed(p) = op.constraint
                && temp_copies.contains(p)
            {
                self.take_reg(op.vreg.0, p);
                self.temps.insert(p);
            }
        }
        Ok(())
    }

    /// Step (1) for the common shape of one value read through one fixed
    /// register that is free or already holds it, nothing clobbered (a
    /// shift count in `rcx`): the same choice as the general path, without
    /// its parallel move. Returns false, doing nothing, for other shapes.
    fn single_fixed_use(&mut self, ops: &[Operand], i: u32) -> bool {
        let mut fixed = ops
            .iter()
            .filter(|o| o.kind == OperandKind::Use && matches!(o.constraint, Constraint::Fixed(_)));
        let (Some(use_), None) = (fixed.next(), fixed.next()) else {
            return false;
        };
        let (v, Constraint::Fixed(p)) = (use_.vreg.0, use_.constraint) else {
            return false;
        };
        if self.owner[p.index()] == v {
            // Already there: the general path moves nothing either.
            self.fixed_stamp[v as usize] = i + 1;
            return true;
        }
        if self.occupied.contains(p) {
            return false;
        }
        self.fixed_stamp[v as usize] = i + 1;
        let other_reads = ops.iter().any(|o| {
            o.kind == OperandKind::Use
                && o.vreg.0 == v
                && !matches!(o.constraint, Constraint::Fixed(_))
        });
        match self.home_reg(v) {
            // Read only through `p`: the value moves there.
            Some(h) if !other_reads => {
                self.edit(Allocation::Reg(h), Allocation::Reg(p), p.class());
                self.clear_home(v);
                self.set_home(v, p);
            }
            // Else a copy, for this instruction only.
            _ => {
                let from = self.location(v);
                self.edit(from, Allocation::Reg(p), p.class());
                self.take_reg(v, p);
                self.temps.insert(p);
            }
        }
        true
    }

    /// Preferred register for a new def: the label location of the jump arg
    /// it becomes, else the fixed register it is next used in.
    fn def_hint(&self, v: u32) -> Option<PReg> {
        let k = self.live.jump_index[v as usize];
        if k != NONE
            && let Some(Allocation::Reg(r)) = self.out.label_locs.get(k as usize)
        {
            return Some(*r);
        }
        self.live.fixed_hint(v)
    }

    fn label(&mut self, inst: usize) -> Result<(), RegAllocError> {
        let i = inst as u32;
        if self.flags_vreg != NONE && self.live.used_after(self.flags_vreg, i) {
            return Err(RegAllocError::BadFlags {
                inst,
                vreg: VReg(self.flags_vreg),
                reason: "live across the loop header",
            });
        }
        let args = self.func.branch_args(inst);
        for &a in args {
            let v = a.0;
            let loc = if let Some(r) = self.home_reg(v) {
                self.free_slot(v);
                Allocation::Reg(r)
            } else if self.slot[v as usize] != NONE {
                Allocation::Stack(SpillSlot(self.slot[v as usize]))
            } else {
                // A constant becomes a loop variable: it needs a real home.
                let class = self.class(v);
                let to = match self.pick_free(class, PRegSet::EMPTY, None, false) {
                    Some(r) => {
                        self.set_home(v, r);
                        Allocation::Reg(r)
                    }
                    None => Allocation::Stack(SpillSlot(self.new_slot(v))),
                };
                self.edit(Allocation::Const(a), to, class);
                to
            };
            self.remat[v as usize] = false;
            self.out.label_locs.push(loc);
        }
        // Constants are rematerialised inside the loop, never carried.
        for r in self.occupied.iter() {
            let w = self.owner[r.index()];
            if self.remat[w as usize] {
                self.clear_home(w);
            }
        }
        for r in self.occupied.iter() {
            self.label_state
                .push((self.owner[r.index()], Allocation::Reg(r)));
        }
        for s in 0..self.slot_owner.len() {
            let w = self.slot_owner[s];
            if w < RESERVED {
                self.label_state
                    .push((w, Allocation::Stack(SpillSlot(s as u32))));
            }
        }
        for &a in args {
            if !self.live.used_after(a.0, i) {
                self.free_value(a.0);
            }
        }
        Ok(())
    }

    fn jump(&mut self, inst: usize) -> Result<(), RegAllocError> {
        self.moves.clear();
        let args = self.func.branch_args(inst);
        for (k, &a) in args.iter().enumerate() {
            let from = self.location(a.0);
            let to = self.out.label_locs[k];
            self.moves.push(ParallelMove {
                from,
                to,
                class: self.class(a.0),
            });
        }
        for k in 0..self.label_state.len() {
            let (w, to) = self.label_state[k];
            if !self.live.is_label_arg[w as usize] {
                let from = self.location(w);
                self.moves.push(ParallelMove {
                    from,
                    to,
                    class: self.class(w),
                });
            }
        }
        // Label locations are the only registers written; everything read is occupied.
        self.resolve_moves(inst, PRegSet::EMPTY)
    }
}
