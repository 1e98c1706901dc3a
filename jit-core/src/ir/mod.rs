//! The trace IR: typed operations with guards, a builder, a verifier and a
//! reference interpreter.
//!
//! A trace is a linear SSA list of [`Op`]s for one [`WordSize`]. Values are
//! small indices ([`Value`]) numbered in definition order; each has one
//! [`Type`] (`Int`, `Ref`, `Float`). Variable-length operands (call
//! arguments, label/jump/finish values, guard fail-args) live in side arrays
//! so each op stays small. A trace starts with its inputs, may contain a
//! preamble and loop [`Op::Label`]s, and ends with [`Op::Jump`] or
//! [`Op::Finish`]; guards exit early with an embedder-chosen id and the
//! values needed to resume.
//!
//! - [`builder::TraceBuilder`] builds traces (the VM's recorder uses it).
//! - [`RawTrace`] is the unchecked form (fuzzers and deserializers fill it);
//!   [`Trace::from_raw`] runs the [`verify`] pass, so a [`Trace`] is always
//!   well formed: backends and the interpreter may rely on that.
//! - [`interp`] executes a trace: the oracle for compiled code.
//! - [`display`]: `Display` for traces, a readable dump for logs.
//! - [`float`]: bit-exact x86 SSE float semantics (shared with the interpreter).
//!
//! ```
//! use jit_core::ir::interp::{run, NoCalls};
//! use jit_core::ir::{Outcome, TraceBuilder, Type, Val, WordSize};
//!
//! // sum = 0; for i in 0..n { sum += i }, leaving through a guard.
//! let mut b = TraceBuilder::new(WordSize::W64);
//! let n = b.input(Type::Int);
//! let zero = b.const_int(0);
//! let (top, p) = b.label(&[zero, zero]); // p = [i, sum]
//! let more = b.ilt(p[0], n);
//! b.guard_true(more, 1, &[Some(p[1]), None]);
//! let sum = b.iadd(p[1], p[0]);
//! let one = b.const_int(1);
//! let i = b.iadd(p[0], one);
//! b.jump(top, &[i, sum]);
//! let trace = b.build()?;
//! println!("{trace}");
//! // SAFETY: the trace touches no memory.
//! let out = unsafe { run(&trace, &[Val::Int(10)], &mut NoCalls, 1_000) }?;
//! assert_eq!(out, Outcome::GuardFailed { id: 1, values: vec![Some(Val::Int(45)), None] });
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Decisions a backend must match
//! - `Int` is the word: 32 bits in [`WordSize::W32`]. Constants and inputs are
//!   canonical (sign-extended into `i64`); arithmetic wraps; shift counts
//!   are masked to `bits - 1` as x86 does.
//! - Division: the trace guarantees a non-zero divisor and no `MIN / -1`;
//!   the interpreter reports [`IrError`] if that is violated.
//! - `AddOvf`/`SubOvf`/`MulOvf` are immediately followed by
//!   `guard_no_overflow`/`guard_overflow` (enforced), so the lowering can use
//!   the flags of the arithmetic instruction directly.
//! - Floats: SSE semantics bit for bit, first operand = destination for NaN
//!   propagation; `float_min`/`float_max` are `minsd`/`maxsd`
//!   (`a < b ? a : b`), not IEEE; comparisons are false on NaN except `ne`;
//!   `float_to_int` truncates and yields the word's MIN for NaN/out of range.
//! - Float/Int bit casts exist only in 64-bit mode (the verifier refuses them
//!   in 32-bit mode; move float bits through memory there), as do
//!   `sext32`/`zext32` and 8-byte `Int` loads/stores.
//! - `guard_value` on floats compares bits (`-0.0 != 0.0`, NaN == same NaN).
//! - `guard_class` compares the word at `obj + offset`; `guard_not_invalidated`
//!   fails when the word at its cell address is non-zero.
//! - Narrow call results (`i8`..`u32`) are extended by the caller per
//!   [`RetType`].

pub mod builder;
pub mod display;
pub mod float;
pub mod interp;
pub mod op;
#[doc(hidden)]
pub mod testgen;
pub mod types;
pub mod verify;

