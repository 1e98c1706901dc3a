//! The backward pass for straight-line code (`allocate_straight`) against
//! the same symbolic-machine checker as the forward pass: random programs
//! without a loop or slot-constrained inputs are allocated and every read
//! of the allocated code is checked (see `regalloc_support::check`).

mod regalloc_support;

use bumpalo::Bump;
use jit_core::regalloc::{
    Constraint, Function, InstKind, RegAllocError, RegClass, RegEnv, allocate_straight,
};
use regalloc_support::{
    Rng, TestFunc, check, dump, exit_sources, random_program, tiny_env, use_reg,
};

/// Whether the backward pass takes `func`: no loop, no `FixedStack`.
fn straight<F: Function>(func: &F) -> bool {
    (0..func.num_insts()).all(|i| {
        func.inst_info(i).kind == InstKind::Op
            && func
                .operands(i)
                .iter()
                .all(|o| !matches!(o.constraint, Constraint::FixedStack(_)))
    })
}

/// Allocates and checks `count` straight-line random programs for `env`
/// (programs with a loop are drawn again); returns the first failure. At
/// most 5% may be refused for want of registers.
fn check_many(env: &RegEnv, count: usize, max_len: usize, seed0: u64) -> Result<(), String> {
    let (mut checked, mut refused) = (0, 0);
    let mut seed = seed0;
    while checked < count {
        seed += 1;
        let mut rng = Rng::new(seed);
        let func = random_program(&mut rng, env, 5 + (seed as usize % max_len));
        if !straight(&func) {
            continue;
        }
        let bump = Bump::new();
        let out = match allocate_straight(&func, env, &bump) {
            Ok(out) => out,
            // Under high pressure the single pass may give up where the
            // forward pass (which looks ahead) does not: callers fall back.
            Err(RegAllocError::OutOfRegisters { .. }) => {
                refused += 1;
                checked += 1;
                continue;
            }
            Err(e) => return Err(format!("seed {seed}: refused: {e}\n{}", dump(&func, None))),
        };
        check(&func, env, &out, 1)
            .map_err(|msg| format!("seed {seed}: {msg}\n{}", dump(&func, Some(&out))))?;
        if out.exit_sources() != exit_sources(&func, &out) {
            return Err(format!(
                "seed {seed}: exit sources {:?}",
                out.exit_sources()
            ));
        }
        checked += 1;
    }
    if refused * 20 > count {
        return Err(format!("{refused} of {count} programs refused"));
    }
    Ok(())
}

#[test]
fn straight_programs_on_a_tiny_register_file_read_the_right_values() {
    check_many(&tiny_env(), 2000, 30, 0).unwrap();
}

#[test]
fn straight_programs_on_x86_64_read_the_right_values() {
    check_many(&RegEnv::x86_64_sysv(), 1000, 60, 1 << 40).unwrap();
}

#[test]
fn straight_programs_on_win64_and_x86_32_read_the_right_values() {
    check_many(&RegEnv::x86_64_win64(), 500, 60, 2 << 40).unwrap();
    check_many(&RegEnv::x86_32(), 1000, 40, 3 << 40).unwrap();
}

#[test]
fn loops_are_refused() {
    let mut seed = 0;
    loop {
        seed += 1;
        let mut rng = Rng::new(seed);
        let func = random_program(&mut rng, &RegEnv::x86_64_sysv(), 20);
        if (0..func.num_insts()).any(|i| func.inst_info(i).kind == InstKind::Label) {
            let bump = Bump::new();
            let e = allocate_straight(&func, &RegEnv::x86_64_sysv(), &bump).unwrap_err();
            assert!(matches!(e, RegAllocError::BadLoop { .. }), "{e}");
            return;
        }
    }
}

#[test]
fn slot_constrained_inputs_and_malformed_programs_are_refused() {
    // A bridge-like entry (an input arriving in a slot) is refused, with
    // the operand named.
    let mut seed = 0;
    let (env, bump) = (RegEnv::x86_64_sysv(), Bump::new());
    let func = loop {
        seed += 1;
        let mut rng = Rng::new(seed);
        let func = random_program(&mut rng, &env, 20);
        let slot_input = (0..func.num_insts()).any(|i| {
            func.operands(i)
                .iter()
                .any(|o| matches!(o.constraint, Constraint::FixedStack(_)))
        });
        let looped = (0..func.num_insts()).any(|i| func.inst_info(i).kind != InstKind::Op);
        if slot_input && !looped {
            break func;
        }
    };
    let e = allocate_straight(&func, &env, &bump).unwrap_err();
    let RegAllocError::BadConstraint { inst, operand } = e else {
        panic!("{e}")
    };
    assert!(matches!(
        func.operands(inst)[operand].constraint,
        Constraint::FixedStack(_)
    ));

    // A use before any def is refused by validation, not allocated.
    let mut func = TestFunc::default();
    let v = func.vreg(RegClass::Gpr);
    func.op(vec![use_reg(v)]);
    let e = allocate_straight(&func, &env, &bump).unwrap_err();
    assert!(matches!(e, RegAllocError::UseBeforeDef { .. }), "{e}");
}
