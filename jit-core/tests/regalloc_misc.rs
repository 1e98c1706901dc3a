//! Allocator pieces the other suites do not reach: error texts, the three
//! target environments against their ABI documents, and the randomized
//! checker on the Windows x64 environment.

mod regalloc_support;

use bumpalo::Bump;
use jit_core::regalloc::{
    Constraint, InstInfo, Operand, PReg, PRegSet, RegAllocError, RegClass, RegEnv, VReg, allocate,
};
use regalloc_support::{Rng, TestFunc, check, def_reg, dump, random_program, use_reg};

#[test]
fn every_regalloc_error_prints_the_instruction_and_the_reason() {
    let v = VReg(7);
    let cases = [
        (
            RegAllocError::VRegOutOfRange { inst: 3, vreg: v },
            "inst 3: vreg 7 out of range",
        ),
        (
            RegAllocError::UseBeforeDef { inst: 4, vreg: v },
            "inst 4: vreg 7 used before its def",
        ),
        (
            RegAllocError::BadDef { inst: 5, vreg: v },
            "inst 5: vreg 7 defined twice or is a constant",
        ),
        (
            RegAllocError::ClassMismatch { inst: 6, vreg: v },
            "inst 6: register class mismatch for vreg 7",
        ),
        (
            RegAllocError::FixedNotAllocatable {
                inst: 7,
                reg: PReg::gpr(4),
            },
            "inst 7: fixed register PReg { class: Gpr, num: 4 } is not allocatable",
        ),
        (
            RegAllocError::FixedConflict {
                inst: 8,
                reg: PReg::xmm(2),
            },
            "inst 8: register PReg { class: Xmm, num: 2 } demanded twice",
        ),
        (
            RegAllocError::BadConstraint {
                inst: 9,
                operand: 1,
            },
            "inst 9: operand 1 has an unsatisfiable constraint",
        ),
        (
            RegAllocError::BadLoop {
                inst: 10,
                reason: "two labels",
            },
            "inst 10: malformed loop: two labels",
        ),
        (
            RegAllocError::BadFlags {
                inst: 11,
                vreg: v,
                reason: "live across the loop edge",
            },
            "inst 11: flags value 7: live across the loop edge",
        ),
        (
            RegAllocError::Internal {
                inst: 12,
                reason: "no free slot",
            },
            "inst 12: allocator bug: no free slot",
        ),
        (
            RegAllocError::OutOfRegisters {
                inst: 13,
                class: RegClass::Xmm,
            },
            "inst 13: not enough Xmm registers",
        ),
    ];
    for (e, text) in cases {
        assert_eq!(e.to_string(), text, "{e:?}");
        let boxed: Box<dyn std::error::Error> = Box::new(e);
        assert_eq!(boxed.to_string(), text);
    }
}

fn gprs(nums: &[u8]) -> PRegSet {
    nums.iter()
        .fold(PRegSet::EMPTY, |s, &n| s.with(PReg::gpr(n)))
}

fn xmms(nums: impl IntoIterator<Item = u8>) -> PRegSet {
    nums.into_iter()
        .fold(PRegSet::EMPTY, |s, n| s.with(PReg::xmm(n)))
}

#[test]
fn sysv_environment_matches_the_abi() {
    let e = RegEnv::x86_64_sysv();
    // rsp=4, rbp=5 never handed out; r11 is the client's scratch.
    let alloc_gprs = gprs(&[0, 1, 2, 3, 6, 7, 8, 9, 10, 12, 13, 14, 15]);
    assert_eq!(e.allocatable_of(RegClass::Gpr), alloc_gprs);
    assert_eq!(e.allocatable_of(RegClass::Xmm), xmms(0..16));
    assert_eq!(e.scratch, gprs(&[11]));
    assert_eq!(e.callee_saved, gprs(&[3, 12, 13, 14, 15]));
    assert_eq!(
        e.caller_saved,
        gprs(&[0, 1, 2, 6, 7, 8, 9, 10, 11]).union(xmms(0..16))
    );
    for r in [PReg::gpr(4), PReg::gpr(5), PReg::gpr(11)] {
        assert!(!e.is_allocatable(r), "{r:?}");
    }
    assert!(e.is_allocatable(PReg::xmm(15)));
}

