//! The bridge to the register allocator: describes a trace to
//! [`crate::regalloc`] (one allocator instruction per IR op, two for a
//! `Label`: a parallel copy defining the parameters, then the loop header)
//! and the register environment the lowering leaves to it.
//!
//! Operand constraints follow what the lowering can encode: most operands
//! are `RegOrStack` (x86 memory forms), two-operand ALU forms reuse their
//! first source's register for the result, a comparison feeding only the
//! next guard is defined in the flags; float operands the lowering has no
//! scratch register for (results of `sqrt`, int-to-float and float loads,
//! the stored value of a float store, the first operand of a float
//! comparison) are `Reg`, as are address bases; divisions clobber `rdx`.
//! On x86-64 the scratch registers of the lowering are `rax` and `r11` (so
//! shift counts are `Fixed(rcx)` and stored integers `Reg`); on x86-32
//! `eax` and `ecx`. Every XMM register is allocatable.
//!
//! Only the label the jump targets is a loop header for the allocator;
//! other labels are plain parallel copies. When the allocator refuses a
//! trace (more than one jump, a jump that is not the last op, an
//! allocation error), the lowering falls back to one frame slot per value; see
//! [`crate::backend::Compiler::fallbacks`].

use bumpalo::Bump;
use bumpalo::collections::Vec as BVec;

use super::target::Target;
use crate::ir::{
    Callee, ConvOp, FloatCmpOp, FloatUnOp, GuardKind, IntBinOp, Op, Trace, Type, Value,
};
use crate::regalloc::{
    Constraint, Function, InstInfo, InstKind, Operand, PReg, PRegSet, RegClass, RegEnv, VReg,
    VRegInfo,
};

/// The register environment of the lowering on `t`: the target's
/// registers minus the frame pointer, the stack pointer and the scratch
/// registers of the lowering. Win64's `xmm6..xmm15` are callee-saved (the
/// prologue saves the used ones, all 128 bits).
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
        Target::SysV64 => (
            0xFFFF & !(RSP_RBP | RAX | R11),
            0xFFFF,
            RBX | R12_15,
            RAX | R11,
        ),
        Target::Win64 => (
            0xFFFF & !(RSP_RBP | RAX | R11),
            0xFFFF,
            RBX | RSI | RDI | R12_15,
            RAX | R11,
        ),
        Target::Cdecl32 => (RBX | RSI | RDI | RDX, 0x00FF, RBX | RSI | RDI, RAX | RCX),
    };
    RegEnv {
        allocatable: PRegSet::from_masks(gprs, xmms),
        callee_saved: PRegSet::from_masks(callee, xmm_callee),
        caller_saved: PRegSet::from_masks(gprs & !callee, xmms & !xmm_callee),
        scratch: PRegSet::from_masks(scratch, 0),
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
    vinfo: &'b [VRegInfo],
    /// The allocator instruction of each IR op (for a `Label`, the copy;
    /// for the jump's target, the loop header is the next one).
    pub first_inst: BVec<'b, u32>,
}

fn vr(v: Value) -> VReg {
    VReg(v.0)
}

