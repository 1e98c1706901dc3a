//! Shared by the regalloc tests: a plain-data client program, a builder,
//! a random program generator, and the checker that simulates allocated
//! code on a symbolic machine.
#![allow(dead_code)]

use jit_core::regalloc::{
    Allocation, Constraint, Edit, Function, InstInfo, InstKind, Operand, OperandKind, Output, PReg,
    PRegSet, RegClass, RegEnv, SpillSlot, VReg, VRegInfo,
};
use std::collections::HashMap;
use std::fmt::Write as _;

/// One instruction of a test program.
#[derive(Clone, Debug)]
pub struct TestInst {
    pub info: InstInfo,
    pub operands: Vec<Operand>,
    pub branch: Vec<VReg>,
    pub exits: Vec<VReg>,
}

/// A test program: the allocator's client.
#[derive(Clone, Debug, Default)]
pub struct TestFunc {
    pub vregs: Vec<VRegInfo>,
    pub insts: Vec<TestInst>,
}

impl Function for TestFunc {
    fn num_insts(&self) -> usize {
        self.insts.len()
    }
    fn num_vregs(&self) -> usize {
        self.vregs.len()
    }
    fn vreg_info(&self, vreg: VReg) -> VRegInfo {
        self.vregs[vreg.0 as usize]
    }
    fn inst_info(&self, inst: usize) -> InstInfo {
        self.insts[inst].info
    }
    fn operands(&self, inst: usize) -> &[Operand] {
        &self.insts[inst].operands
    }
    fn branch_args(&self, inst: usize) -> &[VReg] {
        &self.insts[inst].branch
    }
    fn exit_args(&self, inst: usize) -> &[VReg] {
        &self.insts[inst].exits
    }
}

impl TestFunc {
    pub fn vreg(&mut self, class: RegClass) -> VReg {
        self.vregs.push(VRegInfo {
            class,
            is_ref: false,
            is_const: false,
        });
        VReg(self.vregs.len() as u32 - 1)
    }
    pub fn ref_vreg(&mut self) -> VReg {
        self.vregs.push(VRegInfo {
            class: RegClass::Gpr,
            is_ref: true,
            is_const: false,
        });
        VReg(self.vregs.len() as u32 - 1)
    }
    pub fn const_vreg(&mut self, class: RegClass) -> VReg {
        self.vregs.push(VRegInfo {
            class,
            is_ref: false,
            is_const: true,
        });
        VReg(self.vregs.len() as u32 - 1)
    }
    pub fn op(&mut self, operands: Vec<Operand>) -> usize {
        self.push(InstInfo::op(), operands, vec![], vec![])
    }
    pub fn push(
        &mut self,
        info: InstInfo,
        operands: Vec<Operand>,
        branch: Vec<VReg>,
        exits: Vec<VReg>,
    ) -> usize {
        self.insts.push(TestInst {
            info,
            operands,
            branch,
            exits,
        });
        self.insts.len() - 1
    }
    pub fn label(&mut self, args: Vec<VReg>) -> usize {
        let info = InstInfo {
            kind: InstKind::Label,
            ..InstInfo::op()
        };
        self.push(info, vec![], args, vec![])
    }
    pub fn jump(&mut self, args: Vec<VReg>) -> usize {
        let info = InstInfo {
            kind: InstKind::Jump,
            ..InstInfo::op()
        };
        self.push(info, vec![], args, vec![])
    }
}

pub fn use_reg(v: VReg) -> Operand {
    Operand::use_(v, Constraint::Reg)
}
pub fn def_reg(v: VReg) -> Operand {
    Operand::def(v, Constraint::Reg)
}

/// A small register file, so random programs spill a lot: gprs 0..=3
/// (3 callee-saved), xmms 0..=2 (2 callee-saved), no scratch.
pub fn tiny_env() -> RegEnv {
    RegEnv {
        allocatable: PRegSet::from_masks(0b1111, 0b111),
        callee_saved: PRegSet::from_masks(0b1000, 0b100),
        caller_saved: PRegSet::from_masks(0b0111, 0b011),
        scratch: PRegSet::EMPTY,
    }
}

// ---- the checker ---------------------------------------------------------

/// A symbolic value: which def (vreg, dynamic instance) and how many times
/// the GC has moved it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Token {
    vreg: u32,
    instance: u32,
    epoch: u32,
}

