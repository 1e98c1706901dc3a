//! Hand-written allocation scenarios: register pressure in both classes,
//! loop shuffles, register file sizes per target, calls, flags, and the
//! refusal of malformed programs. Every allocation is also run through the
//! simulating checker.

mod regalloc_support;

use bumpalo::Bump;
use jit_core::regalloc::{
    Allocation, Constraint, Edit, InstInfo, Operand, Output, PReg, PRegSet, RegAllocError,
    RegClass, RegEnv, allocate, validate,
};
use regalloc_support::{TestFunc, check, def_reg, dump, use_reg};

fn checked<'b>(f: &TestFunc, env: &RegEnv, bump: &'b Bump) -> Output<'b> {
    let out = allocate(f, env, bump).unwrap_or_else(|e| panic!("{e}\n{}", dump(f, None)));
    if let Err(msg) = check(f, env, &out, 3) {
        panic!("{msg}\n{}", dump(f, Some(&out)));
    }
    out
}

/// Defines `n` values of `class`, then reads them all back in one op each
/// (in reverse order), so all `n` are live at once.
fn pressure(class: RegClass, n: usize) -> TestFunc {
    let mut f = TestFunc::default();
    let vs: Vec<_> = (0..n).map(|_| f.vreg(class)).collect();
    for &v in &vs {
        f.op(vec![def_reg(v)]);
    }
    for &v in vs.iter().rev() {
        f.op(vec![use_reg(v)]);
    }
    f
}

fn registers_used(out: &Output<'_>, f: &TestFunc) -> PRegSet {
    let mut set = PRegSet::EMPTY;
    for i in 0..f.insts.len() {
        for a in out.operand_allocations(i) {
            if let Allocation::Reg(r) = a {
                set.insert(*r);
            }
        }
    }
    set
}

#[test]
fn x86_64_uses_13_gprs_and_16_xmms_before_spilling() {
    let env = RegEnv::x86_64_sysv();
    for (class, n) in [(RegClass::Gpr, 13), (RegClass::Xmm, 16)] {
        let f = pressure(class, n);
        let bump = Bump::new();
        let out = checked(&f, &env, &bump);
        assert_eq!(out.num_spill_slots(), 0, "{class:?}");
        assert_eq!(registers_used(&out, &f).len(), n as u32, "{class:?}");
        let f = pressure(class, n + 1);
        let out = checked(&f, &env, &bump);
        assert_eq!(
            out.num_spill_slots(),
            1,
            "{class:?}: one value more than registers spills once"
        );
    }
}

#[test]
fn x86_32_uses_6_gprs_and_8_xmms_before_spilling() {
    let env = RegEnv::x86_32();
    for (class, n) in [(RegClass::Gpr, 6), (RegClass::Xmm, 8)] {
        let f = pressure(class, n);
        let bump = Bump::new();
        let out = checked(&f, &env, &bump);
        assert_eq!(out.num_spill_slots(), 0, "{class:?}");
        assert_eq!(registers_used(&out, &f).len(), n as u32, "{class:?}");
        let out = checked(&pressure(class, n + 3), &env, &bump);
        assert_eq!(out.num_spill_slots(), 3, "{class:?}");
    }
}

#[test]
fn never_allocates_rsp_rbp_or_the_scratch_register() {
    let env = RegEnv::x86_64_sysv();
    let f = pressure(RegClass::Gpr, 40);
    let bump = Bump::new();
    let out = checked(&f, &env, &bump);
    let used = registers_used(&out, &f);
    for num in [4, 5, 11] {
        assert!(!used.contains(PReg::gpr(num)), "r{num} allocated");
    }
}