use alloc::vec::Vec;
use core::ops::Range;

pub use builder::TraceBuilder;
pub use interp::{CallHandler, CallRejected, IrError, NoCalls, Outcome};
pub use op::{
    Callee, ConvOp, FloatBinOp, FloatCmpOp, FloatUnOp, GuardKind, IntBinOp, IntUnOp, Op, OvfOp,
    RefCmpOp,
};
pub use types::{
    Addr, ArgRange, CallFlags, LabelId, MemDesc, RetType, SigId, Signature, Type, Val, Value,
    WordSize,
};
pub use verify::{VerifyError, VerifyErrorKind};

/// An unchecked trace: the ops and side arrays exactly as given. Anything
/// may be wrong with it; [`Trace::from_raw`] checks it.
#[derive(Clone, Debug, PartialEq)]
pub struct RawTrace {
    /// The word size the trace is for.
    pub word: WordSize,
    /// The ops, in execution order.
    pub ops: Vec<Op>,
    /// Side array for call arguments and label/jump/finish values.
    pub args: Vec<Value>,
    /// Side array for guard fail-args (`None` is a hole: nothing to save).
    pub fail_args: Vec<Option<Value>>,
    /// Call signatures, referenced by [`SigId`].
    pub sigs: Vec<Signature>,
}

impl RawTrace {
    /// An empty trace for `word`.
    pub fn new(word: WordSize) -> Self {
        RawTrace {
            word,
            ops: Vec::new(),
            args: Vec::new(),
            fail_args: Vec::new(),
            sigs: Vec::new(),
        }
    }
}

/// A verified trace, plus the value table the verifier derived (each
/// value's type and defining op). Immutable; build a new one to change it.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    raw: RawTrace,
    /// Type of each value.
    value_types: Vec<Type>,
    /// Defining op of each value.
    value_defs: Vec<u32>,
    /// First value defined by each op (equal to the next op's when it
    /// defines none), plus one final entry: the total number of values.
    first_value: Vec<u32>,
    /// Op index of each label.
    labels: Vec<u32>,
    /// Number of leading `Input` ops.
    num_inputs: usize,
}

impl Trace {
    /// Verifies `raw` and returns the checked trace, or the first error.
    pub fn from_raw(raw: RawTrace) -> Result<Trace, VerifyError> {
        let facts = verify::verify(&raw)?;
        Ok(Trace {
            raw,
            value_types: facts.value_types,
            value_defs: facts.value_defs,
            first_value: facts.first_value,
            labels: facts.labels,
            num_inputs: facts.num_inputs,
        })
    }

    /// Gives the unchecked form back (e.g. to edit and re-verify).
    pub fn into_raw(self) -> RawTrace {
        self.raw
    }

    /// The unchecked form, read-only.
    pub fn raw(&self) -> &RawTrace {
        &self.raw
    }

    /// The word size the trace is for.
    pub fn word(&self) -> WordSize {
        self.raw.word
    }

    /// The ops in execution order.
    pub fn ops(&self) -> &[Op] {
        &self.raw.ops
    }

    /// The values an `ArgRange` of a call/label/jump/finish names.
    pub fn args(&self, r: ArgRange) -> &[Value] {
        &self.raw.args[r.range()]
    }

    /// The fail-args an `ArgRange` of a guard names.
    pub fn fail_args(&self, r: ArgRange) -> &[Option<Value>] {
        &self.raw.fail_args[r.range()]
    }

    /// A call signature.
    pub fn sig(&self, id: SigId) -> &Signature {
        &self.raw.sigs[id.0 as usize]
    }

    /// Number of values the trace defines.
    pub fn num_values(&self) -> usize {
        self.value_types.len()
    }

    /// The type of a value.
    pub fn value_type(&self, v: Value) -> Type {
        self.value_types[v.index()]
    }

    /// The type of every value, by value index.
    pub fn value_types(&self) -> &[Type] {
        &self.value_types
    }

    /// The index of the op defining `v`.
    pub fn value_def(&self, v: Value) -> usize {
        self.value_defs[v.index()] as usize
    }

    /// The values op `op` defines (empty for most non-value ops; several for
    /// a `Label`).
    pub fn op_values(&self, op: usize) -> Range<u32> {
        self.first_value[op]..self.first_value[op + 1]
    }