struct Machine<'a> {
    func: &'a TestFunc,
    env: &'a RegEnv,
    out: &'a Output<'a>,
    locs: HashMap<Allocation, Token>,
    flags: Option<Token>,
    cur: Vec<Option<Token>>,
    instance: u32,
}

impl Machine<'_> {
    fn fail<T>(&self, inst: usize, msg: String) -> Result<T, String> {
        Err(format!("inst {inst}: {msg}"))
    }

    fn check_loc(&self, inst: usize, loc: Allocation, class: RegClass) -> Result<(), String> {
        match loc {
            Allocation::Reg(r) if r.class() != class || !self.env.is_allocatable(r) => {
                self.fail(inst, format!("bad register {r:?} for class {class:?}"))
            }
            Allocation::Stack(s) if s.0 >= self.out.num_spill_slots() => {
                self.fail(inst, format!("slot {s:?} beyond the frame"))
            }
            _ => Ok(()),
        }
    }

    fn expect(&self, inst: usize, v: VReg) -> Result<Token, String> {
        match self.cur[v.0 as usize] {
            Some(t) => Ok(t),
            None => self.fail(inst, format!("vreg {} read but never defined", v.0)),
        }
    }

    fn read(&self, inst: usize, loc: Allocation, v: VReg, what: &str) -> Result<(), String> {
        let want = self.expect(inst, v)?;
        let have = match loc {
            Allocation::Flags => self.flags,
            Allocation::Const(c) if c == v && self.func.vregs[v.0 as usize].is_const => Some(want),
            Allocation::Const(c) => {
                return self.fail(
                    inst,
                    format!("{what}: {c:?} is no constant for vreg {}", v.0),
                );
            }
            other => self.locs.get(&other).copied(),
        };
        if have != Some(want) {
            return self.fail(
                inst,
                format!(
                    "{what}: vreg {} expected {want:?} at {loc:?}, found {have:?}",
                    v.0
                ),
            );
        }
        Ok(())
    }

    fn apply_edits(&mut self, inst: usize) -> Result<(), String> {
        for e in self.out.edits_before(inst) {
            match *e {
                Edit::Move { from, to, class } => {
                    self.check_loc(inst, from, class)?;
                    self.check_loc(inst, to, class)?;
                    let val = match from {
                        Allocation::Const(c) => {
                            if !self.func.vregs[c.0 as usize].is_const {
                                return self
                                    .fail(inst, format!("materialising non-constant {c:?}"));
                            }
                            self.expect(inst, c)?
                        }
                        Allocation::Flags => return self.fail(inst, "move from flags".into()),
                        other => match self.locs.get(&other) {
                            Some(t) => *t,
                            None => return self.fail(inst, format!("move from empty {other:?}")),
                        },
                    };
                    if self.func.vregs[val.vreg as usize].class != class {
                        return self
                            .fail(inst, format!("{e:?} moves a value of vreg {}", val.vreg));
                    }
                    if !matches!(to, Allocation::Reg(_) | Allocation::Stack(_)) {
                        return self.fail(inst, format!("move to {to:?}"));
                    }
                    self.locs.insert(to, val);
                }
                Edit::Swap { a, b } => {
                    if a.class() != b.class() {
                        return self.fail(inst, "swap across classes".into());
                    }
                    self.check_loc(inst, Allocation::Reg(a), a.class())?;
                    self.check_loc(inst, Allocation::Reg(b), b.class())?;
                    let va = self.locs.remove(&Allocation::Reg(a));
                    let vb = self.locs.remove(&Allocation::Reg(b));
                    if let Some(v) = va {
                        self.locs.insert(Allocation::Reg(b), v);
                    }
                    if let Some(v) = vb {
                        self.locs.insert(Allocation::Reg(a), v);
                    }
                }
            }
        }
        Ok(())
    }

    fn op(&mut self, inst: usize) -> Result<(), String> {
        let ti = &self.func.insts[inst];
        let allocs = self.out.operand_allocations(inst);
        if allocs.len() != ti.operands.len() {
            return self.fail(inst, "allocation count differs from operand count".into());
        }
        for (j, (op, &a)) in ti.operands.iter().zip(allocs).enumerate() {
            let class = self.func.vregs[op.vreg.0 as usize].class;
            self.check_loc(inst, a, class)?;
            let ok = match op.constraint {
                Constraint::Reg => matches!(a, Allocation::Reg(_)),
                Constraint::RegOrStack => matches!(a, Allocation::Reg(_) | Allocation::Stack(_)),
                Constraint::Fixed(p) => a == Allocation::Reg(p),
                Constraint::FixedStack(s) => a == Allocation::Stack(s),
                Constraint::Flags => a == Allocation::Flags,
                Constraint::Reuse(k) => matches!(a, Allocation::Reg(_)) && allocs[k as usize] == a,
            };
            if !ok {
                return self.fail(inst, format!("operand {j} {op:?} got {a:?}"));
            }
            if op.kind == OperandKind::Use {
                self.read(inst, a, op.vreg, "use")?;
            }
        }
        for r in ti.info.clobbers.iter() {
            self.locs.remove(&Allocation::Reg(r));
        }
        if ti.info.clobbers_flags {
            self.flags = None;
        }
        if ti.info.safepoint {
            self.collect(inst)?;
        } else if !self.out.safepoint_refs(inst).is_empty() {
            return self.fail(inst, "refs reported at a non-safepoint".into());
        }
        let mut written: Vec<Allocation> = Vec::new();
        for (op, &a) in ti.operands.iter().zip(allocs) {
            if op.kind != OperandKind::Def {
                continue;
            }
            if written.contains(&a) {
                return self.fail(inst, format!("two defs written to {a:?}"));
            }
            written.push(a);
            self.instance += 1;
            let t = Token {
                vreg: op.vreg.0,
                instance: self.instance,
                epoch: 0,
            };
            self.cur[op.vreg.0 as usize] = Some(t);
            if a == Allocation::Flags {
                self.flags = Some(t);
            } else {
                self.locs.insert(a, t);
            }
        }
        let exits = self.out.exit_locations(inst);
        if exits.len() != ti.exits.len() {
            return self.fail(inst, "exit location count differs".into());
        }
        for (&v, &loc) in ti.exits.iter().zip(exits) {
            self.check_loc(inst, loc, self.func.vregs[v.0 as usize].class)?;
            self.read(inst, loc, v, "fail-arg")?;
        }
        Ok(())
    }

    /// A moving GC: every ref gets a new epoch; only reported locations are
    /// updated, so a stale copy read later is caught.
    fn collect(&mut self, inst: usize) -> Result<(), String> {
        let old = self.cur.clone();
        for (v, info) in self.func.vregs.iter().enumerate() {
            if info.is_ref
                && let Some(t) = &mut self.cur[v]
            {
                t.epoch += 1;
            }
        }
        for &(v, loc) in self.out.safepoint_refs(inst) {
            if !self.func.vregs[v.0 as usize].is_ref {
                return self.fail(inst, format!("non-ref {v:?} in the stack map"));
            }
            if let Allocation::Reg(r) = loc
                && !self.env.callee_saved.contains(r)
            {
                return self.fail(inst, format!("ref {v:?} reported in caller-saved {r:?}"));
            }
            let want = old[v.0 as usize];
            if self.locs.get(&loc).copied() != want {
                return self.fail(
                    inst,
                    format!(
                        "stack map says {v:?} at {loc:?}, holds {:?}",
                        self.locs.get(&loc)
                    ),
                );
            }
            self.locs.insert(
                loc,
                self.cur[v.0 as usize].unwrap_or_else(|| unreachable!()),
            );
        }
        Ok(())
    }
}