#[test]
fn far_away_values_are_spilled_first() {
    // a is read last, b and c soon: with 2 registers, a is the one spilled.
    let env = RegEnv {
        allocatable: PRegSet::from_masks(0b11, 0),
        callee_saved: PRegSet::EMPTY,
        caller_saved: PRegSet::from_masks(0b11, 0),
        scratch: PRegSet::EMPTY,
    };
    let mut f = TestFunc::default();
    let [a, b, c] = [
        f.vreg(RegClass::Gpr),
        f.vreg(RegClass::Gpr),
        f.vreg(RegClass::Gpr),
    ];
    f.op(vec![def_reg(a)]);
    f.op(vec![def_reg(b)]);
    f.op(vec![def_reg(c)]);
    f.op(vec![use_reg(b)]);
    f.op(vec![use_reg(c)]);
    f.op(vec![use_reg(a)]);
    let bump = Bump::new();
    let out = checked(&f, &env, &bump);
    let spilled: Vec<_> = (0..f.insts.len())
        .flat_map(|i| out.edits_before(i))
        .filter(|e| {
            matches!(
                e,
                Edit::Move {
                    to: Allocation::Stack(_),
                    ..
                }
            )
        })
        .collect();
    assert_eq!(spilled.len(), 1);
    assert_eq!(
        out.operand_allocations(0)[0],
        match spilled[0] {
            Edit::Move { from, .. } => *from,
            Edit::Swap { .. } => unreachable!(),
        }
    );
}

/// `label(x, y); x2 = x + 1; y2 = y + 1; jump(...)` with the given order.
fn counting_loop(swap: bool) -> TestFunc {
    let mut f = TestFunc::default();
    let [x, y, x2, y2] = [0; 4].map(|_| f.vreg(RegClass::Gpr));
    f.op(vec![def_reg(x), def_reg(y)]);
    f.label(vec![x, y]);
    f.op(vec![use_reg(x), Operand::def(x2, Constraint::Reuse(0))]);
    f.op(vec![use_reg(y), Operand::def(y2, Constraint::Reuse(0))]);
    f.jump(if swap { vec![y2, x2] } else { vec![x2, y2] });
    f
}

#[test]
fn a_loop_closes_without_moves_when_args_flow_straight() {
    let f = counting_loop(false);
    let bump = Bump::new();
    let out = checked(&f, &RegEnv::x86_64_sysv(), &bump);
    assert_eq!(out.edits_before(f.insts.len() - 1), &[]);
}

/// `label(s, i); s2 = s + i` with the old `s` a fail-arg of the next
/// guard (so it survives the add): the update happens in `s`'s register
/// and the old value moves out, so the back edge needs no move.
#[test]
fn a_loop_value_updated_while_it_survives_stays_in_its_register() {
    let mut f = TestFunc::default();
    let [s, i, s2, i2] = [0; 4].map(|_| f.vreg(RegClass::Gpr));
    f.op(vec![def_reg(s), def_reg(i)]);
    f.label(vec![s, i]);
    let add = f.op(vec![
        use_reg(s),
        use_reg(i),
        Operand::def(s2, Constraint::Reuse(0)),
    ]);
    f.push(InstInfo::op(), vec![], vec![], vec![s]);
    f.op(vec![use_reg(i), Operand::def(i2, Constraint::Reuse(0))]);
    let jump = f.jump(vec![s2, i2]);
    for env in [RegEnv::x86_64_sysv(), RegEnv::x86_32()] {
        let bump = Bump::new();
        let out = checked(&f, &env, &bump);
        assert_eq!(out.edits_before(jump), &[], "{env:?}");
        let sum = out.operand_allocations(add)[2];
        assert_eq!(sum, out.label_locations()[0], "{env:?}");
        // One copy of the old value, before the add.
        assert_eq!(out.edits_before(add).len(), 1, "{env:?}");
    }
}

#[test]
fn permuted_jump_args_are_exchanged() {
    let f = counting_loop(true);
    let bump = Bump::new();
    let out = checked(&f, &RegEnv::x86_64_sysv(), &bump);
    let edits = out.edits_before(f.insts.len() - 1);
    assert!(matches!(edits, [Edit::Swap { .. }]), "{edits:?}");
}

#[test]
fn duplicated_and_rotated_jump_args_reach_their_label_locations() {
    let env = RegEnv::x86_32();
    let mut f = TestFunc::default();
    let vs: Vec<_> = (0..5).map(|_| f.vreg(RegClass::Gpr)).collect();
    let xs: Vec<_> = (0..3).map(|_| f.vreg(RegClass::Xmm)).collect();
    f.op(vs
        .iter()
        .chain(&xs)
        .map(|&v| Operand::def(v, Constraint::RegOrStack))
        .collect());
    let args: Vec<_> = vs.iter().chain(&xs).copied().collect();
    f.label(args);
    f.op(vs.iter().chain(&xs).map(|&v| use_reg(v)).take(4).collect());
    // rotate the gprs, duplicate one, swap two xmms
    f.jump(vec![vs[1], vs[2], vs[3], vs[0], vs[0], xs[1], xs[0], xs[2]]);
    let bump = Bump::new();
    checked(&f, &env, &bump);
}

