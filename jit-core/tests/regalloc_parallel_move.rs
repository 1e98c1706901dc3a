//! The parallel move resolver against a simulation: random permutations
//! with cycles, duplicated sources, constants and stack slots; the
//! sequential result must leave every destination with its source's old
//! value and touch nothing else but the temporary.

use bumpalo::Bump;
use bumpalo::collections::Vec as BumpVec;
use jit_core::regalloc::parallel_move::{ParallelMove, ParallelMoveError, resolve};
use jit_core::regalloc::{Allocation, Edit, PReg, RegClass, SpillSlot, VReg};
use quickcheck::{QuickCheck, TestResult};
use std::collections::HashMap;

fn location(code: u8, class: RegClass) -> Allocation {
    match code % 14 {
        n @ 0..=7 => Allocation::Reg(PReg::new(class, n)),
        // Slots are shared by both classes, so cycles can mix them; two
        // are beyond the resolver's bit set of the first 128 slots.
        n @ 8..=11 => Allocation::Stack(SpillSlot(u32::from(n - 8))),
        n => Allocation::Stack(SpillSlot(190 + u32::from(n))),
    }
}

/// Runs `edits` on a machine where every location initially holds its own
/// name; returns the final contents.
fn simulate(edits: &[Edit]) -> HashMap<Allocation, Allocation> {
    simulate_classes(edits, &HashMap::new()).unwrap_or_else(|e| panic!("{e}"))
}

/// As `simulate`, also checking each move's class against the class of the
/// value it carries (`classes`: class of the value initially at a location).
fn simulate_classes(
    edits: &[Edit],
    classes: &HashMap<Allocation, RegClass>,
) -> Result<HashMap<Allocation, Allocation>, String> {
    let mut m: HashMap<Allocation, Allocation> = HashMap::new();
    let get = |m: &HashMap<Allocation, Allocation>, l: Allocation| match l {
        Allocation::Const(_) => l,
        _ => m.get(&l).copied().unwrap_or(l),
    };
    for e in edits {
        match *e {
            Edit::Move { from, to, class } => {
                let v = get(&m, from);
                if let Some(&c) = classes.get(&v)
                    && c != class
                {
                    return Err(format!("{e:?} moves a {c:?} value"));
                }
                m.insert(to, v);
            }
            Edit::Swap { a, b } => {
                let (va, vb) = (get(&m, Allocation::Reg(a)), get(&m, Allocation::Reg(b)));
                m.insert(Allocation::Reg(a), vb);
                m.insert(Allocation::Reg(b), va);
            }
        }
    }
    Ok(m)
}

/// `pairs`: (source code, destination code); destinations deduplicated.
fn run(pairs: Vec<(u8, u8, bool)>, consts: u8) -> TestResult {
    let bump = Bump::new();
    let mut moves = BumpVec::new_in(&bump);
    let mut wanted = Vec::new();
    // A location holds one value: a slot's class is fixed by its first use.
    let mut classes: HashMap<Allocation, RegClass> = HashMap::new();
    for (k, &(s, d, xmm)) in pairs.iter().enumerate() {
        let class = if xmm { RegClass::Xmm } else { RegClass::Gpr };
        let from = if consts > 0 && k as u8 % 7 == consts % 7 {
            Allocation::Const(VReg(k as u32))
        } else {
            location(s, class)
        };
        let class = *classes.entry(from).or_insert(class);
        let to = location(d, class);
        if wanted.iter().any(|&(t, _)| t == to) {
            continue;
        }
        moves.push(ParallelMove { from, to, class });
        wanted.push((to, from));
    }
    let temp_gpr = Allocation::Stack(SpillSlot(100));
    let temp_xmm = Allocation::Reg(PReg::xmm(15));
    let mut out = BumpVec::new_in(&bump);
    let mut temp = |c: RegClass| {
        if c == RegClass::Gpr {
            temp_gpr
        } else {
            temp_xmm
        }
    };
    if let Err(e) = resolve(&mut moves, &mut temp, &mut out) {
        return TestResult::error(format!("{e:?}"));
    }
    let m = match simulate_classes(&out, &classes) {
        Ok(m) => m,
        Err(e) => return TestResult::error(e),
    };
    for &(to, from) in &wanted {
        let got = m.get(&to).copied().unwrap_or(to);
        if got != from {
            return TestResult::error(format!(
                "{to:?} holds {got:?}, wanted {from:?}; edits {out:?}"
            ));
        }
    }
    for (&loc, &val) in &m {
        let is_dest = wanted.iter().any(|&(t, _)| t == loc);
        if !is_dest && loc != val && loc != temp_gpr && loc != temp_xmm {
            return TestResult::error(format!("{loc:?} clobbered with {val:?}; edits {out:?}"));
        }
    }
    let swaps_and_moves = out.len();
    if swaps_and_moves > 3 * wanted.len() + 2 {
        return TestResult::error(format!(
            "{swaps_and_moves} steps for {} moves",
            wanted.len()
        ));
    }
    TestResult::passed()
}