#[test]
fn win64_environment_matches_the_abi() {
    let e = RegEnv::x86_64_win64();
    assert_eq!(
        e.allocatable_of(RegClass::Gpr),
        gprs(&[0, 1, 2, 3, 6, 7, 8, 9, 10, 12, 13, 14, 15])
    );
    assert_eq!(e.allocatable_of(RegClass::Xmm), xmms(0..16));
    // rbx, rbp(frame), rdi, rsi, r12-r15 and xmm6-xmm15 are nonvolatile.
    assert_eq!(
        e.callee_saved,
        gprs(&[3, 6, 7, 12, 13, 14, 15]).union(xmms(6..16))
    );
    assert_eq!(
        e.caller_saved,
        gprs(&[0, 1, 2, 8, 9, 10, 11]).union(xmms(0..6))
    );
    // The two sets never overlap and together cover every allocatable register.
    assert!(e.callee_saved.intersect(e.caller_saved).is_empty());
    assert_eq!(
        e.allocatable.minus(e.callee_saved.union(e.caller_saved)),
        PRegSet::EMPTY
    );
    assert!(!e.is_allocatable(PReg::gpr(11)));
    assert!(e.is_allocatable(PReg::gpr(6)));
}

#[test]
fn x86_32_environment_matches_cdecl() {
    let e = RegEnv::x86_32();
    assert_eq!(e.allocatable_of(RegClass::Gpr), gprs(&[0, 1, 2, 3, 6, 7]));
    assert_eq!(e.allocatable_of(RegClass::Xmm), xmms(0..8));
    assert_eq!(e.allocatable_of(RegClass::Gpr).len(), 6);
    assert_eq!(e.callee_saved, gprs(&[3, 6, 7]));
    assert_eq!(e.caller_saved, gprs(&[0, 1, 2]).union(xmms(0..8)));
    assert!(e.scratch.is_empty());
    // Registers 8..15 do not exist in 32-bit mode.
    for n in 8..16 {
        assert!(!e.is_allocatable(PReg::gpr(n)));
        assert!(!e.is_allocatable(PReg::xmm(n)));
    }
    assert!(!e.is_allocatable(PReg::gpr(4)));
    assert!(!e.is_allocatable(PReg::gpr(5)));
}

#[test]
fn random_programs_on_win64_read_the_right_values() {
    let env = RegEnv::x86_64_win64();
    for seed in 0..400u64 {
        let mut rng = Rng::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let func = random_program(&mut rng, &env, 10 + (seed % 50) as usize);
        let bump = Bump::new();
        let out = allocate(&func, &env, &bump)
            .unwrap_or_else(|e| panic!("seed {seed}: refused: {e}\n{}", dump(&func, None)));
        if let Err(msg) = check(&func, &env, &out, 3) {
            panic!("seed {seed}: {msg}\n{}", dump(&func, Some(&out)));
        }
        // Every callee-saved register the allocation touched is reported.
        for r in out.callee_saved_used().iter() {
            assert!(env.callee_saved.contains(r), "seed {seed}: {r:?}");
        }
    }
}

fn refusal(f: &TestFunc, env: &RegEnv) -> RegAllocError {
    let bump = Bump::new();
    allocate(f, env, &bump)
        .map(|_| ())
        .expect_err("must be refused")
}

fn bad_loop_reason(f: &TestFunc) -> (usize, &'static str) {
    match refusal(f, &RegEnv::x86_64_sysv()) {
        RegAllocError::BadLoop { inst, reason } => (inst, reason),
        other => panic!("expected BadLoop, got {other:?}"),
    }
}

