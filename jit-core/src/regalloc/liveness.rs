//! The pre-pass: validates the program and computes, per vreg, its last
//! use (extended to the back edge for values live around the loop) and
//! register hints. Next uses, for Belady eviction, are found when needed
//! by scanning ahead (see `LinearScan::next_uses`): evictions are rare,
//! and per-vreg use lists cost more to build than the scans.

use super::env::RegEnv;
use super::error::RegAllocError;
use super::types::{Constraint, Function, InstKind, OperandKind, PReg, VReg};
use bumpalo::Bump;
use bumpalo::collections::Vec as BumpVec;

pub(super) const NONE: u32 = u32::MAX;

/// Facts computed before the forward pass.
pub(super) struct Liveness<'b> {
    /// Per vreg: its last use position (0 when never used).
    last: &'b [u32],
    /// Per vreg: first fixed-register use, as `PReg::index` (0xFF: none).
    pub fixed_hint: &'b mut [u8],
    /// Per vreg: index among the jump args (NONE: not a jump arg).
    pub jump_index: &'b mut [u32],
    /// Per vreg: is a label arg.
    pub is_label_arg: &'b mut [bool],
    /// Per instruction: has a `Fixed` or `FixedStack` operand.
    has_fixed: &'b [bool],
    /// Number of clobbering instructions before each instruction.
    clobber_prefix: &'b [u32],
    /// Total operands over all instructions (sizes the output up front).
    pub num_operands: usize,
    /// Total fail-args over all instructions.
    pub num_exit_args: usize,
}

impl<'b> Liveness<'b> {
    /// Computes the facts; with `CHECK`, validates the program first (a
    /// trusted client, whose view is correct by construction, skips that).
    pub(super) fn compute<const CHECK: bool, F: Function + ?Sized>(
        func: &F,
        env: &RegEnv,
        bump: &'b Bump,
    ) -> Result<Liveness<'b>, RegAllocError> {
        let n = func.num_insts();
        let nv = func.num_vregs();
        let def_pos = bump.alloc_slice_fill_copy(nv, NONE);
        // 0 until read: a read at instruction 0 is no later than any def.
        let last_use = bump.alloc_slice_fill_copy(nv, 0u32);
        let fixed_hint = bump.alloc_slice_fill_copy(nv, 0xFFu8);
        let jump_index = bump.alloc_slice_fill_copy(nv, NONE);
        let is_label_arg = bump.alloc_slice_fill_copy(nv, false);
        let is_flags = bump.alloc_slice_fill_copy(if CHECK { nv } else { 0 }, false);
        let has_fixed = bump.alloc_slice_fill_copy(n, false);
        let clobber_prefix = bump.alloc_slice_fill_copy(n + 1, 0u32);
        let (mut label, mut jump) = (NONE, NONE);
        let mut clobbers = 0u32;
        let (mut num_operands, mut num_exit_args) = (0usize, 0usize);
        // Every reuse def: (def, the use it reuses, instruction).
        let mut reuses: BumpVec<'_, (u32, u32, u32)> = BumpVec::with_capacity_in(n / 2 + 8, bump);