#[test]
fn many_values_in_a_loop_spill_and_still_close_in_both_classes() {
    for env in [RegEnv::x86_32(), RegEnv::x86_64_sysv()] {
        let mut f = TestFunc::default();
        let mut carried = Vec::new();
        for k in 0..40 {
            carried.push(f.vreg(if k % 2 == 0 {
                RegClass::Gpr
            } else {
                RegClass::Xmm
            }));
        }
        f.op(carried
            .iter()
            .map(|&v| Operand::def(v, Constraint::RegOrStack))
            .collect());
        f.label(carried.clone());
        let mut next = Vec::new();
        for &v in &carried {
            let class = f.vregs[v.0 as usize].class;
            let n = f.vreg(class);
            f.op(vec![use_reg(v), Operand::def(n, Constraint::Reuse(0))]);
            next.push(n);
        }
        next.rotate_left(2);
        f.jump(next);
        let bump = Bump::new();
        let out = checked(&f, &env, &bump);
        assert!(out.num_spill_slots() > 0);
    }
}

#[test]
fn values_live_across_a_call_go_to_callee_saved_registers() {
    let env = RegEnv::x86_64_sysv();
    let mut f = TestFunc::default();
    let [a, r] = [f.vreg(RegClass::Gpr), f.vreg(RegClass::Gpr)];
    f.op(vec![def_reg(a)]);
    let call = InstInfo {
        clobbers: env.caller_saved,
        safepoint: true,
        ..InstInfo::op()
    };
    f.push(
        call,
        vec![Operand::def(r, Constraint::Fixed(PReg::gpr(0)))],
        vec![],
        vec![],
    );
    f.op(vec![use_reg(a), use_reg(r)]);
    let bump = Bump::new();
    let out = checked(&f, &env, &bump);
    let Allocation::Reg(home) = out.operand_allocations(0)[0] else {
        panic!("a not in a register")
    };
    assert!(env.callee_saved.contains(home), "{home:?}");
    assert_eq!(out.callee_saved_used(), PRegSet::EMPTY.with(home));
    assert!(out.edits_before(1).is_empty());
}

#[test]
fn live_refs_at_a_safepoint_are_reported_where_they_are() {
    let env = RegEnv::x86_64_sysv();
    let mut f = TestFunc::default();
    let refs: Vec<_> = (0..8).map(|_| f.ref_vreg()).collect();
    let int = f.vreg(RegClass::Gpr);
    f.op(refs.iter().chain([&int]).map(|&v| def_reg(v)).collect());
    let call = InstInfo {
        clobbers: env.caller_saved,
        safepoint: true,
        ..InstInfo::op()
    };
    let sp = f.push(
        call,
        vec![Operand::use_(refs[0], Constraint::Fixed(PReg::gpr(7)))],
        vec![],
        vec![],
    );
    f.op(refs
        .iter()
        .chain([&int])
        .map(|&v| Operand::use_(v, Constraint::RegOrStack))
        .collect());
    let bump = Bump::new();
    let out = checked(&f, &env, &bump);
    let reported = out.safepoint_refs(sp);
    for r in &refs {
        assert!(
            reported.iter().any(|(v, _)| v == r),
            "{r:?} missing from {reported:?}"
        );
    }
    assert!(reported.iter().all(|(v, _)| *v != int));
}

#[test]
fn guard_exits_report_registers_slots_and_constants() {
    let env = RegEnv::x86_32();
    let mut f = TestFunc::default();
    let k = f.const_vreg(RegClass::Gpr);
    let vs: Vec<_> = (0..9).map(|_| f.vreg(RegClass::Gpr)).collect();
    f.op(vs
        .iter()
        .map(|&v| Operand::def(v, Constraint::RegOrStack))
        .collect());
    let mut exits = vs.clone();
    exits.push(k);
    let g = f.push(InstInfo::op(), vec![], vec![], exits);
    f.op(vs.iter().map(|&v| use_reg(v)).take(3).collect());
    let bump = Bump::new();
    let out = checked(&f, &env, &bump);
    let locs = out.exit_locations(g);
    assert!(locs.iter().any(|l| matches!(l, Allocation::Reg(_))));
    assert!(locs.iter().any(|l| matches!(l, Allocation::Stack(_))));
    assert_eq!(locs[9], Allocation::Const(k));
}