#[test]
fn malformed_loops_are_refused_at_the_offending_instruction() {
    // Branch args on an ordinary op.
    let mut f = TestFunc::default();
    let a = f.vreg(RegClass::Gpr);
    f.op(vec![def_reg(a)]);
    f.push(InstInfo::op(), vec![], vec![a], vec![]);
    assert_eq!(bad_loop_reason(&f), (1, "branch args on an op"));

    // A label carrying operands.
    let mut f = TestFunc::default();
    let a = f.vreg(RegClass::Gpr);
    f.op(vec![def_reg(a)]);
    let l = f.label(vec![a]);
    f.insts[l].operands.push(use_reg(a));
    f.jump(vec![a]);
    assert_eq!(
        bad_loop_reason(&f),
        (1, "a label or jump carries only branch args")
    );

    // Two labels.
    let mut f = TestFunc::default();
    let a = f.vreg(RegClass::Gpr);
    f.op(vec![def_reg(a)]);
    f.label(vec![a]);
    f.label(vec![a]);
    f.jump(vec![a]);
    assert_eq!(bad_loop_reason(&f), (2, "second label"));

    // A jump with no label before it.
    let mut f = TestFunc::default();
    let a = f.vreg(RegClass::Gpr);
    f.op(vec![def_reg(a)]);
    f.jump(vec![a]);
    assert_eq!(bad_loop_reason(&f), (1, "jump without label"));

    // A label that is never jumped to.
    let mut f = TestFunc::default();
    let a = f.vreg(RegClass::Gpr);
    f.op(vec![def_reg(a)]);
    f.label(vec![a]);
    f.op(vec![use_reg(a)]);
    assert_eq!(bad_loop_reason(&f).1, "label without jump");

    // Jump arity differs from the label's.
    let mut f = TestFunc::default();
    let [a, b] = [f.vreg(RegClass::Gpr), f.vreg(RegClass::Gpr)];
    f.op(vec![def_reg(a), def_reg(b)]);
    f.label(vec![a, b]);
    f.jump(vec![a]);
    assert_eq!(bad_loop_reason(&f), (2, "jump and label arity differ"));
}

#[test]
fn flags_values_are_refused_where_a_register_is_needed() {
    let env = RegEnv::x86_64_sysv();
    // A flags value read as a register.
    let mut f = TestFunc::default();
    let [a, c] = [f.vreg(RegClass::Gpr), f.vreg(RegClass::Gpr)];
    f.op(vec![def_reg(a)]);
    f.op(vec![use_reg(a), Operand::def(c, Constraint::Flags)]);
    f.op(vec![use_reg(c)]);
    assert_eq!(
        refusal(&f, &env),
        RegAllocError::BadFlags {
            inst: 2,
            vreg: c,
            reason: "flags value used as a register or vice versa"
        }
    );
    // A flags value listed as a guard's fail-arg.
    f.insts[2].operands = vec![Operand::use_(c, Constraint::Flags)];
    f.insts[2].exits = vec![c];
    assert_eq!(
        refusal(&f, &env),
        RegAllocError::BadFlags {
            inst: 2,
            vreg: c,
            reason: "in fail-args or branch args"
        }
    );
}

#[test]
fn an_instruction_needing_more_registers_than_exist_is_refused() {
    // x86-32 has 6 allocatable GPRs; one op reading 7 values in registers cannot fit.
    let env = RegEnv::x86_32();
    let mut f = TestFunc::default();
    let vs: Vec<_> = (0..7).map(|_| f.vreg(RegClass::Gpr)).collect();
    for &v in &vs {
        f.op(vec![Operand::def(v, Constraint::RegOrStack)]);
    }
    f.op(vs.iter().map(|&v| use_reg(v)).collect());
    assert_eq!(
        refusal(&f, &env),
        RegAllocError::OutOfRegisters {
            inst: 7,
            class: RegClass::Gpr
        }
    );
    // Six fit (checked by the simulating checker).
    let mut f = TestFunc::default();
    let vs: Vec<_> = (0..6).map(|_| f.vreg(RegClass::Gpr)).collect();
    for &v in &vs {
        f.op(vec![Operand::def(v, Constraint::RegOrStack)]);
    }
    f.op(vs.iter().map(|&v| use_reg(v)).collect());
    let bump = Bump::new();
    let out = allocate(&f, &env, &bump).expect("six values fit six registers");
    check(&f, &env, &out, 3).unwrap();
}

