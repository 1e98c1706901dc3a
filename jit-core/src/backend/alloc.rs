//! The bridge to the register allocator: describes a trace to
//! [`crate::regalloc`] (one allocator instruction per IR op, two for a
//! `Label`: a parallel copy defining the parameters, then the loop header)
//! and the register environment the lowering leaves to it.
//!
//! Operand constraints follow what the lowering can encode: most operands
//! are `RegOrStack` (x86 memory forms), two-operand forms (ALU, shifts,
//! unary ops, float arithmetic) reuse their first source's register for the
//! result, a comparison feeding only the next guard is defined in the
//! flags, a comparison's first operand, address bases (and indexes scaled
//! by 1, 2, 4 or 8) and stored values are `Reg`, shift counts are
//! `Fixed(rcx)`, divisions take `rax` and reserve `rdx`, and an x86-32 byte
//! store's value is `Fixed(eax)` (byte forms). The lowering's only
//! permanent scratch register is `r11` (x86-64); an op needing another
//! (x86-32 float inputs, index scaling, float `guard_value`) asks for it
//! with a `Reg` use of a fresh constant vreg: the allocator then hands out
//! a register no operand of that op occupies, for that op only.
//!
//! Integer constants are constant vregs (no defining instruction; the
//! allocator rematerialises them with `mov` where a register is needed)
//! and are left out of operand positions that take an immediate
//! ([`imm32`]). On x86-64 a call's register arguments are `Fixed` to their
//! argument registers (a callee value to `rax`), so values are computed
//! where the call wants them.
//!
//! Only the label the jump targets is a loop header for the allocator;
//! other labels are plain parallel copies. When the allocator refuses a
//! trace (more than one jump, a jump that is not the last op, an
//! allocation error), the lowering falls back to one frame slot per value; see
//! [`crate::backend::Compiler::fallbacks`].

use bumpalo::Bump;
use bumpalo::collections::Vec as BVec;

use super::target::{ArgLoc, Target};
use crate::ir::{
    Callee, ConvOp, FloatCmpOp, FloatUnOp, GuardKind, IntBinOp, Op, Trace, Type, Value,
};
use crate::regalloc::{
    Constraint, Function, InstInfo, InstKind, Operand, OperandKind, PReg, PRegSet, RegClass,
    RegEnv, VReg, VRegInfo,
};

/// The register environment of the lowering on `t`: the target's
/// registers minus the frame pointer, the stack pointer and (x86-64) the
/// one scratch register `r11` of the lowering: 13 GPRs on x86-64, all six
/// of x86-32 (`eax ecx edx ebx esi edi`). Win64's `xmm6..xmm15` are
/// callee-saved (the prologue saves the used ones, all 128 bits).
pub(crate) fn env(t: Target) -> RegEnv {
    const RAX: u32 = 1;
    const RCX: u32 = 1 << 1;
    const RDX: u32 = 1 << 2;
    const RBX: u32 = 1 << 3;
    const RSP_RBP: u32 = 1 << 4 | 1 << 5;
    const RSI: u32 = 1 << 6;
    const RDI: u32 = 1 << 7;
    const R11: u32 = 1 << 11;
    const R12_15: u32 = 0xF000;
    let xmm_callee = if t == Target::Win64 { 0xFFC0 } else { 0 };
    let (gprs, xmms, callee, scratch) = match t {
        Target::SysV64 => (0xFFFF & !(RSP_RBP | R11), 0xFFFF, RBX | R12_15, R11),
        Target::Win64 => (
            0xFFFF & !(RSP_RBP | R11),
            0xFFFF,
            RBX | RSI | RDI | R12_15,
            R11,
        ),
        Target::Cdecl32 => (
            RAX | RCX | RDX | RBX | RSI | RDI,
            0x00FF,
            RBX | RSI | RDI,
            0,
        ),
    };
    RegEnv {
        allocatable: PRegSet::from_masks(gprs, xmms),
        callee_saved: PRegSet::from_masks(callee, xmm_callee),
        caller_saved: PRegSet::from_masks(gprs & !callee, xmms & !xmm_callee),
        scratch: PRegSet::from_masks(scratch, 0),
    }
}