/// Simulates `out` applied to `func` (the loop body `iterations` times) and
/// checks every read. Returns a description of the first violation.
/// Every callee-saved register the allocation writes or reads (operand
/// locations, fail-arg locations, edits, label locations) is reported by
/// `callee_saved_used`, so a prologue saving exactly those is enough.
fn reports_callee_saved(func: &TestFunc, env: &RegEnv, out: &Output<'_>) -> Result<(), String> {
    let mut seen = PRegSet::EMPTY;
    let mut note = |a: Allocation| {
        if let Allocation::Reg(r) = a {
            seen.insert(r);
        }
    };
    for i in 0..func.insts.len() {
        out.operand_allocations(i)
            .iter()
            .copied()
            .for_each(&mut note);
        out.exit_locations(i).iter().copied().for_each(&mut note);
        for e in out.edits_before(i) {
            match *e {
                Edit::Move { from, to, .. } => {
                    note(from);
                    note(to);
                }
                Edit::Swap { a, b } => {
                    note(Allocation::Reg(a));
                    note(Allocation::Reg(b));
                }
            }
        }
    }
    out.label_locations().iter().copied().for_each(&mut note);
    let missing = seen
        .intersect(env.callee_saved)
        .minus(out.callee_saved_used());
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "callee-saved registers used but not reported: {missing:?}"
        ))
    }
}

