//! Parallel move resolution: turn a set of simultaneous moves into a
//! sequence of ordinary moves and swaps that has the same effect.
//!
//! Used for loop back edges (jump args into label locations) and for the
//! relocations and fixed-register copies before an instruction (call
//! arguments). Moves whose destination is not read by another pending move
//! go first; what remains are disjoint cycles. A cycle of registers is
//! rotated with swaps (`xchg` for GPRs, three `xorps` for XMMs, neither
//! touches the flags); a cycle through the stack goes through a temporary
//! location the caller supplies (a free register, or a frame slot).

use super::env::RegEnv;
use super::error::RegAllocError;
use super::types::{Allocation, PReg, PRegSet, RegClass, SpillSlot};
use bumpalo::collections::Vec as BumpVec;

/// One sequential step of a resolved parallel move, also the allocator's
/// edit type: inserted before an instruction, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edit {
    /// Copy a value of `class` from `from` to `to`. `from` may be `Const`
    /// (materialise with `mov`); `to` is a register or slot. Stack-to-stack
    /// and constant-to-stack moves are emitted as is: the client lowers them
    /// through its scratch register (or `push`/`pop` when it has none).
    Move {
        from: Allocation,
        to: Allocation,
        class: RegClass,
    },
    /// Exchange two registers of one class (`xchg` for GPRs; for XMMs three
    /// `xorps`, which leave the flags alone).
    Swap { a: PReg, b: PReg },
}

/// One of a set of simultaneous moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParallelMove {
    /// Source location (register, slot or constant).
    pub from: Allocation,
    /// Destination (register or slot).
    pub to: Allocation,
    /// Class of the value moved.
    pub class: RegClass,
}

/// Why a parallel move set was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParallelMoveError {
    /// Two moves write the same location.
    DuplicateDestination(Allocation),
    /// A destination is a constant or the flags, or a source is the flags.
    BadLocation(Allocation),
}

impl ParallelMoveError {
    /// A short description, for error messages.
    pub fn reason(self) -> &'static str {
        match self {
            Self::DuplicateDestination(_) => "two moves write one location",
            Self::BadLocation(_) => "a move to a constant or from/to the flags",
        }
    }
}

/// [`resolve`] for an allocator: a cycle through the stack borrows an
/// allocatable register outside `busy` and the moves' own registers, else
/// the frame slot `cycle_slot` (`None`: not reserved yet; `fresh_slot` is
/// then used). Returns the cycle slot to keep reserved, if one is now used.
/// A refusal is an allocator bug at instruction `inst`.
pub(super) fn resolve_for_allocator(
    moves: &mut BumpVec<'_, ParallelMove>,
    env: &RegEnv,
    busy: PRegSet,
    cycle_slot: Option<u32>,
    fresh_slot: u32,
    out: &mut BumpVec<'_, Edit>,
    inst: usize,
) -> Result<Option<u32>, RegAllocError> {
    let mut busy = busy;
    for m in moves.iter() {
        for loc in [m.from, m.to] {
            if let Allocation::Reg(r) = loc {
                busy.insert(r);
            }
        }
    }
    let free = env.allocatable.minus(env.scratch).minus(busy);
    let slot = cycle_slot.unwrap_or(fresh_slot);
    let mut used_slot = false;
    let mut temp = |class: RegClass| match free.of_class(class).iter().next() {
        Some(r) => Allocation::Reg(r),
        None => {
            used_slot = true;
            Allocation::Stack(SpillSlot(slot))
        }
    };
    resolve(moves, &mut temp, out).map_err(|e| RegAllocError::Internal {
        inst,
        reason: e.reason(),
    })?;
    Ok((used_slot && cycle_slot.is_none()).then_some(slot))
}