/// The bits of `v` when a constant op defines it (an `Int`/`Ref` value, a
/// `Float`'s bits). Integer constants are rematerialised by the allocator,
/// never kept in a register across the loop or spilled.
pub(crate) fn const_bits(trace: &Trace, v: Value) -> Option<u64> {
    match trace.ops()[trace.value_def(v)] {
        Op::ConstInt(c) => Some(c as u64),
        Op::ConstRef(c) => Some(c as u64),
        Op::ConstFloat(bits) => Some(bits),
        _ => None,
    }
}

/// The 32-bit immediate an integer operand `v` can be encoded as: a
/// constant that fits (sign-extended on x86-64; x86-32 words are 32 bits).
/// Operand positions that take immediates (the second operand of ALU ops,
/// comparisons, constant shifts and integer `guard_value`, stored integers)
/// leave such a value out of the allocator's operands entirely.
pub(crate) fn imm32(t: Target, trace: &Trace, v: Value) -> Option<i32> {
    let c = match trace.ops()[trace.value_def(v)] {
        Op::ConstInt(c) => c,
        Op::ConstRef(c) => c as i64,
        _ => return None,
    };
    if t == Target::Cdecl32 {
        Some(c as i32)
    } else {
        i32::try_from(c).ok()
    }
}

/// Whether an address scale is an x86 scale factor (no multiply needed).
pub(crate) fn direct_scale(size: u64) -> bool {
    matches!(size, 1 | 2 | 4 | 8)
}

/// Appends `o`, if any (cheaper than `extend` from an `Option`).
#[inline(always)]
fn push_opt(ops: &mut BVec<'_, Operand>, o: Option<Operand>) {
    if let Some(o) = o {
        ops.push(o);
    }
}

/// A trace as the allocator sees it.
pub(crate) struct RaFunc<'b> {
    ops: BVec<'b, Operand>,
    /// A sentinel, then one record per instruction (its facts and where its
    /// entries end; they start where the previous record's end).
    insts: BVec<'b, InstRec>,
    branch: BVec<'b, VReg>,
    exits: BVec<'b, VReg>,
    vinfo: BVec<'b, VRegInfo>,
    /// IR values; vregs from here on are scratch requests.
    num_values: u32,
    /// The IR op of the loop header (`usize::MAX`: none); the only op
    /// with two allocator instructions.
    header: usize,
    /// The clobber sets an instruction can have, by [`InstRec::clobbers`].
    clobber_sets: [PRegSet; 3],
}

/// [`InstRec::clobbers`]: nothing, `rax` and `rdx` (divisions), the
/// caller-saved registers (calls).
const NO_CLOBBERS: u8 = 0;
const DIV_CLOBBERS: u8 = 1;
const CALL_CLOBBERS: u8 = 2;

fn vr(v: Value) -> VReg {
    VReg(v.0)
}