impl<'b> RaFunc<'b> {
    /// Describes `trace`; `fused[v]` says whether comparison `v` stays in
    /// the flags for the next guard. `None` when the trace has a shape the
    /// allocator does not take (more than one jump).
    pub fn new(t: Target, trace: &Trace, fused: &[bool], bump: &'b Bump) -> Option<Self> {
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
        let clobbers = env.caller_saved;
        let mut f = RaFunc {
            ops: BVec::with_capacity_in(3 * n, bump),
            insts: BVec::with_capacity_in(n + 2, bump),
            branch: BVec::new_in(bump),
            exits: BVec::with_capacity_in(n, bump),
            vinfo: bump.alloc_slice_fill_with(trace.num_values(), |k| {
                let ty = trace.value_type(Value(k as u32));
                VRegInfo {
                    class: if ty == Type::Float {
                        RegClass::Xmm
                    } else {
                        RegClass::Gpr
                    },
                    is_ref: ty == Type::Ref,
                    is_const: false,
                }
            }),
            first_inst: BVec::with_capacity_in(n, bump),
        };
        f.insts.push(InstRec {
            info: InstInfo::op(),
            ops: 0,
            branch: 0,
            exits: 0,
        });
        use Constraint::{Flags, RegOrStack as Any, Reuse};
        let use_ = |v: Value| Operand::use_(vr(v), Any);
        let x64 = t != Target::Cdecl32;
        let base = |v: Value| Operand::use_(vr(v), Constraint::Reg);
        for (i, &op) in trace.ops().iter().enumerate() {
            f.first_inst.push(f.insts.len() as u32 - 1);
            let r = trace.op_result(i);
            let def = |c| r.map(|r| Operand::def(vr(r), c));
            let cmp_def =
                || r.map(|r| Operand::def(vr(r), if fused[r.index()] { Flags } else { Any }));
            let mut info = InstInfo::op();
            match op {
                Op::Input(_) | Op::ConstInt(_) | Op::ConstFloat(_) | Op::ConstRef(_) => {
                    f.ops.extend(def(Any));
                }
                Op::IntBin(o, a, b) => {
                    use IntBinOp as B;
                    match o {
                        B::Add | B::Sub | B::And | B::Or | B::Xor | B::Mul => {
                            f.ops.push(Operand::use_(vr(a), Constraint::Reg));
                            f.ops.push(use_(b));
                            f.ops.extend(def(Reuse(0)));
                        }
                        B::Eq | B::Ne | B::Lt | B::Le | B::Gt | B::Ge => {
                            f.ops.extend([use_(a), use_(b)]);
                            f.ops.extend(cmp_def());
                        }
                        B::Ult | B::Ule | B::Ugt | B::Uge => {
                            f.ops.extend([use_(a), use_(b)]);
                            f.ops.extend(cmp_def());
                        }
                        B::Shl | B::Sar | B::Shr if x64 => {
                            f.ops.push(use_(a));
                            f.ops
                                .push(Operand::use_(vr(b), Constraint::Fixed(PReg::gpr(1))));
                            f.ops.extend(def(Any));
                        }
                        _ => {
                            f.ops.extend([use_(a), use_(b)]);
                            f.ops.extend(def(Any));
                            if matches!(o, B::SDiv | B::SRem | B::UDiv | B::URem | B::UMulH) {
                                info.clobbers = PRegSet::of(&[PReg::gpr(2)]);
                            }
                        }
                    }
                }
                Op::IntOvf(_, a, b) | Op::FloatBin(_, a, b) => {
                    f.ops.push(Operand::use_(vr(a), Constraint::Reg));
                    f.ops.push(use_(b));
                    f.ops.extend(def(Reuse(0)));
                }
                Op::FloatCmp(o, a, b) => {
                    let reg = |v: Value| Operand::use_(vr(v), Constraint::Reg);
                    if matches!(o, FloatCmpOp::Lt | FloatCmpOp::Le) {
                        f.ops.extend([use_(a), reg(b)]);
                    } else {
                        f.ops.extend([reg(a), use_(b)]);
                    }
                    f.ops.extend(cmp_def());
                }
                Op::RefCmp(_, a, b) => {
                    f.ops.extend([use_(a), use_(b)]);
                    f.ops.extend(cmp_def());
                }
                Op::IntUn(o, a) => {
                    f.ops.push(use_(a));
                    let flags =
                        matches!(o, crate::ir::IntUnOp::IsZero | crate::ir::IntUnOp::IsTrue);
                    f.ops.extend(if flags { cmp_def() } else { def(Any) });
                }
                Op::RefIsNull(a) => {
                    f.ops.push(use_(a));
                    f.ops.extend(cmp_def());
                }
                Op::FloatUn(o, a) => {
                    f.ops.push(use_(a));
                    let sqrt = o == FloatUnOp::Sqrt;
                    f.ops.extend(def(if sqrt { Constraint::Reg } else { Any }));
                }
                Op::Conv(o, a) => {
                    f.ops.push(use_(a));
                    let to_float = o == ConvOp::IntToFloat;
                    f.ops
                        .extend(def(if to_float { Constraint::Reg } else { Any }));
                }
                Op::Load(desc, addr) => {
                    f.ops.push(base(addr.base));
                    f.ops.extend(addr.index.map(|(x, _)| use_(x)));
                    let float = desc.ty == Type::Float;
                    f.ops.extend(def(if float { Constraint::Reg } else { Any }));
                }
                Op::Store(desc, addr, v) => {
                    f.ops.push(base(addr.base));
                    f.ops.extend(addr.index.map(|(x, _)| use_(x)));
                    let reg = desc.ty == Type::Float || x64;
                    f.ops.push(Operand::use_(
                        vr(v),
                        if reg { Constraint::Reg } else { Any },
                    ));
                }
                Op::Call { callee, args, .. } | Op::CondCall { callee, args, .. } => {
                    if let Op::CondCall { cond, .. } = op {
                        f.ops.push(use_(cond));
                    }
                    if let Callee::Value(c) = callee {
                        f.ops.push(use_(c));
                    }
                    f.ops.extend(trace.args(args).iter().map(|&a| use_(a)));
                    f.ops.extend(def(Any));
                    info.clobbers = clobbers;
                }
                Op::Guard { kind, fail, .. } => {
                    match kind {
                        GuardKind::True(v) | GuardKind::False(v) => f.ops.push(Operand::use_(
                            vr(v),
                            if fused[v.index()] { Flags } else { Any },
                        )),
                        GuardKind::NonNull(v) | GuardKind::IsNull(v) => f.ops.push(use_(v)),
                        GuardKind::Value(a, b)
                        | GuardKind::Class {
                            obj: a,
                            expected: b,
                            ..
                        } => f.ops.extend([use_(a), use_(b)]),
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
            f.push_inst(info);
        }
        Some(f)
    }

    fn push_inst(&mut self, info: InstInfo) {
        self.insts.push(InstRec {
            info,
            ops: self.ops.len() as u32,
            branch: self.branch.len() as u32,
            exits: self.exits.len() as u32,
        });
    }
}

/// One allocator instruction: its facts and the ends of its operands,
/// branch args and fail-args in the flat arrays.
#[derive(Clone, Copy)]
struct InstRec {
    info: InstInfo,
    ops: u32,
    branch: u32,
    exits: u32,
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
        self.insts[inst + 1].info
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