/// Sequentialises `moves` (consumed: the vector is left empty), appending
/// the steps to `out`. `temp(class)` must return a location of that class
/// that no move reads or writes; it is called only for cycles that pass
/// through a stack slot.
pub fn resolve(
    moves: &mut BumpVec<'_, ParallelMove>,
    temp: &mut dyn FnMut(RegClass) -> Allocation,
    out: &mut BumpVec<'_, Edit>,
) -> Result<(), ParallelMoveError> {
    // Validate, and find whether any move reads another's destination.
    // Registers and the first 128 slots go through bit sets; moves are few,
    // but a call's spills make many slot destinations.
    let mut reg_src = PRegSet::EMPTY;
    let mut slot_src = SlotSet::default();
    for m in moves.iter() {
        match m.from {
            Allocation::Reg(r) => reg_src.insert(r),
            Allocation::Stack(s) => slot_src.insert(s.0),
            Allocation::Flags => return Err(ParallelMoveError::BadLocation(m.from)),
            Allocation::Const(_) => {}
        }
    }
    let mut reg_dst = PRegSet::EMPTY;
    let mut slot_dst = SlotSet::default();
    let mut dependent = false;
    for (i, m) in moves.iter().enumerate() {
        match m.to {
            Allocation::Reg(r) => {
                if reg_dst.contains(r) {
                    return Err(ParallelMoveError::DuplicateDestination(m.to));
                }
                reg_dst.insert(r);
                dependent |= reg_src.contains(r) && m.from != m.to;
            }
            Allocation::Stack(s) => {
                let seen = slot_dst.contains(s.0, || moves[..i].iter().any(|o| o.to == m.to));
                if seen {
                    return Err(ParallelMoveError::DuplicateDestination(m.to));
                }
                slot_dst.insert(s.0);
                dependent |= m.from != m.to
                    && slot_src.contains(s.0, || moves.iter().any(|o| o.from == m.to));
            }
            _ => return Err(ParallelMoveError::BadLocation(m.to)),
        }
    }
    if !dependent {
        for m in moves.iter().filter(|m| m.from != m.to) {
            out.push(Edit::Move {
                from: m.from,
                to: m.to,
                class: m.class,
            });
        }
        moves.clear();
        return Ok(());
    }
    moves.retain(|m| m.from != m.to);
    // Pending reads per register: a move may go once nothing pending
    // reads its destination.
    let mut reads = [0u8; 64];
    let count_reads = |moves: &BumpVec<'_, ParallelMove>, reads: &mut [u8; 64]| {
        *reads = [0; 64];
        for m in moves.iter() {
            if let Allocation::Reg(r) = m.from {
                reads[r.index()] += 1;
            }
        }
    };
    count_reads(moves, &mut reads);
    while !moves.is_empty() {
        let mut progressed = false;
        let mut j = 0;
        while j < moves.len() {
            let blocked = match moves[j].to {
                Allocation::Reg(r) => reads[r.index()] != 0,
                dst => slot_src.any && moves.iter().any(|m| m.from == dst),
            };
            if blocked {
                j += 1;
            } else {
                let m = moves.swap_remove(j);
                if let Allocation::Reg(r) = m.from {
                    reads[r.index()] -= 1;
                }
                out.push(Edit::Move {
                    from: m.from,
                    to: m.to,
                    class: m.class,
                });
                progressed = true;
            }
        }
        if !progressed {
            break_cycle(moves, temp, out);
            count_reads(moves, &mut reads);
        }
    }
    Ok(())
}

/// A set of slot numbers: a bit set for slots below 128, and a flag for
/// any beyond (then membership is decided by the caller's search).
#[derive(Default)]
struct SlotSet {
    low: u128,
    high: bool,
    any: bool,
}

impl SlotSet {
    fn insert(&mut self, s: u32) {
        self.any = true;
        match 1u128.checked_shl(s) {
            Some(bit) => self.low |= bit,
            None => self.high = true,
        }
    }

    /// Whether `s` is in the set; `search` decides for slots above 127.
    fn contains(&self, s: u32, search: impl FnOnce() -> bool) -> bool {
        match 1u128.checked_shl(s) {
            Some(bit) => self.low & bit != 0,
            None => self.high && search(),
        }
    }
}

/// Every remaining destination is read by another remaining move, so the
/// moves form disjoint cycles (each location read exactly once). Resolves
/// the cycle through `moves[0]` and removes its moves.
fn break_cycle(
    moves: &mut BumpVec<'_, ParallelMove>,
    temp: &mut dyn FnMut(RegClass) -> Allocation,
    out: &mut BumpVec<'_, Edit>,
) {
    let first = moves[0].from;
    // Cycle locations in move order: first -> l1 -> l2 -> ... -> first.
    let mut all_regs = true;
    let mut len = 0;
    let mut loc = first;
    loop {
        all_regs &= matches!(loc, Allocation::Reg(_));
        len += 1;
        let Some(next) = moves.iter().find(|m| m.from == loc) else {
            break;
        };
        loc = next.to;
        if loc == first {
            break;
        }
    }
    let nth = |moves: &BumpVec<'_, ParallelMove>, n: usize| {
        let mut loc = first;
        for _ in 0..n {
            loc = moves.iter().find(|m| m.from == loc).map_or(loc, |m| m.to);
        }
        loc
    };
    if all_regs {
        // Swap(l0, lk) for k = 1..len leaves l_{k} = old l_{k-1}, l0 = old l_{len-1}.
        let Allocation::Reg(a) = first else { return };
        for k in 1..len {
            if let Allocation::Reg(b) = nth(moves, k) {
                out.push(Edit::Swap { a, b });
            }
        }
    } else {
        // A cycle through stack slots may mix classes (a slot holds either):
        // every step keeps the class of the value it moves.
        let class_from = |moves: &BumpVec<'_, ParallelMove>, loc: Allocation| {
            moves
                .iter()
                .find(|m| m.from == loc)
                .map_or(RegClass::Gpr, |m| m.class)
        };
        let last = nth(moves, len - 1);
        let last_class = class_from(moves, last);
        let t = temp(last_class);
        out.push(Edit::Move {
            from: last,
            to: t,
            class: last_class,
        });
        for k in (1..len).rev() {
            let from = nth(moves, k - 1);
            out.push(Edit::Move {
                from,
                to: nth(moves, k),
                class: class_from(moves, from),
            });
        }
        out.push(Edit::Move {
            from: t,
            to: first,
            class: last_class,
        });
    }
    // Remove the cycle's moves: those whose source is on the cycle.
    let mut loc = first;
    for _ in 0..len {
        if let Some(pos) = moves.iter().position(|m| m.from == loc) {
            loc = moves[pos].to;
            moves.swap_remove(pos);
        }
    }
}