impl<'b> RaFunc<'b> {
    /// Describes `trace`, and says per value whether it is a comparison
    /// kept in the flags for the next guard (the guard is its only reader).
    /// `None` when the trace has a shape the allocator does not take (more
    /// than one jump).
    pub fn new(t: Target, trace: &Trace, bump: &'b Bump) -> Option<(Self, BVec<'b, bool>)> {
        let n = trace.ops().len();
        let mut jumps = trace.ops().iter().filter_map(|o| match o {
            Op::Jump { label, .. } => Some(*label),
            _ => None,
        });
        // The loop header is the label the (only) jump targets; other
        // labels are plain parallel copies for the allocator.
        let header = jumps.next().map(|l| trace.label_op(l));
        if jumps.next().is_some() {
            return None;
        }
        let env = env(t);
        let (rax, rcx, rdx) = (PReg::gpr(0), PReg::gpr(1), PReg::gpr(2));
        let mut f = RaFunc {
            ops: BVec::with_capacity_in(3 * n, bump),
            insts: BVec::with_capacity_in(n + 2, bump),
            branch: BVec::with_capacity_in(32, bump),
            exits: BVec::with_capacity_in(n, bump),
            vinfo: BVec::with_capacity_in(trace.num_values() + 8, bump),
            num_values: trace.num_values() as u32,
            header: header.unwrap_or(usize::MAX),
            clobber_sets: [PRegSet::EMPTY, PRegSet::of(&[rax, rdx]), env.caller_saved],
        };
        // `is_const` is set where the constant op is met below.
        f.vinfo
            .extend(trace.value_types().iter().map(|&ty| VRegInfo {
                class: if ty == Type::Float {
                    RegClass::Xmm
                } else {
                    RegClass::Gpr
                },
                is_ref: ty == Type::Ref,
                is_const: false,
            }));
        let mut fused = bumpalo::vec![in bump; false; trace.num_values()];
        // Flags defs: (def operand, guard operand, value).
        let mut tentative: BVec<'_, (u32, u32, Value)> = BVec::with_capacity_in(n / 8 + 8, bump);
        f.insts.push(InstRec::op());
        use Constraint::{Fixed, Flags, Reg, RegOrStack as Any, Reuse};
        let use_ = |v: Value| Operand::use_(vr(v), Any);
        let reg = |v: Value| Operand::use_(vr(v), Reg);
        let x64 = t != Target::Cdecl32;
        let imm = |v: Value| imm32(t, trace, v);
        // `cmp a, b`: `a` in a register (or anywhere against an immediate).
        let cmp_uses = |ops: &mut BVec<'b, Operand>, a: Value, b: Value| match imm(b) {
            Some(_) => ops.push(use_(a)),
            None => {
                ops.push(reg(a));
                ops.push(use_(b));
            }
        };
        for (i, op) in trace.ops().iter().enumerate() {
            let r = trace.op_result(i);
            let def = |c| r.map(|r| Operand::def(vr(r), c));
            // A comparison the next op guards on is defined in the flags,
            // tentatively: undone below unless the guard is its only reader.
            let guarded = r.is_some_and(|r| {
                matches!(
                    trace.ops().get(i + 1),
                    Some(Op::Guard { kind: GuardKind::True(v) | GuardKind::False(v), .. }) if *v == r
                )
            });
            let cmp_def = || r.map(|r| Operand::def(vr(r), if guarded { Flags } else { Any }));
            let mut info = InstRec::op();
            // Scratch registers the lowering needs at this op besides `r11`
            // (x86-64): each is a use of a fresh constant vreg, so the
            // allocator hands out a register no other operand of the op
            // occupies and nothing live across the op keeps.
            let mut scratch = 0usize;
            match *op {
                Op::Input(ty) => {
                    push_opt(&mut f.ops, def(Reg));
                    // A float input needs a register for the inputs pointer.
                    scratch = usize::from(!x64 && ty == Type::Float);
                }
                // Rematerialised where needed: no def. Integer constants
                // only: they are immediates or a short `mov`; a float
                // constant is a 10-byte `mov` plus a transfer, better kept
                // in a register across the loop.
                Op::ConstInt(_) | Op::ConstRef(_) => {
                    if let Some(r) = r {
                        f.vinfo[r.index()].is_const = true;
                    }
                }
                Op::ConstFloat(_) => f.ops.extend(def(Any)),
                Op::IntBin(o, a, b) => {
                    use IntBinOp as B;
                    match o {
                        B::Add | B::Sub | B::And | B::Or | B::Xor | B::Mul => {
                            f.ops.push(reg(a));
                            push_opt(&mut f.ops, imm(b).is_none().then(|| use_(b)));
                            push_opt(&mut f.ops, def(Reuse(0)));
                        }
                        B::Eq
                        | B::Ne
                        | B::Lt
                        | B::Le
                        | B::Gt
                        | B::Ge
                        | B::Ult
                        | B::Ule
                        | B::Ugt
                        | B::Uge => {
                            cmp_uses(&mut f.ops, a, b);
                            push_opt(&mut f.ops, cmp_def());
                        }
                        B::Shl | B::Sar | B::Shr => {
                            f.ops.push(reg(a));
                            if imm(b).is_none() {
                                f.ops.push(Operand::use_(vr(b), Fixed(rcx)));
                            }
                            push_opt(&mut f.ops, def(Reuse(0)));
                        }
                        B::SDiv | B::SRem | B::UDiv | B::URem | B::UMulH => {
                            // rdx:rax = the dividend (or product); the
                            // reserved rdx keeps the divisor out of it.
                            f.ops.push(Operand::use_(vr(a), Fixed(rax)));
                            f.ops.push(use_(b));
                            let rdx_held = f.fresh_const();
                            f.ops.push(Operand::use_(rdx_held, Fixed(rdx)));
                            let out = if matches!(o, B::SDiv | B::UDiv) {
                                rax
                            } else {
                                rdx
                            };
                            push_opt(&mut f.ops, def(Fixed(out)));
                            info.clobbers = DIV_CLOBBERS;
                        }
                    }
                }
                Op::IntOvf(_, a, b) => {
                    f.ops.push(reg(a));
                    push_opt(&mut f.ops, imm(b).is_none().then(|| use_(b)));
                    push_opt(&mut f.ops, def(Reuse(0)));
                }
                Op::FloatBin(_, a, b) => {
                    f.ops.extend([reg(a), use_(b)]);
                    push_opt(&mut f.ops, def(Reuse(0)));
                }
                Op::FloatCmp(o, a, b) => {
                    if matches!(o, FloatCmpOp::Lt | FloatCmpOp::Le) {
                        f.ops.extend([use_(a), reg(b)]);
                    } else {
                        f.ops.extend([reg(a), use_(b)]);
                    }
                    push_opt(&mut f.ops, cmp_def());
                }
                Op::RefCmp(_, a, b) => {
                    cmp_uses(&mut f.ops, a, b);
                    push_opt(&mut f.ops, cmp_def());
                }
                Op::IntUn(o, a) => {
                    let flags =
                        matches!(o, crate::ir::IntUnOp::IsZero | crate::ir::IntUnOp::IsTrue);
                    if flags {
                        f.ops.push(use_(a));
                        push_opt(&mut f.ops, cmp_def());
                    } else {
                        f.ops.push(reg(a));
                        push_opt(&mut f.ops, def(Reuse(0)));
                    }
                }
                Op::RefIsNull(a) => {
                    f.ops.push(use_(a));
                    push_opt(&mut f.ops, cmp_def());
                }
                Op::FloatUn(o, a) => {
                    if o == FloatUnOp::Sqrt {
                        f.ops.push(use_(a));
                        push_opt(&mut f.ops, def(Reg));
                    } else {
                        f.ops.push(reg(a));
                        push_opt(&mut f.ops, def(Reuse(0)));
                    }
                }
                Op::Conv(o, a) => {
                    f.ops.push(use_(a));
                    let in_reg = matches!(o, ConvOp::IntToFloat | ConvOp::FloatToInt);
                    push_opt(&mut f.ops, def(if in_reg { Reg } else { Any }));
                }
                Op::Load(_, addr) => {
                    scratch = f.address(x64, &addr);
                    push_opt(&mut f.ops, def(Reg));
                }
                Op::Store(desc, addr, v) => {
                    scratch = f.address(x64, &addr);
                    // x86-32 has byte forms of eax..ebx only.
                    let c = if !x64 && desc.size == 1 && desc.ty != Type::Float {
                        Fixed(rax)
                    } else {
                        Reg
                    };
                    if desc.ty == Type::Float || imm(v).is_none() {
                        f.ops.push(Operand::use_(vr(v), c));
                    }
                }
                Op::Call { callee, args, .. } | Op::CondCall { callee, args, .. } => {
                    if let Op::CondCall { cond, .. } = *op {
                        f.ops.push(use_(cond));
                    }
                    // x86-64: register arguments (and a callee value, in
                    // rax) are fixed, so values are computed where the call
                    // wants them; stack arguments are anywhere.
                    if let Callee::Value(c) = callee {
                        f.ops
                            .push(Operand::use_(vr(c), if x64 { Fixed(rax) } else { Any }));
                    }
                    let args = trace.args(args);
                    let types = args.iter().map(|&a| trace.value_type(a));
                    t.assign_args(types, |k, loc| {
                        let c = match loc {
                            ArgLoc::Gpr(g) => Fixed(PReg::gpr(g.number())),
                            ArgLoc::Xmm(x) => Fixed(PReg::xmm(x.number())),
                            ArgLoc::Stack(_) => Any,
                        };
                        f.ops.push(Operand::use_(vr(args[k]), c));
                    });
                    push_opt(&mut f.ops, def(Any));
                    info.clobbers = CALL_CLOBBERS;
                }
                Op::Guard { kind, fail, .. } => {
                    match kind {
                        // The guard right after its (tentatively fused) comparison.
                        GuardKind::True(v) | GuardKind::False(v)
                            if tentative.last().is_some_and(|t| t.1 == 0 && t.2 == v) =>
                        {
                            if let Some(t) = tentative.last_mut() {
                                t.1 = f.ops.len() as u32;
                            }
                            f.ops.push(Operand::use_(vr(v), Flags));
                        }
                        GuardKind::True(v) | GuardKind::False(v) => f.ops.push(use_(v)),
                        GuardKind::NonNull(v) | GuardKind::IsNull(v) => f.ops.push(use_(v)),
                        GuardKind::Value(a, b) if trace.value_type(a) == Type::Float => {
                            f.ops.extend([reg(a), use_(b)]);
                            // Float bits are compared in GPRs.
                            scratch = 1;
                        }
                        GuardKind::Value(a, b) => cmp_uses(&mut f.ops, a, b),
                        GuardKind::Class {
                            obj: a,
                            expected: b,
                            ..
                        } => f.ops.extend([reg(a), reg(b)]),
                        GuardKind::NoOverflow
                        | GuardKind::Overflow
                        | GuardKind::NotInvalidated { .. } => {}
                    }
                    f.exits
                        .extend(trace.fail_args(fail).iter().flatten().map(|&v| vr(v)));
                }
                Op::Label { args } => {
                    let params = trace.op_values(i);
                    f.ops.extend(trace.args(args).iter().map(|&a| use_(a)));
                    f.ops
                        .extend(params.clone().map(|p| Operand::def(VReg(p), Any)));
                    if header == Some(i) {
                        f.push_inst(info);
                        f.branch.extend(params.map(VReg));
                        info.kind = InstKind::Label;
                        info.clobbers_flags = false;
                    }
                }
                Op::Jump { args, .. } => {
                    f.branch.extend(trace.args(args).iter().map(|&a| vr(a)));
                    info.kind = InstKind::Jump;
                }
                Op::Finish { values, .. } => {
                    f.ops.extend(trace.args(values).iter().map(|&a| use_(a)));
                }
            }
            if let (true, Some(r), Some(d)) = (guarded, r, f.ops.last())
                && d.constraint == Flags
            {
                fused[r.index()] = true;
                tentative.push((f.ops.len() as u32 - 1, 0, r));
            }
            for _ in 0..scratch {
                let c = f.fresh_const();
                f.ops.push(Operand::use_(c, Reg));
            }
            f.push_inst(info);
        }
        // A flags value must have the guard as its only reader.
        if !tentative.is_empty() {
            let uses = bump.alloc_slice_fill_copy(f.vinfo.len(), 0u32);
            for o in f.ops.iter().filter(|o| o.kind == OperandKind::Use) {
                uses[o.vreg.0 as usize] += 1;
            }
            for v in f.exits.iter().chain(f.branch.iter()) {
                uses[v.0 as usize] += 1;
            }
            for &(d, g, r) in tentative.iter() {
                if uses[r.index()] != 1 {
                    f.ops[d as usize].constraint = Any;
                    f.ops[g as usize].constraint = Any;
                    fused[r.index()] = false;
                }
            }
        }
        Some((f, fused))
    }

    /// A fresh constant vreg: a per-op scratch register request (see
    /// [`RaFunc::is_scratch`]).
    fn fresh_const(&mut self) -> VReg {
        self.vinfo.push(VRegInfo {
            class: RegClass::Gpr,
            is_ref: false,
            is_const: true,
        });
        VReg(self.vinfo.len() as u32 - 1)
    }

    /// The operands of an address (base `Reg`, index `Reg` when scaled by
    /// an x86 scale factor, else anywhere); returns the scratch registers
    /// the lowering needs beyond `r11` to scale the index.
    fn address(&mut self, x64: bool, addr: &crate::ir::Addr) -> usize {
        self.ops.push(Operand::use_(vr(addr.base), Constraint::Reg));
        let Some((index, size)) = addr.index else {
            return 0;
        };
        if direct_scale(size as u64) {
            self.ops.push(Operand::use_(vr(index), Constraint::Reg));
            return 0;
        }
        self.ops
            .push(Operand::use_(vr(index), Constraint::RegOrStack));
        // x86-32 scales in a scratch register; x86-64 in r11, plus one for
        // a size beyond a 32-bit immediate.
        usize::from(!x64 || i32::try_from(size).is_err())
    }

    /// Whether `v` is a scratch request rather than an IR value.
    pub fn is_scratch(&self, v: VReg) -> bool {
        v.0 >= self.num_values
    }

    /// The allocator instruction of IR op `op` (for a `Label`, the copy;
    /// for the loop header, the header itself is the next one).
    pub fn first_inst(&self, op: usize) -> usize {
        op + usize::from(op > self.header)
    }

    fn push_inst(&mut self, info: InstRec) {
        self.insts.push(InstRec {
            ops: self.ops.len() as u32,
            branch: self.branch.len() as u32,
            exits: self.exits.len() as u32,
            ..info
        });
    }
}

