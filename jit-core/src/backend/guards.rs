//! Control flow: prologue, guards with their exit stubs, labels and jumps,
//! finishes, and the shared exit path.
//!
//! A guard is one (sometimes two, for float equality) patchable `jcc rel32`
//! to its own compact stub emitted after the trace body. The stub copies
//! the guard's fail-args from their frame slots into the deopt buffer
//! (`rbx` points to it: 8 bytes per value, holes untouched), loads the exit
//! index into `eax` and jumps to the shared exit, which restores `rbx`,
//! `rsp` and `rbp` and returns.

use super::CompileError;
use super::lower::{Flags, Lowering, PendingStub};
use super::target::Target;
use crate::ir::{GuardKind, Op, Type, Value};
use crate::x86::{Alu, Cond, Gpr, Label, Mem, Mode, Size};

impl Lowering<'_, '_> {
    /// `push rbp; mov rbp, rsp; push rbx`, the frame, and the inputs copied
    /// into their slots. `rbx` = deopt buffer for the whole trace.
    pub fn prologue(&mut self) -> Result<(), CompileError> {
        let w = self.w;
        self.asm.push_r(Gpr::RBP)?;
        self.asm.mov_rr(w, Gpr::RBP, Gpr::RSP)?;
        self.asm.push_r(Gpr::RBX)?;
        match self.t {
            Target::SysV64 => {
                self.asm.mov_rr(w, Gpr::RBX, Gpr::RSI)?;
                self.asm.mov_rr(w, Gpr::RAX, Gpr::RDI)?;
            }
            Target::Win64 => {
                self.asm.mov_rr(w, Gpr::RBX, Gpr::RDX)?;
                self.asm.mov_rr(w, Gpr::RAX, Gpr::RCX)?;
            }
            Target::Cdecl32 => {
                self.asm.mov_rm(w, Gpr::RBX, Mem::base(Gpr::RBP, 12))?;
                self.asm.mov_rm(w, Gpr::RAX, Mem::base(Gpr::RBP, 8))?;
            }
        }
        self.asm
            .lea(w, Gpr::RSP, Mem::base(Gpr::RBP, -self.frame.size))?;
        self.asm.alu_ri(Alu::And, w, Gpr::RSP, -16)?;
        for (k, &ty) in self.trace.input_types().iter().enumerate() {
            let src = Mem::base(Gpr::RAX, 8 * k as i32);
            let dst = self.slot(Value(k as u32));
            self.copy(dst, src, ty)?;
        }
        Ok(())
    }

    /// The shared exit path: restore and return (exit index in `eax`).
    pub fn exit_path(&mut self) -> Result<(), CompileError> {
        let w = self.w;
        self.asm.bind(self.exit_label)?;
        let saved = Mem::base(Gpr::RBP, -(self.t.word_bytes() as i32));
        self.asm.mov_rm(w, Gpr::RBX, saved)?;
        self.asm.mov_rr(w, Gpr::RSP, Gpr::RBP)?;
        self.asm.pop_r(Gpr::RBP)?;
        Ok(self.asm.ret()?)
    }

    /// Stores `values` (holes skipped) into the deopt buffer.
    fn save_values(
        &mut self,
        values: impl Iterator<Item = Option<Value>>,
    ) -> Result<(), CompileError> {
        for (k, v) in values.enumerate() {
            if let Some(v) = v {
                let ty = self.trace.value_type(v);
                let dst = Mem::base(Gpr::RBX, 8 * k as i32);
                self.copy(dst, self.slot(v), ty)?;
            }
        }
        Ok(())
    }

    /// `Finish`: values to the deopt buffer, exit index, shared exit.
    pub fn finish(&mut self, i: usize, values: &[Value]) -> Result<(), CompileError> {
        self.save_values(values.iter().map(|&v| Some(v)))?;
        let exit = self.new_exit(i)?;
        self.asm.mov_ri(Size::D, Gpr::RAX, exit as i64)?;
        Ok(self.asm.jmp(self.exit_label)?)
    }

    fn new_exit(&mut self, op: usize) -> Result<u32, CompileError> {
        let exit = u32::try_from(self.exits.len()).map_err(|_| CompileError::TooLarge)?;
        self.exits.push(op as u32);
        Ok(exit)
    }

    /// A patchable `jcc rel32` to the stub of the newest exit.
    fn jcc_site(&mut self, c: Cond, stub: Label) -> Result<(), CompileError> {
        let site = self.asm.jcc_patchable(c, stub)?;
        let exit = self.exits.len() as u32 - 1;
        self.sites.push((exit, site.rel32_offset));
        Ok(())
    }

    /// Jumps to `stub` (of the newest exit) when `f` holds.
    fn jump_if(&mut self, f: Flags, stub: Label) -> Result<(), CompileError> {
        match f {
            Flags::Cc(c) => self.jcc_site(c, stub),
            Flags::FloatNe => {
                self.jcc_site(Cond::NE, stub)?;
                self.jcc_site(Cond::P, stub)
            }
            Flags::FloatEq => {
                let skip = self.asm.new_label();
                self.asm.jcc(Cond::P, skip)?;
                self.jcc_site(Cond::E, stub)?;
                Ok(self.asm.bind(skip)?)
            }
        }
    }

