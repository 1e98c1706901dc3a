//! The pre-pass: validates the program and computes, per vreg, its def
//! position, its sorted use positions (the next-use information that drives
//! Belady eviction), register hints, and the loop extension of values live
//! around the back edge.

use super::env::RegEnv;
use super::error::RegAllocError;
use super::types::{Constraint, Function, InstKind, OperandKind, PReg, VReg};
use bumpalo::Bump;
use bumpalo::collections::Vec as BumpVec;

pub(super) const NONE: u32 = u32::MAX;

/// Facts computed before the forward pass.
pub(super) struct Liveness<'b> {
    /// Use positions of vreg `v`: `uses[use_start[v]..use_start[v + 1]]`, ascending.
    uses: &'b mut [u32],
    use_start: &'b mut [u32],
    /// Per vreg: index into `uses` of the first use not yet passed.
    cursor: &'b mut [u32],
    /// Per vreg: its last use position (0 when never used).
    last: &'b [u32],
    /// Per vreg: first fixed-register use, as `PReg::index` (0xFF: none).
    pub fixed_hint: &'b mut [u8],
    /// Per vreg: index among the jump args (NONE: not a jump arg).
    pub jump_index: &'b mut [u32],
    /// Per vreg: is a label arg.
    pub is_label_arg: &'b mut [bool],
    /// Per instruction: has a `Fixed` or `FixedStack` operand.
    has_fixed: BumpVec<'b, bool>,
    /// Number of clobbering instructions before each instruction.
    clobber_prefix: BumpVec<'b, u32>,
    /// Total operands over all instructions (sizes the output up front).
    pub num_operands: usize,
    /// Total fail-args over all instructions.
    pub num_exit_args: usize,
}

impl<'b> Liveness<'b> {
    pub(super) fn compute<F: Function + ?Sized>(
        func: &F,
        env: &RegEnv,
        bump: &'b Bump,
    ) -> Result<Liveness<'b>, RegAllocError> {
        let n = func.num_insts();
        let nv = func.num_vregs();
        let def_pos = bump.alloc_slice_fill_copy(nv, NONE);
        let last_use = bump.alloc_slice_fill_copy(nv, NONE);
        let count = bump.alloc_slice_fill_copy(nv + 1, 0u32);
        let fixed_hint = bump.alloc_slice_fill_copy(nv, 0xFFu8);
        let jump_index = bump.alloc_slice_fill_copy(nv, NONE);
        let is_label_arg = bump.alloc_slice_fill_copy(nv, false);
        let is_flags = bump.alloc_slice_fill_copy(nv, false);
        let mut has_fixed = BumpVec::with_capacity_in(n, bump);
        let mut clobber_prefix = BumpVec::with_capacity_in(n + 1, bump);
        let (mut label, mut jump) = (NONE, NONE);
        let mut clobbers = 0u32;
        // Every (vreg, instruction) read, in instruction order: bucketed
        // into per-vreg use lists below without walking the program again.
        let mut reads: BumpVec<'_, (u32, u32)> = BumpVec::with_capacity_in(3 * n + 16, bump);
        let (mut num_operands, mut num_exit_args) = (0usize, 0usize);
        // Every reuse def: (def, the use it reuses, instruction).
        let mut reuses: BumpVec<'_, (u32, u32, u32)> = BumpVec::new_in(bump);

        let check = |inst: usize, v: VReg| {
            if v.0 as usize >= nv {
                Err(RegAllocError::VRegOutOfRange { inst, vreg: v })
            } else {
                Ok(v.0 as usize)
            }
        };
        let used = |inst: usize, v: usize, def_pos: &[u32]| {
            if def_pos[v] == NONE && !func.vreg_info(VReg(v as u32)).is_const {
                Err(RegAllocError::UseBeforeDef {
                    inst,
                    vreg: VReg(v as u32),
                })
            } else {
                Ok(())
            }
        };