pub fn check(
    func: &TestFunc,
    env: &RegEnv,
    out: &Output<'_>,
    iterations: usize,
) -> Result<(), String> {
    reports_callee_saved(func, env, out)?;
    let mut m = Machine {
        func,
        env,
        out,
        locs: HashMap::new(),
        flags: None,
        cur: vec![None; func.vregs.len()],
        instance: 0,
    };
    for (v, info) in func.vregs.iter().enumerate() {
        if info.is_const {
            m.cur[v] = Some(Token {
                vreg: v as u32,
                instance: 0,
                epoch: 0,
            });
        }
    }
    let label = func
        .insts
        .iter()
        .position(|t| t.info.kind == InstKind::Label);
    let mut i = 0;
    let mut round = 0;
    while i < func.insts.len() {
        let ti = &func.insts[i];
        m.apply_edits(i)?;
        match ti.info.kind {
            InstKind::Op => m.op(i)?,
            InstKind::Label | InstKind::Jump => {
                let label = label.unwrap_or_else(|| unreachable!());
                let locs = out.label_locations();
                let label_args = &func.insts[label].branch;
                if locs.len() != label_args.len() {
                    return Err("label location count differs".into());
                }
                let mut tokens = Vec::new();
                for (k, &a) in ti.branch.iter().enumerate() {
                    m.check_loc(i, locs[k], func.vregs[a.0 as usize].class)?;
                    if !matches!(locs[k], Allocation::Reg(_) | Allocation::Stack(_)) {
                        return Err(format!("label location {:?}", locs[k]));
                    }
                    m.read(i, locs[k], a, "branch arg")?;
                    tokens.push(m.expect(i, a)?);
                }
                for (&l, t) in label_args.iter().zip(tokens) {
                    m.cur[l.0 as usize] = Some(t);
                }
                if ti.info.kind == InstKind::Jump {
                    round += 1;
                    if round >= iterations {
                        return Ok(());
                    }
                    i = label;
                }
            }
        }
        i += 1;
    }
    Ok(())
}

/// Renders a program and its allocation, for failure reports.
pub fn dump(func: &TestFunc, out: Option<&Output<'_>>) -> String {
    let mut s = String::new();
    for (v, info) in func.vregs.iter().enumerate() {
        let _ = writeln!(s, "v{v}: {info:?}");
    }
    for (i, t) in func.insts.iter().enumerate() {
        if let Some(out) = out {
            for e in out.edits_before(i) {
                let _ = writeln!(s, "      {e:?}");
            }
        }
        let _ = writeln!(
            s,
            "{i:3}: {:?} {:?} ops={:?} branch={:?} exits={:?}",
            t.info.kind, t.info.clobbers, t.operands, t.branch, t.exits
        );
        if let Some(out) = out {
            let _ = writeln!(
                s,
                "      allocs={:?} exits={:?} refs={:?}",
                out.operand_allocations(i),
                out.exit_locations(i),
                out.safepoint_refs(i)
            );
        }
    }
    if let Some(out) = out {
        let _ = writeln!(
            s,
            "label locs {:?}, slots {}",
            out.label_locations(),
            out.num_spill_slots()
        );
    }
    s
}

// ---- random programs -----------------------------------------------------

/// xorshift64*: deterministic randomness from one quickcheck seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> Option<T> {
        (!items.is_empty()).then(|| items[self.below(items.len())])
    }
}

/// What a shared exit path must save, from every exit location: the
/// registers, and the lowest and highest slot (`lo > hi`: none).
pub fn exit_sources<F: Function>(func: &F, out: &Output<'_>) -> (PRegSet, u32, u32) {
    let (mut regs, mut lo, mut hi) = (PRegSet::EMPTY, u32::MAX, 0);
    for i in 0..func.num_insts() {
        for loc in out.exit_locations(i) {
            match *loc {
                Allocation::Reg(r) => regs.insert(r),
                Allocation::Stack(s) => (lo, hi) = (lo.min(s.0), hi.max(s.0)),
                _ => {}
            }
        }
    }
    (regs, lo, hi)
}