#[test]
fn a_compare_stays_in_the_flags_until_its_guard() {
    let mut f = TestFunc::default();
    let [a, c] = [f.vreg(RegClass::Gpr), f.vreg(RegClass::Gpr)];
    f.op(vec![def_reg(a)]);
    f.op(vec![use_reg(a), Operand::def(c, Constraint::Flags)]);
    let quiet = InstInfo {
        clobbers_flags: false,
        ..InstInfo::op()
    };
    f.push(quiet, vec![], vec![], vec![]);
    f.push(
        quiet,
        vec![Operand::use_(c, Constraint::Flags)],
        vec![],
        vec![a],
    );
    let bump = Bump::new();
    let out = checked(&f, &RegEnv::x86_64_sysv(), &bump);
    assert_eq!(out.operand_allocations(1)[1], Allocation::Flags);

    // An instruction that clobbers the flags in between is refused.
    f.insts[2].info.clobbers_flags = true;
    let err = allocate(&f, &RegEnv::x86_64_sysv(), &bump).map(|_| ());
    assert!(
        matches!(err, Err(RegAllocError::BadFlags { inst: 2, .. })),
        "{err:?}"
    );
}

#[test]
fn malformed_programs_are_refused_with_typed_errors() {
    let env = RegEnv::x86_64_sysv();
    let bump = Bump::new();
    let validated = core::cell::Cell::new(0);
    let refuse = |f: &TestFunc| {
        let e = allocate(f, &env, &bump).map(|_| ()).unwrap_err();
        // `validate` refuses what the pre-pass refuses, with the same
        // error; the rest only shows while allocating.
        if let Err(v) = validate(f, &env, &bump) {
            assert_eq!(v, e);
            validated.set(validated.get() + 1);
        }
        e
    };

    let mut f = TestFunc::default();
    let v = f.vreg(RegClass::Gpr);
    f.op(vec![use_reg(v)]);
    assert!(matches!(
        refuse(&f),
        RegAllocError::UseBeforeDef { inst: 0, .. }
    ));

    let mut f = TestFunc::default();
    let v = f.vreg(RegClass::Gpr);
    f.op(vec![def_reg(v)]);
    f.op(vec![def_reg(v)]);
    assert!(matches!(refuse(&f), RegAllocError::BadDef { inst: 1, .. }));

    let mut f = TestFunc::default();
    let v = f.vreg(RegClass::Gpr);
    f.op(vec![Operand::def(v, Constraint::Fixed(PReg::gpr(4)))]);
    assert!(matches!(
        refuse(&f),
        RegAllocError::FixedNotAllocatable { .. }
    ));

    let mut f = TestFunc::default();
    let [a, b] = [f.vreg(RegClass::Gpr), f.vreg(RegClass::Gpr)];
    f.op(vec![def_reg(a), def_reg(b)]);
    f.op(vec![
        Operand::use_(a, Constraint::Fixed(PReg::gpr(0))),
        Operand::use_(b, Constraint::Fixed(PReg::gpr(0))),
    ]);
    assert!(matches!(refuse(&f), RegAllocError::FixedConflict { .. }));

    let mut f = TestFunc::default();
    let [a, x] = [f.vreg(RegClass::Gpr), f.vreg(RegClass::Xmm)];
    f.op(vec![def_reg(a)]);
    f.op(vec![use_reg(a), Operand::def(x, Constraint::Reuse(0))]);
    assert!(matches!(refuse(&f), RegAllocError::BadConstraint { .. }));

    let mut f = TestFunc::default();
    let [a, x] = [f.vreg(RegClass::Gpr), f.vreg(RegClass::Xmm)];
    f.op(vec![def_reg(a), def_reg(x)]);
    f.label(vec![a]);
    f.jump(vec![x]);
    assert!(matches!(refuse(&f), RegAllocError::ClassMismatch { .. }));

    let mut f = TestFunc::default();
    let a = f.vreg(RegClass::Gpr);
    f.op(vec![def_reg(a)]);
    f.label(vec![a]);
    f.jump(vec![a]);
    f.op(vec![]);
    assert!(matches!(refuse(&f), RegAllocError::BadLoop { .. }));

    let mut f = TestFunc::default();
    let a = f.vreg(RegClass::Gpr);
    f.op(vec![def_reg(a)]);
    f.label(vec![a, a]);
    f.jump(vec![a, a]);
    assert!(matches!(refuse(&f), RegAllocError::BadLoop { .. }));

    let mut f = TestFunc::default();
    let a = f.vreg(RegClass::Gpr);
    f.op(vec![def_reg(a)]);
    f.label(vec![a]);
    f.jump(vec![a]);
    f.insts[1].exits.push(a);
    assert!(matches!(refuse(&f), RegAllocError::BadLoop { inst: 1, .. }));

    let mut f = TestFunc::default();
    f.op(vec![use_reg(jit_core::regalloc::VReg(7))]);
    assert!(matches!(refuse(&f), RegAllocError::VRegOutOfRange { .. }));
    assert!(
        validated.get() >= 10,
        "{} refused by validate",
        validated.get()
    );
}

