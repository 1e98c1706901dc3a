//! A flags value nobody reads dies at once: a later instruction may
//! clobber or redefine the flags without a `BadFlags` refusal, and the
//! next compare's value is read from the flags by its guard.

mod regalloc_support;

use bumpalo::Bump;
use jit_core::regalloc::{Allocation, Constraint, InstInfo, Operand, RegClass, RegEnv, allocate};
use regalloc_support::{TestFunc, check, def_reg, dump, use_reg};

#[test]
fn an_unread_flags_value_does_not_block_the_next_compare() {
    let mut f = TestFunc::default();
    let [a, dead, c] = [
        f.vreg(RegClass::Gpr),
        f.vreg(RegClass::Gpr),
        f.vreg(RegClass::Gpr),
    ];
    f.op(vec![def_reg(a)]);
    // A compare whose result is never read.
    f.op(vec![use_reg(a), Operand::def(dead, Constraint::Flags)]);
    // An ordinary op clobbering the flags, then the compare that counts.
    f.op(vec![use_reg(a)]);
    f.op(vec![use_reg(a), Operand::def(c, Constraint::Flags)]);
    let quiet = InstInfo {
        clobbers_flags: false,
        ..InstInfo::op()
    };
    f.push(
        quiet,
        vec![Operand::use_(c, Constraint::Flags)],
        vec![],
        vec![a],
    );
    let env = RegEnv::x86_64_sysv();
    let bump = Bump::new();
    let out = allocate(&f, &env, &bump).unwrap_or_else(|e| panic!("{e}\n{}", dump(&f, None)));
    if let Err(msg) = check(&f, &env, &out, 1) {
        panic!("{msg}\n{}", dump(&f, Some(&out)));
    }
    assert_eq!(out.operand_allocations(1)[1], Allocation::Flags);
    assert_eq!(out.operand_allocations(4)[0], Allocation::Flags);
    // The guard's fail-arg is still where the first op put it.
    assert_eq!(out.exit_locations(4).len(), 1);
    assert!(matches!(out.exit_locations(4)[0], Allocation::Reg(_)));
}