#[test]
fn parallel_moves_refuse_constant_or_flags_locations_and_name_the_reason() {
    use bumpalo::collections::Vec as BumpVec;
    use jit_core::regalloc::Allocation;
    use jit_core::regalloc::parallel_move::{ParallelMove, ParallelMoveError, resolve};
    let bump = Bump::new();
    let r0 = Allocation::Reg(PReg::gpr(0));
    let k = Allocation::Const(VReg(1));
    for (from, to, bad) in [
        (r0, k, k),
        (r0, Allocation::Flags, Allocation::Flags),
        (Allocation::Flags, r0, Allocation::Flags),
    ] {
        let mut moves = BumpVec::new_in(&bump);
        moves.push(ParallelMove {
            from,
            to,
            class: RegClass::Gpr,
        });
        let mut out = BumpVec::new_in(&bump);
        let r = resolve(&mut moves, &mut |_| panic!("no temp needed"), &mut out);
        assert_eq!(r, Err(ParallelMoveError::BadLocation(bad)));
        assert!(out.is_empty(), "a refused move set emits nothing");
    }
    assert_eq!(
        ParallelMoveError::BadLocation(r0).reason(),
        "a move to a constant or from/to the flags"
    );
    assert_eq!(
        ParallelMoveError::DuplicateDestination(r0).reason(),
        "two moves write one location"
    );
}

#[test]
fn a_register_set_from_a_list_holds_exactly_those_registers() {
    let s = PRegSet::of(&[PReg::gpr(1), PReg::xmm(1), PReg::gpr(15), PReg::gpr(1)]);
    assert_eq!(s.len(), 3);
    assert_eq!(
        s,
        PRegSet::EMPTY
            .with(PReg::gpr(1))
            .with(PReg::xmm(1))
            .with(PReg::gpr(15))
    );
    assert!(!s.contains(PReg::xmm(15)));
    assert_eq!(PRegSet::of(&[]), PRegSet::EMPTY);
}

#[test]
fn a_fixed_register_of_the_other_class_is_refused() {
    let mut f = TestFunc::default();
    let a = f.vreg(RegClass::Gpr);
    f.op(vec![Operand::def(a, Constraint::Fixed(PReg::xmm(0)))]);
    f.op(vec![use_reg(a)]);
    assert_eq!(
        refusal(&f, &RegEnv::x86_64_sysv()),
        RegAllocError::ClassMismatch { inst: 0, vreg: a }
    );
}

#[test]
fn a_flags_value_may_not_live_across_the_loop_header() {
    let mut f = TestFunc::default();
    let [a, c] = [f.vreg(RegClass::Gpr), f.vreg(RegClass::Gpr)];
    f.op(vec![def_reg(a)]);
    f.op(vec![use_reg(a), Operand::def(c, Constraint::Flags)]);
    let quiet = InstInfo {
        clobbers_flags: false,
        ..InstInfo::op()
    };
    f.label(vec![a]);
    f.push(
        quiet,
        vec![Operand::use_(c, Constraint::Flags)],
        vec![],
        vec![],
    );
    f.jump(vec![a]);
    match refusal(&f, &RegEnv::x86_64_sysv()) {
        RegAllocError::BadFlags { vreg, reason, .. } => {
            assert_eq!(vreg, c);
            assert_eq!(reason, "live across the loop header");
        }
        other => panic!("expected BadFlags, got {other:?}"),
    }
}