/// A random program: inputs, optional preamble + loop, calls with clobbers
/// and fixed registers, reuse defs, guards with fail-args, safepoints,
/// compare-and-guard flag pairs, constants.
pub fn random_program(rng: &mut Rng, env: &RegEnv, len: usize) -> TestFunc {
    let mut f = TestFunc::default();
    let classes = [RegClass::Gpr, RegClass::Xmm];
    let mut visible: Vec<VReg> = Vec::new();
    let new_vreg = |f: &mut TestFunc, rng: &mut Rng| {
        let class = if rng.chance(65) {
            RegClass::Gpr
        } else {
            RegClass::Xmm
        };
        let is_ref = class == RegClass::Gpr && rng.chance(40);
        f.vregs.push(VRegInfo {
            class,
            is_ref,
            is_const: false,
        });
        VReg(f.vregs.len() as u32 - 1)
    };
    for _ in 0..rng.below(3) {
        let c = f.const_vreg(classes[rng.below(2)]);
        visible.push(c);
    }
    // Inputs.
    let mut defs = Vec::new();
    for _ in 0..1 + rng.below(5) {
        let v = new_vreg(&mut f, rng);
        // Bridge-like entries: some inputs arrive in given slots or registers.
        let class = f.vregs[v.0 as usize].class;
        let reg = rng.pick(
            &env.allocatable
                .minus(env.scratch)
                .of_class(class)
                .iter()
                .collect::<Vec<_>>(),
        );
        let c = match (rng.below(4), reg) {
            (0, _) => Constraint::FixedStack(SpillSlot(rng.below(6) as u32)),
            (1, Some(r)) => Constraint::Fixed(r),
            _ => Constraint::RegOrStack,
        };
        if defs.iter().any(|o: &Operand| o.constraint == c) {
            defs.push(Operand::def(v, Constraint::RegOrStack));
        } else {
            defs.push(Operand::def(v, c));
        }
        visible.push(v);
    }
    f.op(defs);
    let has_loop = rng.chance(50);
    let preamble = if has_loop {
        rng.below(len / 2 + 1)
    } else {
        len
    };
    let mut label_args = Vec::new();
    for step in 0..len {
        if has_loop && step == preamble {
            let mut cands: Vec<VReg> = visible.clone();
            let mut args = Vec::new();
            for _ in 0..rng.below(5) {
                if cands.is_empty() {
                    break;
                }
                args.push(cands.swap_remove(rng.below(cands.len())));
            }
            f.label(args.clone());
            label_args = args;
        }
        random_op(&mut f, rng, env, &mut visible, &new_vreg);
    }
    if has_loop {
        let args = label_args
            .iter()
            .map(|&l| {
                let class = f.vregs[l.0 as usize].class;
                let cands: Vec<VReg> = visible
                    .iter()
                    .copied()
                    .filter(|v| f.vregs[v.0 as usize].class == class)
                    .collect();
                rng.pick(&cands).unwrap_or(l)
            })
            .collect();
        f.jump(args);
    } else {
        let uses = (0..rng.below(4))
            .filter_map(|_| rng.pick(&visible))
            .map(|v| Operand::use_(v, Constraint::RegOrStack))
            .collect();
        f.op(uses);
    }
    f
}