    /// A guard: its check, then a jump to its stub when it fails.
    pub fn guard(&mut self, i: usize, kind: GuardKind) -> Result<(), CompileError> {
        let w = self.w;
        let fused = self.fused.take();
        // The condition under which the guard *fails*.
        let fail = match kind {
            GuardKind::True(v) | GuardKind::False(v) => {
                let holds = match fused {
                    Some((f, flags)) if f == v => flags,
                    _ => {
                        let m = self.slot(v);
                        self.asm.alu_mi(Alu::Cmp, w, m, 0)?;
                        Flags::Cc(Cond::NE)
                    }
                };
                if matches!(kind, GuardKind::True(_)) {
                    holds.invert()
                } else {
                    holds
                }
            }
            GuardKind::NonNull(v) | GuardKind::IsNull(v) => {
                let m = self.slot(v);
                self.asm.alu_mi(Alu::Cmp, w, m, 0)?;
                let c = if matches!(kind, GuardKind::NonNull(_)) {
                    Cond::E
                } else {
                    Cond::NE
                };
                Flags::Cc(c)
            }
            GuardKind::Value(a, b) => {
                let (ma, mb) = (self.slot(a), self.slot(b));
                if self.trace.value_type(a) == Type::Float && self.t.mode() == Mode::X86 {
                    // Bits compared as two dwords; either differing fails.
                    let stub = self.stub_for(i)?;
                    self.asm.mov_rm(Size::D, Gpr::RAX, ma)?;
                    self.asm.alu_rm(Alu::Cmp, Size::D, Gpr::RAX, mb)?;
                    self.jump_if(Flags::Cc(Cond::NE), stub)?;
                    self.asm.mov_rm(Size::D, Gpr::RAX, ma.offset(4))?;
                    self.asm.alu_rm(Alu::Cmp, Size::D, Gpr::RAX, mb.offset(4))?;
                    return self.jump_if(Flags::Cc(Cond::NE), stub);
                }
                let size = if self.trace.value_type(a) == Type::Float {
                    Size::Q
                } else {
                    w
                };
                self.asm.mov_rm(size, Gpr::RAX, ma)?;
                self.asm.alu_rm(Alu::Cmp, size, Gpr::RAX, mb)?;
                Flags::Cc(Cond::NE)
            }
            GuardKind::Class {
                obj,
                offset,
                expected,
            } => {
                self.load(Gpr::RAX, obj)?;
                self.asm.mov_rm(w, Gpr::RAX, Mem::base(Gpr::RAX, offset))?;
                let me = self.slot(expected);
                self.asm.alu_rm(Alu::Cmp, w, Gpr::RAX, me)?;
                Flags::Cc(Cond::NE)
            }
            GuardKind::NoOverflow => Flags::Cc(Cond::O),
            GuardKind::Overflow => Flags::Cc(Cond::NO),
            GuardKind::NotInvalidated { cell } => {
                self.load_imm(Gpr::RAX, cell as i64)?;
                self.asm.alu_mi(Alu::Cmp, w, Mem::base(Gpr::RAX, 0), 0)?;
                Flags::Cc(Cond::NE)
            }
        };
        let stub = self.stub_for(i)?;
        self.jump_if(fail, stub)
    }

    /// Allocates the exit and stub of guard op `i`.
    fn stub_for(&mut self, i: usize) -> Result<Label, CompileError> {
        let label = self.asm.new_label();
        let exit = self.new_exit(i)?;
        self.stubs.push(PendingStub {
            label,
            op: i as u32,
            exit,
        });
        Ok(label)
    }

    /// Emits every pending guard stub (after the trace body). Stub offsets
    /// are then `asm.label_offset(stub.label)`.
    pub fn emit_stubs(&mut self) -> Result<(), CompileError> {
        for k in 0..self.stubs.len() {
            let s = self.stubs[k];
            self.asm.bind(s.label)?;
            let Op::Guard { fail, .. } = self.trace.ops()[s.op as usize] else {
                return Err(CompileError::Unsupported("stub for a non-guard op"));
            };
            let trace = self.trace;
            self.save_values(trace.fail_args(fail).iter().copied())?;
            self.asm.mov_ri(Size::D, Gpr::RAX, s.exit as i64)?;
            self.asm.jmp(self.exit_label)?;
        }
        Ok(())
    }

    /// `Label`: on fall-through the arguments become the parameters; then
    /// the loop header.
    pub fn label(&mut self, i: usize, args: &[Value]) -> Result<(), CompileError> {
        let first = self.trace.op_values(i).start;
        for (k, &a) in args.iter().enumerate() {
            let ty = self.trace.value_type(a);
            self.copy(self.slot(Value(first + k as u32)), self.slot(a), ty)?;
        }
        let n = self.labels_before(i);
        Ok(self.asm.bind(self.labels[n])?)
    }

    fn labels_before(&self, i: usize) -> usize {
        self.trace.ops()[..i]
            .iter()
            .filter(|o| matches!(o, Op::Label { .. }))
            .count()
    }

    /// `Jump`: a parallel copy of the arguments into the label's parameters
    /// (through the frame's temporaries, so any permutation, duplication or
    /// cycle is right), then the back edge.
    pub fn jump(&mut self, label: usize, args: &[Value]) -> Result<(), CompileError> {
        let op = self.trace.label_op(crate::ir::LabelId(label as u32));
        let first = self.trace.op_values(op).start;
        for (k, &a) in args.iter().enumerate() {
            let ty = self.trace.value_type(a);
            self.copy(self.frame.temp(k), self.slot(a), ty)?;
        }
        for (k, &a) in args.iter().enumerate() {
            let ty = self.trace.value_type(a);
            self.copy(self.slot(Value(first + k as u32)), self.frame.temp(k), ty)?;
        }
        Ok(self.asm.jmp(self.labels[label])?)
    }
}