/// One allocator instruction: its facts (16 bytes: the clobber set is an
/// index into [`RaFunc::clobber_sets`]) and the ends of its operands,
/// branch args and fail-args in the flat arrays.
#[derive(Clone, Copy)]
struct InstRec {
    kind: InstKind,
    clobbers: u8,
    clobbers_flags: bool,
    ops: u32,
    branch: u32,
    exits: u32,
}

impl InstRec {
    /// An ordinary instruction (see [`InstInfo::op`]), no entries yet.
    const fn op() -> InstRec {
        InstRec {
            kind: InstKind::Op,
            clobbers: NO_CLOBBERS,
            clobbers_flags: true,
            ops: 0,
            branch: 0,
            exits: 0,
        }
    }
}

impl Function for RaFunc<'_> {
    fn num_insts(&self) -> usize {
        self.insts.len() - 1
    }
    fn num_vregs(&self) -> usize {
        self.vinfo.len()
    }
    fn vreg_info(&self, vreg: VReg) -> VRegInfo {
        self.vinfo[vreg.0 as usize]
    }
    fn inst_info(&self, inst: usize) -> InstInfo {
        let r = &self.insts[inst + 1];
        InstInfo {
            kind: r.kind,
            clobbers: self.clobber_sets[r.clobbers as usize],
            clobbers_flags: r.clobbers_flags,
            safepoint: false,
        }
    }
    fn operands(&self, inst: usize) -> &[Operand] {
        let (s, e) = (self.insts[inst].ops, self.insts[inst + 1].ops);
        &self.ops[s as usize..e as usize]
    }
    fn branch_args(&self, inst: usize) -> &[VReg] {
        let (s, e) = (self.insts[inst].branch, self.insts[inst + 1].branch);
        &self.branch[s as usize..e as usize]
    }
    fn exit_args(&self, inst: usize) -> &[VReg] {
        let (s, e) = (self.insts[inst].exits, self.insts[inst + 1].exits);
        &self.exits[s as usize..e as usize]
    }
}