#[test]
fn random_parallel_moves_are_sequentialised_correctly() {
    QuickCheck::new()
        .tests(5000)
        .quickcheck(run as fn(Vec<(u8, u8, bool)>, u8) -> TestResult);
}

#[test]
fn permutations_of_registers_rotate_with_swaps_only() {
    fn prop(perm_seed: Vec<u8>) -> TestResult {
        let n = perm_seed.len().min(8);
        let mut perm: Vec<u8> = (0..n as u8).collect();
        for (i, &s) in perm_seed.iter().take(n).enumerate() {
            perm.swap(i, s as usize % n);
        }
        let bump = Bump::new();
        let mut moves = BumpVec::new_in(&bump);
        for (i, &p) in perm.iter().enumerate() {
            let (from, to) = (
                Allocation::Reg(PReg::gpr(i as u8)),
                Allocation::Reg(PReg::gpr(p)),
            );
            moves.push(ParallelMove {
                from,
                to,
                class: RegClass::Gpr,
            });
        }
        let mut out = BumpVec::new_in(&bump);
        let mut temp =
            |_| -> Allocation { panic!("no temporary needed for a register permutation") };
        resolve(&mut moves, &mut temp, &mut out).unwrap_or_else(|e| panic!("{e:?}"));
        let m = simulate(&out);
        let ok = perm.iter().enumerate().all(|(i, &p)| {
            m.get(&Allocation::Reg(PReg::gpr(p)))
                .copied()
                .unwrap_or(Allocation::Reg(PReg::gpr(p)))
                == Allocation::Reg(PReg::gpr(i as u8))
        });
        TestResult::from_bool(ok && out.len() < n.max(1))
    }
    QuickCheck::new()
        .tests(2000)
        .quickcheck(prop as fn(Vec<u8>) -> TestResult);
}

#[test]
fn a_stack_cycle_goes_through_the_temporary() {
    let bump = Bump::new();
    let (a, b) = (
        Allocation::Stack(SpillSlot(0)),
        Allocation::Reg(PReg::gpr(3)),
    );
    let mut moves = BumpVec::new_in(&bump);
    moves.push(ParallelMove {
        from: a,
        to: b,
        class: RegClass::Gpr,
    });
    moves.push(ParallelMove {
        from: b,
        to: a,
        class: RegClass::Gpr,
    });
    let t = Allocation::Reg(PReg::gpr(9));
    let mut out = BumpVec::new_in(&bump);
    resolve(&mut moves, &mut |_| t, &mut out).unwrap_or_else(|e| panic!("{e:?}"));
    let m = simulate(&out);
    assert_eq!(m[&a], b);
    assert_eq!(m[&b], a);
    assert_eq!(out.len(), 3);
}

/// Resolves GPR moves `(from, to)`: the steps, or why they were refused.
fn resolve_gpr(moves: &[(Allocation, Allocation)]) -> Result<Vec<Edit>, ParallelMoveError> {
    let bump = Bump::new();
    let mut pm = BumpVec::new_in(&bump);
    pm.extend(moves.iter().map(|&(from, to)| ParallelMove {
        from,
        to,
        class: RegClass::Gpr,
    }));
    let mut out = BumpVec::new_in(&bump);
    resolve(&mut pm, &mut |_| Allocation::Stack(SpillSlot(9)), &mut out)?;
    Ok(out.to_vec())
}

#[test]
fn two_writes_to_one_location_are_refused() {
    let (r0, r1, r2) = (PReg::gpr(0), PReg::gpr(1), PReg::gpr(2));
    let to = Allocation::Reg(r0);
    let moves = [(Allocation::Reg(r1), to), (Allocation::Reg(r2), to)];
    assert_eq!(
        resolve_gpr(&moves),
        Err(ParallelMoveError::DuplicateDestination(to))
    );
}

#[test]
fn two_writes_to_one_slot_are_refused_below_and_above_slot_127() {
    let (reg, slot) = (
        |n| Allocation::Reg(PReg::gpr(n)),
        |n| Allocation::Stack(SpillSlot(n)),
    );
    for s in [5, 300] {
        let to = slot(s);
        let moves = [
            (reg(1), slot(7)),
            (reg(3), to),
            (reg(2), slot(400)),
            (reg(4), to),
        ];
        assert_eq!(
            resolve_gpr(&moves),
            Err(ParallelMoveError::DuplicateDestination(to))
        );
    }
}