        for i in 0..n {
            clobber_prefix[i] = clobbers;
            let info = func.inst_info(i);
            if !info.clobbers.is_empty() {
                clobbers += 1;
            }
            let ops = func.operands(i);
            let branch = func.branch_args(i);
            let exits = func.exit_args(i);
            num_operands += ops.len();
            num_exit_args += exits.len();
            if CHECK {
                check_inst(func, i, label, jump)?;
            }
            // Uses.
            let mut fixed_here = false;
            for (k, op) in ops.iter().enumerate() {
                if CHECK {
                    check_operand(func, env, i, k, def_pos, is_flags)?;
                }
                let v = op.vreg.0 as usize;
                match op.constraint {
                    Constraint::Fixed(p) => {
                        fixed_here = true;
                        if op.kind == OperandKind::Use && fixed_hint[v] == 0xFF {
                            fixed_hint[v] = p.index() as u8;
                        }
                    }
                    Constraint::FixedStack(_) => fixed_here = true,
                    Constraint::Reuse(r) => {
                        reuses.push((op.vreg.0, ops[r as usize].vreg.0, i as u32));
                    }
                    _ => {}
                }
                match op.kind {
                    OperandKind::Use => last_use[v] = i as u32,
                    // Checked defs are recorded after the uses, below.
                    OperandKind::Def if !CHECK => def_pos[v] = i as u32,
                    OperandKind::Def => {}
                }
            }
            has_fixed[i] = fixed_here;
            for &a in exits.iter().chain(branch) {
                if CHECK {
                    let v = vreg_index(func, i, a)?;
                    defined(func, def_pos, i, v)?;
                    if is_flags[v] {
                        return Err(RegAllocError::BadFlags {
                            inst: i,
                            vreg: a,
                            reason: "in fail-args or branch args",
                        });
                    }
                }
                last_use[a.0 as usize] = i as u32;
            }
            match info.kind {
                InstKind::Label => {
                    label = i as u32;
                    for &a in branch {
                        if CHECK && is_label_arg[a.0 as usize] {
                            return Err(RegAllocError::BadLoop {
                                inst: i,
                                reason: "label arg listed twice",
                            });
                        }
                        is_label_arg[a.0 as usize] = true;
                    }
                }
                InstKind::Jump => {
                    jump = i as u32;
                    let label_args = func.branch_args(label as usize);
                    if CHECK && label_args.len() != branch.len() {
                        return Err(RegAllocError::BadLoop {
                            inst: i,
                            reason: "jump and label arity differ",
                        });
                    }
                    for (k, (&a, &l)) in branch.iter().zip(label_args).enumerate() {
                        if CHECK && func.vreg_info(a).class != func.vreg_info(l).class {
                            return Err(RegAllocError::ClassMismatch { inst: i, vreg: a });
                        }
                        if jump_index[a.0 as usize] == NONE {
                            jump_index[a.0 as usize] = k as u32;
                        }
                    }
                }
                InstKind::Op => {}
            }
            // Defs (checked after the uses: an instruction reads nothing it
            // defines).
            if CHECK {
                for op in ops.iter().filter(|o| o.kind == OperandKind::Def) {
                    let v = op.vreg.0 as usize;
                    if def_pos[v] != NONE || func.vreg_info(op.vreg).is_const {
                        return Err(RegAllocError::BadDef {
                            inst: i,
                            vreg: op.vreg,
                        });
                    }
                    is_flags[v] = op.constraint == Constraint::Flags;
                    def_pos[v] = i as u32;
                }
            }
        }
        clobber_prefix[n] = clobbers;
        // A value whose last read is a two-operand form becomes the result:
        // it inherits the result's hints (backwards, so chains propagate).
        for &(d, v, i) in reuses.iter().rev() {
            let (d, v) = (d as usize, v as usize);
            if last_use[v] != i {
                continue;
            }
            if fixed_hint[v] == 0xFF {
                fixed_hint[v] = fixed_hint[d];
            }
            if jump_index[v] == NONE {
                jump_index[v] = jump_index[d];
            }
        }
        if label != NONE && jump == NONE {
            return Err(RegAllocError::BadLoop {
                inst: label as usize,
                reason: "label without jump",
            });
        }

        // Values defined before the label and read inside the loop stay
        // live until the jump (a pseudo-use there), so they survive the
        // back edge; label args are redefined by the jump instead.
        if label != NONE {
            for (v, last) in last_use.iter_mut().enumerate() {
                if def_pos[v] != NONE
                    && def_pos[v] < label
                    && !is_label_arg[v]
                    && *last > label
                    && *last < jump
                {
                    *last = jump;
                }
            }
        }
        let last = last_use;
        Ok(Liveness {
            last,
            has_fixed,
            fixed_hint,
            jump_index,
            is_label_arg,
            clobber_prefix,
            num_operands,
            num_exit_args,
        })
    }

    /// Whether instruction `inst` has a `Fixed` or `FixedStack` operand.
    pub(super) fn has_fixed(&self, inst: usize) -> bool {
        self.has_fixed[inst]
    }

    /// The last use of `v` (0 when never used).
    pub(super) fn last_use(&self, v: u32) -> u32 {
        self.last[v as usize]
    }

    /// Whether `v` is used after instruction `inst` (any direction of query).
    pub(super) fn used_after(&self, v: u32, inst: u32) -> bool {
        self.last[v as usize] > inst
    }

    /// Whether a call (a clobbering instruction) lies strictly between
    /// `inst` and the last use of `v`.
    pub(super) fn crosses_call(&self, v: u32, inst: u32) -> bool {
        let last = self.last[v as usize] as usize;
        last > inst as usize + 1
            && self.clobber_prefix[last] > self.clobber_prefix[inst as usize + 1]
    }

    /// The fixed register `v` is next wanted in, if any.
    pub(super) fn fixed_hint(&self, v: u32) -> Option<PReg> {
        let h = self.fixed_hint[v as usize];
        (h != 0xFF).then(|| PReg::from_index(h as usize))
    }
}