        for i in 0..n {
            clobber_prefix.push(clobbers);
            let info = func.inst_info(i);
            if !info.clobbers.is_empty() {
                clobbers += 1;
            }
            if jump != NONE {
                return Err(RegAllocError::BadLoop {
                    inst: i,
                    reason: "instruction after the jump",
                });
            }
            let ops = func.operands(i);
            let branch = func.branch_args(i);
            let exits = func.exit_args(i);
            num_operands += ops.len();
            num_exit_args += exits.len();
            match info.kind {
                InstKind::Op if !branch.is_empty() => {
                    return Err(RegAllocError::BadLoop {
                        inst: i,
                        reason: "branch args on an op",
                    });
                }
                InstKind::Label | InstKind::Jump
                    if !ops.is_empty()
                        || !exits.is_empty()
                        || !info.clobbers.is_empty()
                        || info.safepoint =>
                {
                    return Err(RegAllocError::BadLoop {
                        inst: i,
                        reason: "a label or jump carries only branch args",
                    });
                }
                InstKind::Label if label != NONE => {
                    return Err(RegAllocError::BadLoop {
                        inst: i,
                        reason: "second label",
                    });
                }
                InstKind::Jump if label == NONE => {
                    return Err(RegAllocError::BadLoop {
                        inst: i,
                        reason: "jump without label",
                    });
                }
                _ => {}
            }
            // Uses.
            let mut fixed_here = false;
            for (k, op) in ops.iter().enumerate() {
                let v = check(i, op.vreg)?;
                match (op.kind, op.constraint) {
                    (OperandKind::Def, Constraint::FixedStack(_))
                        if ops[..k].iter().any(|o| o.constraint == op.constraint) =>
                    {
                        return Err(RegAllocError::BadConstraint {
                            inst: i,
                            operand: k,
                        });
                    }
                    (OperandKind::Use, Constraint::Reuse(_) | Constraint::FixedStack(_)) => {
                        return Err(RegAllocError::BadConstraint {
                            inst: i,
                            operand: k,
                        });
                    }
                    (_, Constraint::Fixed(p)) => {
                        if p.class != func.vreg_info(op.vreg).class {
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
                            return Err(RegAllocError::BadConstraint {
                                inst: i,
                                operand: k,
                            });
                        }
                        reuses.push((op.vreg.0, ops[r as usize].vreg.0, i as u32));
                    }
                    _ => {}
                }
                fixed_here |= matches!(
                    op.constraint,
                    Constraint::Fixed(_) | Constraint::FixedStack(_)
                );
                if op.kind != OperandKind::Use {
                    continue;
                }
                used(i, v, def_pos)?;
                if is_flags[v] != (op.constraint == Constraint::Flags) {
                    return Err(RegAllocError::BadFlags {
                        inst: i,
                        vreg: op.vreg,
                        reason: "flags value used as a register or vice versa",
                    });
                }
                if let Constraint::Fixed(p) = op.constraint
                    && fixed_hint[v] == 0xFF
                {
                    fixed_hint[v] = p.index() as u8;
                }
                count[v] += 1;
                last_use[v] = i as u32;
                reads.push((v as u32, i as u32));
            }
            has_fixed.push(fixed_here);
            for &a in exits.iter().chain(branch) {
                let v = check(i, a)?;
                used(i, v, def_pos)?;
                if is_flags[v] {
                    return Err(RegAllocError::BadFlags {
                        inst: i,
                        vreg: a,
                        reason: "in fail-args or branch args",
                    });
                }
                count[v] += 1;
                last_use[v] = i as u32;
                reads.push((v as u32, i as u32));
            }
            match info.kind {
                InstKind::Label => {
                    label = i as u32;
                    for &a in branch {
                        if is_label_arg[a.0 as usize] {
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
                    if label_args.len() != branch.len() {
                        return Err(RegAllocError::BadLoop {
                            inst: i,
                            reason: "jump and label arity differ",
                        });
                    }
                    for (k, (&a, &l)) in branch.iter().zip(label_args).enumerate() {
                        if func.vreg_info(a).class != func.vreg_info(l).class {
                            return Err(RegAllocError::ClassMismatch { inst: i, vreg: a });
                        }
                        if jump_index[a.0 as usize] == NONE {
                            jump_index[a.0 as usize] = k as u32;
                        }
                    }
                }
                InstKind::Op => {}
            }
            // Defs.
            for op in ops.iter().filter(|o| o.kind == OperandKind::Def) {
                let v = op.vreg.0 as usize;
                if def_pos[v] != NONE || func.vreg_info(op.vreg).is_const {
                    return Err(RegAllocError::BadDef {
                        inst: i,
                        vreg: op.vreg,
                    });
                }
                def_pos[v] = i as u32;
                is_flags[v] = op.constraint == Constraint::Flags;
            }
        }
        clobber_prefix.push(clobbers);
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
        let live_through = |v: usize, last_use: &[u32]| {
            label != NONE
                && def_pos[v] != NONE
                && def_pos[v] < label
                && !is_label_arg[v]
                && last_use[v] != NONE
                && last_use[v] > label
                && last_use[v] < jump
        };
        let use_start = bump.alloc_slice_fill_copy(nv + 1, 0u32);
        let mut total = 0u32;
        for (v, &c) in count.iter().enumerate().take(nv) {
            use_start[v] = total;
            total += c + u32::from(live_through(v, last_use));
        }
        use_start[nv] = total;
        let uses = bump.alloc_slice_fill_copy(total as usize, 0u32);
        count[..nv].copy_from_slice(&use_start[..nv]);
        for &(v, i) in reads.iter() {
            let v = v as usize;
            uses[count[v] as usize] = i;
            count[v] += 1;
        }
        // The last use of each vreg (0 when never used): its last read, or
        // the jump for values live through the loop.
        for v in 0..nv {
            if live_through(v, last_use) {
                uses[count[v] as usize] = jump;
                last_use[v] = jump;
            } else if last_use[v] == NONE {
                last_use[v] = 0;
            }
        }
        let cursor = bump.alloc_slice_copy(&use_start[..nv]);
        let last = last_use;
        Ok(Liveness {
            uses,
            use_start,
            cursor,
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

    /// The first use of `v` strictly after instruction `inst` (NONE if
    /// dead after it). Queries must not go backwards in `inst`.
    pub(super) fn next_use_after(&mut self, v: u32, inst: u32) -> u32 {
        let v = v as usize;
        let end = self.use_start[v + 1];
        let mut c = self.cursor[v];
        while c < end && self.uses[c as usize] <= inst {
            c += 1;
        }
        self.cursor[v] = c;
        if c < end { self.uses[c as usize] } else { NONE }
    }

    /// Whether instruction `inst` has a `Fixed` or `FixedStack` operand.
    pub(super) fn has_fixed(&self, inst: usize) -> bool {
        self.has_fixed[inst]
    }

    /// Whether `v` is used after instruction `inst` (any direction of query).
    pub(super) fn used_after(&self, v: u32, inst: u32) -> bool {
        self.last[v as usize] > inst
    }

    /// Whether a call (a clobbering instruction) lies strictly between
    /// `inst` and the last use of `v`.
    pub(super) fn crosses_call(&self, v: u32, inst: u32) -> bool {
        let (s, e) = (self.use_start[v as usize], self.use_start[v as usize + 1]);
        if s == e {
            return false;
        }
        let last = self.uses[e as usize - 1] as usize;
        last > inst as usize + 1
            && self.clobber_prefix[last] > self.clobber_prefix[inst as usize + 1]
    }

    /// The fixed register `v` is next wanted in, if any.
    pub(super) fn fixed_hint(&self, v: u32) -> Option<PReg> {
        let h = self.fixed_hint[v as usize];
        (h != 0xFF).then(|| PReg::from_index(h as usize))
    }
}