#[test]
fn call_arguments_are_computed_in_their_argument_registers() {
    let env = RegEnv::x86_64_sysv();
    let mut f = TestFunc::default();
    let [a, b, r] = [0; 3].map(|_| f.vreg(RegClass::Gpr));
    f.op(vec![def_reg(a), def_reg(b)]);
    let call = InstInfo {
        clobbers: env.caller_saved,
        ..InstInfo::op()
    };
    let (rdi, rsi, rax) = (PReg::gpr(7), PReg::gpr(6), PReg::gpr(0));
    f.push(
        call,
        vec![
            Operand::use_(a, Constraint::Fixed(rdi)),
            Operand::use_(b, Constraint::Fixed(rsi)),
            Operand::def(r, Constraint::Fixed(rax)),
        ],
        vec![],
        vec![],
    );
    f.op(vec![use_reg(r)]);
    let bump = Bump::new();
    let out = checked(&f, &env, &bump);
    assert_eq!(
        out.operand_allocations(0),
        &[Allocation::Reg(rdi), Allocation::Reg(rsi)]
    );
    assert!(out.edits_before(1).is_empty(), "{:?}", out.edits_before(1));
}

#[test]
fn a_bridge_entry_takes_values_where_the_guard_left_them() {
    use jit_core::regalloc::SpillSlot;
    let env = RegEnv::x86_64_sysv();
    let mut f = TestFunc::default();
    let [a, b, x] = [f.vreg(RegClass::Gpr), f.ref_vreg(), f.vreg(RegClass::Xmm)];
    f.op(vec![
        Operand::def(a, Constraint::FixedStack(SpillSlot(3))),
        Operand::def(b, Constraint::Fixed(PReg::gpr(3))),
        Operand::def(x, Constraint::FixedStack(SpillSlot(0))),
    ]);
    let c = f.vreg(RegClass::Gpr);
    f.op(vec![use_reg(a), use_reg(b), use_reg(x), def_reg(c)]);
    f.op(vec![use_reg(c)]);
    let bump = Bump::new();
    let out = checked(&f, &env, &bump);
    assert_eq!(
        out.operand_allocations(0),
        &[
            Allocation::Stack(SpillSlot(3)),
            Allocation::Reg(PReg::gpr(3)),
            Allocation::Stack(SpillSlot(0))
        ]
    );
    assert!(out.num_spill_slots() >= 4);

    // The same slot twice, or a slot constraint on a use, is refused.
    f.insts[0].operands[2].constraint = Constraint::FixedStack(SpillSlot(3));
    let err = allocate(&f, &env, &bump).map(|_| ());
    assert!(
        matches!(
            err,
            Err(RegAllocError::BadConstraint {
                inst: 0,
                operand: 2
            })
        ),
        "{err:?}"
    );
    f.insts[0].operands[2].constraint = Constraint::RegOrStack;
    f.insts[1].operands[0].constraint = Constraint::FixedStack(SpillSlot(3));
    let err = allocate(&f, &env, &bump).map(|_| ());
    assert!(
        matches!(
            err,
            Err(RegAllocError::BadConstraint {
                inst: 1,
                operand: 0
            })
        ),
        "{err:?}"
    );
}