fn random_op(
    f: &mut TestFunc,
    rng: &mut Rng,
    env: &RegEnv,
    visible: &mut Vec<VReg>,
    new_vreg: &dyn Fn(&mut TestFunc, &mut Rng) -> VReg,
) {
    let of_class = |f: &TestFunc, vis: &[VReg], class: RegClass| -> Vec<VReg> {
        vis.iter()
            .copied()
            .filter(|v| f.vregs[v.0 as usize].class == class)
            .collect()
    };
    let exits = |rng: &mut Rng, vis: &[VReg]| -> Vec<VReg> {
        if rng.chance(50) {
            (0..rng.below(6)).filter_map(|_| rng.pick(vis)).collect()
        } else {
            Vec::new()
        }
    };
    match rng.below(10) {
        // A call: fixed args in caller-saved registers, a fixed result,
        // clobbers, maybe a safepoint and fail-args (may-deopt call).
        0..=2 => {
            let mut ops = Vec::new();
            for class in [RegClass::Gpr, RegClass::Xmm] {
                let arg_regs: Vec<PReg> = env
                    .caller_saved
                    .intersect(env.allocatable)
                    .minus(env.scratch)
                    .of_class(class)
                    .iter()
                    .collect();
                let cands = of_class(f, visible, class);
                for &p in arg_regs.iter().take(rng.below(3)) {
                    if let Some(v) = rng.pick(&cands) {
                        ops.push(Operand::use_(v, Constraint::Fixed(p)));
                    }
                }
            }
            let clobbers = env
                .caller_saved
                .intersect(env.allocatable)
                .minus(env.scratch);
            let ex = exits(rng, visible);
            if rng.chance(70) {
                let v = new_vreg(f, rng);
                let class = f.vregs[v.0 as usize].class;
                let ret = clobbers
                    .of_class(class)
                    .iter()
                    .next()
                    .unwrap_or_else(|| unreachable!());
                ops.push(Operand::def(v, Constraint::Fixed(ret)));
                visible.push(v);
            }
            let info = InstInfo {
                clobbers,
                safepoint: rng.chance(70),
                ..InstInfo::op()
            };
            f.push(info, ops, vec![], ex);
        }
        // A compare feeding the next guard through the flags.
        3 => {
            let Some(a) = rng.pick(visible) else { return };
            f.vregs.push(VRegInfo {
                class: RegClass::Gpr,
                is_ref: false,
                is_const: false,
            });
            let c = VReg(f.vregs.len() as u32 - 1);
            f.op(vec![
                Operand::use_(a, Constraint::RegOrStack),
                Operand::def(c, Constraint::Flags),
            ]);
            for _ in 0..1 + rng.below(2) {
                let ex = exits(rng, visible);
                let info = InstInfo {
                    clobbers_flags: false,
                    ..InstInfo::op()
                };
                f.push(info, vec![Operand::use_(c, Constraint::Flags)], vec![], ex);
            }
        }
        // A guard.
        4 => {
            let ops = rng
                .pick(visible)
                .map(|v| vec![Operand::use_(v, Constraint::RegOrStack)])
                .unwrap_or_default();
            let ex = exits(rng, visible);
            f.push(InstInfo::op(), ops, vec![], ex);
        }
        // Arithmetic: 1-2 uses, 0-2 defs (maybe reusing a use's register).
        _ => {
            let mut ops = Vec::new();
            for _ in 0..1 + rng.below(2) {
                let Some(v) = rng.pick(visible) else { break };
                let class = f.vregs[v.0 as usize].class;
                let c = match rng.below(6) {
                    0 => Constraint::RegOrStack,
                    1 => {
                        let regs: Vec<PReg> = env
                            .allocatable
                            .minus(env.scratch)
                            .of_class(class)
                            .iter()
                            .collect();
                        let p = rng.pick(&regs).unwrap_or_else(|| unreachable!());
                        if ops
                            .iter()
                            .any(|o: &Operand| o.constraint == Constraint::Fixed(p))
                        {
                            Constraint::Reg
                        } else {
                            Constraint::Fixed(p)
                        }
                    }
                    _ => Constraint::Reg,
                };
                ops.push(Operand::use_(v, c));
            }
            let n_uses = ops.len();
            let ex = exits(rng, visible);
            let mut reused = false;
            for _ in 0..rng.below(3) {
                let v = new_vreg(f, rng);
                let class = f.vregs[v.0 as usize].class;
                let reusable = (0..n_uses).find(|&k| {
                    matches!(ops[k].constraint, Constraint::Reg | Constraint::RegOrStack)
                        && f.vregs[ops[k].vreg.0 as usize].class == class
                });
                let regs: Vec<PReg> = env
                    .allocatable
                    .minus(env.scratch)
                    .of_class(class)
                    .iter()
                    .collect();
                let fixed = rng.pick(&regs).unwrap_or_else(|| unreachable!());
                let fixed_free = !ops.iter().any(|o| {
                    o.kind == OperandKind::Def && o.constraint == Constraint::Fixed(fixed)
                });
                let c = match (rng.below(5), reusable) {
                    (0, Some(k)) if !reused => {
                        reused = true;
                        Constraint::Reuse(k as u8)
                    }
                    (1, _) => Constraint::RegOrStack,
                    (2, _) if fixed_free => Constraint::Fixed(fixed),
                    _ => Constraint::Reg,
                };
                ops.push(Operand::def(v, c));
                visible.push(v);
            }
            // Sometimes an odd clobber set (string ops, cpuid, ...), callee-saved included.
            let mut clobbers = PRegSet::EMPTY;
            if rng.chance(20) {
                for r in env.allocatable.minus(env.scratch).iter() {
                    let pinned = ops.iter().any(|o| o.constraint == Constraint::Fixed(r));
                    if !pinned && rng.chance(30) {
                        clobbers.insert(r);
                    }
                }
            }
            f.push(
                InstInfo {
                    clobbers,
                    ..InstInfo::op()
                },
                ops,
                vec![],
                ex,
            );
        }
    }
}