/// `v` as an index, if it names a vreg.
fn vreg_index<F: Function + ?Sized>(
    func: &F,
    inst: usize,
    v: VReg,
) -> Result<usize, RegAllocError> {
    if (v.0 as usize) < func.num_vregs() {
        Ok(v.0 as usize)
    } else {
        Err(RegAllocError::VRegOutOfRange { inst, vreg: v })
    }
}

/// Whether vreg `v`, read at `inst`, is defined by then (or a constant).
fn defined<F: Function + ?Sized>(
    func: &F,
    def_pos: &[u32],
    inst: usize,
    v: usize,
) -> Result<(), RegAllocError> {
    if def_pos[v] == NONE && !func.vreg_info(VReg(v as u32)).is_const {
        Err(RegAllocError::UseBeforeDef {
            inst,
            vreg: VReg(v as u32),
        })
    } else {
        Ok(())
    }
}

/// The loop shape seen at instruction `i` (`label`, `jump`: those seen
/// before it, or NONE).
fn check_inst<F: Function + ?Sized>(
    func: &F,
    i: usize,
    label: u32,
    jump: u32,
) -> Result<(), RegAllocError> {
    let info = func.inst_info(i);
    let bad = |reason| Err(RegAllocError::BadLoop { inst: i, reason });
    if jump != NONE {
        return bad("instruction after the jump");
    }
    match info.kind {
        InstKind::Op if !func.branch_args(i).is_empty() => bad("branch args on an op"),
        InstKind::Label | InstKind::Jump
            if !func.operands(i).is_empty()
                || !func.exit_args(i).is_empty()
                || !info.clobbers.is_empty()
                || info.safepoint =>
        {
            bad("a label or jump carries only branch args")
        }
        InstKind::Label if label != NONE => bad("second label"),
        InstKind::Jump if label == NONE => bad("jump without label"),
        _ => Ok(()),
    }
}

/// Operand `k` of instruction `i`: its vreg, constraint and (for a use)
/// its definition and flags-ness.
fn check_operand<F: Function + ?Sized>(
    func: &F,
    env: &RegEnv,
    i: usize,
    k: usize,
    def_pos: &[u32],
    is_flags: &[bool],
) -> Result<(), RegAllocError> {
    let ops = func.operands(i);
    let op = ops[k];
    let v = vreg_index(func, i, op.vreg)?;
    let bad = Err(RegAllocError::BadConstraint {
        inst: i,
        operand: k,
    });
    match (op.kind, op.constraint) {
        (OperandKind::Def, Constraint::FixedStack(_))
            if ops[..k].iter().any(|o| o.constraint == op.constraint) =>
        {
            return bad;
        }
        (OperandKind::Use, Constraint::Reuse(_) | Constraint::FixedStack(_)) => return bad,
        (_, Constraint::Fixed(p)) => {
            if p.class() != func.vreg_info(op.vreg).class {
                return Err(RegAllocError::ClassMismatch {
                    inst: i,
                    vreg: op.vreg,
                });
            }
            if !env.is_allocatable(p) {
                return Err(RegAllocError::FixedNotAllocatable { inst: i, reg: p });
            }
            let clash = ops[..k].iter().any(|o| {
                o.kind == op.kind
                    && o.constraint == op.constraint
                    && (o.vreg != op.vreg || op.kind == OperandKind::Def)
            });
            if clash {
                return Err(RegAllocError::FixedConflict { inst: i, reg: p });
            }
        }
        (OperandKind::Def, Constraint::Reuse(r)) => {
            let ok = ops.get(r as usize).is_some_and(|u| {
                u.kind == OperandKind::Use
                    && matches!(u.constraint, Constraint::Reg | Constraint::RegOrStack)
                    && func.vreg_info(u.vreg).class == func.vreg_info(op.vreg).class
            });
            let twice = ops[..k]
                .iter()
                .any(|o| o.constraint == op.constraint && o.kind == OperandKind::Def);
            if !ok || twice {
                return bad;
            }
        }
        _ => {}
    }
    if op.kind == OperandKind::Use {
        defined(func, def_pos, i, v)?;
        if is_flags[v] != (op.constraint == Constraint::Flags) {
            return Err(RegAllocError::BadFlags {
                inst: i,
                vreg: op.vreg,
                reason: "flags value used as a register or vice versa",
            });
        }
    }
    Ok(())
}