    /// The single value op `op` defines, if it defines exactly one.
    pub fn op_result(&self, op: usize) -> Option<Value> {
        let r = self.op_values(op);
        (r.len() == 1).then_some(Value(r.start))
    }

    /// Types of the trace's inputs, in order (input `k` is `Value(k)`).
    pub fn input_types(&self) -> &[Type] {
        &self.value_types[..self.num_inputs]
    }

    /// The op index of a label.
    pub fn label_op(&self, label: LabelId) -> usize {
        self.labels[label.0 as usize] as usize
    }

    /// Number of labels.
    pub fn num_labels(&self) -> usize {
        self.labels.len()
    }

    /// Calls `f` for every value op `op` reads, in operand order, saying
    /// how it is used. Liveness analysis (the register allocator) needs
    /// exactly this; fail-args are reported separately because they only
    /// need to be *recoverable* at the guard, not in a register.
    pub fn visit_uses(&self, op: usize, mut f: impl FnMut(Value, Use)) {
        let addr = |a: &Addr, f: &mut dyn FnMut(Value, Use)| {
            f(a.base, Use::Operand);
            if let Some((i, _)) = a.index {
                f(i, Use::Operand);
            }
        };
        let callee = |c: Callee, f: &mut dyn FnMut(Value, Use)| {
            if let Callee::Value(v) = c {
                f(v, Use::Operand);
            }
        };
        match self.raw.ops[op] {
            Op::Input(_) | Op::ConstInt(_) | Op::ConstFloat(_) | Op::ConstRef(_) => {}
            Op::IntBin(_, a, b)
            | Op::IntOvf(_, a, b)
            | Op::FloatBin(_, a, b)
            | Op::FloatCmp(_, a, b)
            | Op::RefCmp(_, a, b) => {
                f(a, Use::Operand);
                f(b, Use::Operand);
            }
            Op::IntUn(_, a) | Op::FloatUn(_, a) | Op::Conv(_, a) | Op::RefIsNull(a) => {
                f(a, Use::Operand)
            }
            Op::Load(_, ref a) => addr(a, &mut f),
            Op::Store(_, ref a, v) => {
                addr(a, &mut f);
                f(v, Use::Operand);
            }
            Op::Call {
                callee: c, args, ..
            } => {
                callee(c, &mut f);
                self.args(args).iter().for_each(|&v| f(v, Use::CallArg));
            }
            Op::CondCall {
                cond,
                callee: c,
                args,
                ..
            } => {
                f(cond, Use::Operand);
                callee(c, &mut f);
                self.args(args).iter().for_each(|&v| f(v, Use::CallArg));
            }
            Op::Guard { kind, fail, .. } => {
                match kind {
                    GuardKind::True(v)
                    | GuardKind::False(v)
                    | GuardKind::NonNull(v)
                    | GuardKind::IsNull(v) => f(v, Use::Operand),
                    GuardKind::Value(a, b)
                    | GuardKind::Class {
                        obj: a,
                        expected: b,
                        ..
                    } => {
                        f(a, Use::Operand);
                        f(b, Use::Operand);
                    }
                    GuardKind::NoOverflow
                    | GuardKind::Overflow
                    | GuardKind::NotInvalidated { .. } => {}
                }
                self.fail_args(fail)
                    .iter()
                    .flatten()
                    .for_each(|&v| f(v, Use::FailArg));
            }
            Op::Label { args } | Op::Jump { args, .. } => {
                self.args(args).iter().for_each(|&v| f(v, Use::Move));
            }
            Op::Finish { values, .. } => self.args(values).iter().for_each(|&v| f(v, Use::Exit)),
        }
    }
}

/// How an op reads a value (see [`Trace::visit_uses`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Use {
    /// An operand the op computes with (needs a register or memory operand).
    Operand,
    /// An argument passed to a callee per the calling convention.
    CallArg,
    /// A guard fail-arg: saved on exit only.
    FailArg,
    /// Bound to a label parameter (label fall-through or jump): a move hint.
    Move,
    /// Returned by `Finish`.
    Exit,
}
