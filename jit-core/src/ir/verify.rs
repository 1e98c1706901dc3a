//! The verifier: one forward pass that rejects malformed IR with a typed
//! error naming the offending op, and derives the value table (types and
//! defining ops) that consumers of a [`Trace`](super::Trace) use.
//!
//! It never panics, whatever the input: every index into a side array or
//! table is checked.

use alloc::vec::Vec;
use core::fmt;

use super::RawTrace;
use super::op::{Callee, ConvOp, GuardKind, IntUnOp, Op};
use super::types::{Addr, ArgRange, LabelId, MemDesc, SigId, Type, Value, WordSize};

/// Why a trace was rejected, and at which op.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifyError {
    /// Index of the offending op (for a missing terminator: the op count).
    pub op: usize,
    /// What is wrong.
    pub kind: VerifyErrorKind,
}

/// The kinds of malformed IR the verifier detects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerifyErrorKind {
    /// The trace does not end with `Jump` or `Finish` (or is empty).
    MissingTerminator,
    /// An op follows a `Jump` or `Finish`.
    OpAfterTerminator,
    /// An `Input` appears after a non-input op.
    InputNotAtStart,
    /// A value is used before (or without) being defined.
    UseBeforeDef(Value),
    /// A value has the wrong type for its operand position.
    TypeMismatch {
        /// The operand.
        value: Value,
        /// The type the op needs there.
        expected: Type,
        /// The value's type.
        found: Type,
    },
    /// An address base is a `Float` (it must be `Ref` or `Int`).
    BadAddressBase(Value),
    /// An `ArgRange` lies outside its side array.
    ArgRangeOutOfBounds(ArgRange),
    /// A call names a signature that does not exist.
    UnknownSignature(SigId),
    /// A call or jump has the wrong number of arguments.
    WrongArity {
        /// Count the signature/label declares.
        expected: usize,
        /// Count given.
        found: usize,
    },
    /// A jump names a label not defined earlier in the trace.
    UnknownLabel(LabelId),
    /// A conditional call's signature has a result.
    CondCallWithResult,
    /// A load/store descriptor is illegal for the word size.
    BadMemDesc(MemDesc),
    /// An indexed address has item size 0.
    ZeroItemSize,
    /// An `Int` constant does not fit the word size.
    ConstOutOfRange(i64),
    /// The op does not exist in this word size (e.g. float bit casts or
    /// 32-bit extensions in 32-bit mode).
    NotInWordSize,
    /// An overflow-checked op is not immediately followed by an overflow
    /// guard.
    OverflowOpWithoutGuard,
    /// An overflow guard does not immediately follow an overflow-checked op.
    OverflowGuardWithoutOp,
    /// More values than a `Value` can name.
    TooManyValues,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "op {}: ", self.op)?;
        match self.kind {
            VerifyErrorKind::MissingTerminator => {
                f.write_str("trace does not end with jump or finish")
            }
            VerifyErrorKind::OpAfterTerminator => f.write_str("op after jump/finish"),
            VerifyErrorKind::InputNotAtStart => f.write_str("input after a non-input op"),
            VerifyErrorKind::UseBeforeDef(v) => write!(f, "value {} used before definition", v.0),
            VerifyErrorKind::TypeMismatch {
                value,
                expected,
                found,
            } => {
                write!(
                    f,
                    "value {} has type {found:?}, expected {expected:?}",
                    value.0
                )
            }
            VerifyErrorKind::BadAddressBase(v) => {
                write!(f, "address base {} must be Ref or Int", v.0)
            }
            VerifyErrorKind::ArgRangeOutOfBounds(r) => {
                write!(f, "argument range {}+{} out of bounds", r.start, r.len)
            }
            VerifyErrorKind::UnknownSignature(s) => write!(f, "unknown signature {}", s.0),
            VerifyErrorKind::WrongArity { expected, found } => {
                write!(f, "expected {expected} arguments, found {found}")
            }
            VerifyErrorKind::UnknownLabel(l) => write!(f, "jump to unknown label {}", l.0),
            VerifyErrorKind::CondCallWithResult => f.write_str("conditional call with a result"),
            VerifyErrorKind::BadMemDesc(d) => {
                write!(f, "illegal memory access {d:?} for word size")
            }
            VerifyErrorKind::ZeroItemSize => f.write_str("indexed address with item size 0"),
            VerifyErrorKind::ConstOutOfRange(c) => write!(f, "constant {c} does not fit the word"),
            VerifyErrorKind::NotInWordSize => f.write_str("op not available in this word size"),
            VerifyErrorKind::OverflowOpWithoutGuard => {
                f.write_str("overflow-checked op not followed by an overflow guard")
            }
            VerifyErrorKind::OverflowGuardWithoutOp => {
                f.write_str("overflow guard not preceded by an overflow-checked op")
            }
            VerifyErrorKind::TooManyValues => f.write_str("too many values"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for VerifyError {}

/// What the verifier learned about a well-formed trace.
#[derive(Debug)]
pub(super) struct Facts {
    pub value_types: Vec<Type>,
    pub value_defs: Vec<u32>,
    pub first_value: Vec<u32>,
    pub labels: Vec<u32>,
    pub num_inputs: usize,
}

/// Checks `raw`; on success returns the derived value table.
pub(super) fn verify(raw: &RawTrace) -> Result<Facts, VerifyError> {
    let mut c = Checker {
        raw,
        op: 0,
        facts: Facts {
            value_types: Vec::new(),
            value_defs: Vec::new(),
            first_value: Vec::with_capacity(raw.ops.len() + 1),
            labels: Vec::new(),
            num_inputs: 0,
        },
    };
    let mut inputs_done = false;
    for (i, op) in raw.ops.iter().enumerate() {
        c.op = i;
        c.facts.first_value.push(c.value_count()?);
        if i > 0 && raw.ops[i - 1].is_terminator() {
            return Err(c.err(VerifyErrorKind::OpAfterTerminator));
        }
        match op {
            Op::Input(_) if inputs_done => return Err(c.err(VerifyErrorKind::InputNotAtStart)),
            Op::Input(_) => c.facts.num_inputs += 1,
            _ => inputs_done = true,
        }
        c.check_overflow_pairing(i, op)?;
        c.check_op(op)?;
    }
    c.op = raw.ops.len();
    if !raw.ops.last().is_some_and(Op::is_terminator) {
        return Err(c.err(VerifyErrorKind::MissingTerminator));
    }
    let total = c.value_count()?;
    c.facts.first_value.push(total);
    Ok(c.facts)
}

struct Checker<'a> {
    raw: &'a RawTrace,
    op: usize,
    facts: Facts,
}

impl Checker<'_> {
    fn err(&self, kind: VerifyErrorKind) -> VerifyError {
        VerifyError { op: self.op, kind }
    }

    fn word(&self) -> WordSize {
        self.raw.word
    }

    fn value_count(&self) -> Result<u32, VerifyError> {
        u32::try_from(self.facts.value_types.len())
            .map_err(|_| self.err(VerifyErrorKind::TooManyValues))
    }

    /// Defines a new value of type `ty` at the current op.
    fn define(&mut self, ty: Type) -> Result<(), VerifyError> {
        if self.facts.value_types.len() >= u32::MAX as usize {
            return Err(self.err(VerifyErrorKind::TooManyValues));
        }
        self.facts.value_types.push(ty);
        self.facts.value_defs.push(self.op as u32);
        Ok(())
    }

    fn type_of(&self, v: Value) -> Result<Type, VerifyError> {
        self.facts
            .value_types
            .get(v.index())
            .copied()
            .ok_or(self.err(VerifyErrorKind::UseBeforeDef(v)))
    }

    fn expect(&self, v: Value, expected: Type) -> Result<(), VerifyError> {
        let found = self.type_of(v)?;
        if found == expected {
            Ok(())
        } else {
            Err(self.err(VerifyErrorKind::TypeMismatch {
                value: v,
                expected,
                found,
            }))
        }
    }

    fn args(&self, r: ArgRange) -> Result<&[Value], VerifyError> {
        self.raw
            .args
            .get(r.range())
            .ok_or(self.err(VerifyErrorKind::ArgRangeOutOfBounds(r)))
    }

    fn only_w64(&self) -> Result<(), VerifyError> {
        match self.word() {
            WordSize::W64 => Ok(()),
            WordSize::W32 => Err(self.err(VerifyErrorKind::NotInWordSize)),
        }
    }

    fn check_overflow_pairing(&self, i: usize, op: &Op) -> Result<(), VerifyError> {
        let is_ovf_guard = |o: &Op| {
            matches!(
                o,
                Op::Guard {
                    kind: GuardKind::NoOverflow | GuardKind::Overflow,
                    ..
                }
            )
        };
        if matches!(op, Op::IntOvf(..)) && !self.raw.ops.get(i + 1).is_some_and(is_ovf_guard) {
            return Err(self.err(VerifyErrorKind::OverflowOpWithoutGuard));
        }
        let after_ovf = i > 0 && matches!(self.raw.ops[i - 1], Op::IntOvf(..));
        if is_ovf_guard(op) && !after_ovf {
            return Err(self.err(VerifyErrorKind::OverflowGuardWithoutOp));
        }
        Ok(())
    }

    fn check_addr(&self, a: &Addr) -> Result<(), VerifyError> {
        match self.type_of(a.base)? {
            Type::Int | Type::Ref => {}
            Type::Float => return Err(self.err(VerifyErrorKind::BadAddressBase(a.base))),
        }
        if let Some((index, item_size)) = a.index {
            self.expect(index, Type::Int)?;
            if item_size == 0 {
                return Err(self.err(VerifyErrorKind::ZeroItemSize));
            }
        }
        Ok(())
    }

    fn check_mem(&self, d: MemDesc) -> Result<(), VerifyError> {
        if d.is_valid(self.word()) {
            Ok(())
        } else {
            Err(self.err(VerifyErrorKind::BadMemDesc(d)))
        }
    }

    /// Checks a call's callee and arguments; returns the result type.
    fn check_call(
        &self,
        callee: Callee,
        sig: SigId,
        args: ArgRange,
    ) -> Result<Option<Type>, VerifyError> {
        if let Callee::Value(f) = callee {
            self.expect(f, Type::Int)?;
        }
        let s = self
            .raw
            .sigs
            .get(sig.0 as usize)
            .ok_or(self.err(VerifyErrorKind::UnknownSignature(sig)))?;
        let args = self.args(args)?;
        if args.len() != s.args.len() {
            return Err(self.err(VerifyErrorKind::WrongArity {
                expected: s.args.len(),
                found: args.len(),
            }));
        }
        for (&v, &t) in args.iter().zip(&s.args) {
            self.expect(v, t)?;
        }
        Ok(s.ret.map(|r| r.value_type()))
    }

    fn check_guard(&self, kind: &GuardKind, fail: ArgRange) -> Result<(), VerifyError> {
        match *kind {
            GuardKind::True(v) | GuardKind::False(v) => self.expect(v, Type::Int)?,
            GuardKind::Value(a, b) => self.expect(b, self.type_of(a)?)?,
            GuardKind::NonNull(v) | GuardKind::IsNull(v) => self.expect(v, Type::Ref)?,
            GuardKind::Class { obj, expected, .. } => {
                self.expect(obj, Type::Ref)?;
                self.expect(expected, Type::Int)?;
            }
            GuardKind::NoOverflow | GuardKind::Overflow | GuardKind::NotInvalidated { .. } => {}
        }
        let fail = self
            .raw
            .fail_args
            .get(fail.range())
            .ok_or(self.err(VerifyErrorKind::ArgRangeOutOfBounds(fail)))?;
        for v in fail.iter().flatten() {
            self.type_of(*v)?;
        }
        Ok(())
    }

    fn check_op(&mut self, op: &Op) -> Result<(), VerifyError> {
        use Type::{Float, Int, Ref};
        match *op {
            Op::Input(_) | Op::ConstFloat(_) | Op::ConstRef(_) => {}
            Op::ConstInt(c) => {
                if !self.word().fits(c) {
                    return Err(self.err(VerifyErrorKind::ConstOutOfRange(c)));
                }
            }
            Op::IntBin(_, a, b) | Op::IntOvf(_, a, b) => {
                self.expect(a, Int)?;
                self.expect(b, Int)?;
            }
            Op::IntUn(u, a) => {
                self.expect(a, Int)?;
                if matches!(u, IntUnOp::Sext32 | IntUnOp::Zext32) {
                    self.only_w64()?;
                }
            }
            Op::FloatBin(_, a, b) | Op::FloatCmp(_, a, b) => {
                self.expect(a, Float)?;
                self.expect(b, Float)?;
            }
            Op::FloatUn(_, a) => self.expect(a, Float)?,
            Op::Conv(c, a) => {
                let from = match c {
                    ConvOp::IntToFloat | ConvOp::IntToRef => Int,
                    ConvOp::FloatToInt => Float,
                    ConvOp::IntBitsToFloat => {
                        self.only_w64()?;
                        Int
                    }
                    ConvOp::FloatBitsToInt => {
                        self.only_w64()?;
                        Float
                    }
                    ConvOp::RefToInt => Ref,
                };
                self.expect(a, from)?;
            }
            Op::RefCmp(_, a, b) => {
                self.expect(a, Ref)?;
                self.expect(b, Ref)?;
            }
            Op::RefIsNull(a) => self.expect(a, Ref)?,
            Op::Load(d, ref a) => {
                self.check_mem(d)?;
                self.check_addr(a)?;
            }
            Op::Store(d, ref a, v) => {
                self.check_mem(d)?;
                self.check_addr(a)?;
                self.expect(v, d.ty)?;
            }
            Op::Call { callee, sig, args } => {
                if let Some(t) = self.check_call(callee, sig, args)? {
                    self.define(t)?;
                }
                return Ok(());
            }
            Op::CondCall {
                cond,
                callee,
                sig,
                args,
            } => {
                self.expect(cond, Int)?;
                if self.check_call(callee, sig, args)?.is_some() {
                    return Err(self.err(VerifyErrorKind::CondCallWithResult));
                }
            }
            Op::Guard { ref kind, fail, .. } => self.check_guard(kind, fail)?,
            Op::Label { args } => {
                let len = self.args(args)?.len();
                // Every arg exists before the label: none may name one of
                // the label's own parameters.
                let first_param = self.facts.value_types.len();
                for k in 0..len {
                    let v = self.raw.args[args.start as usize + k];
                    if v.index() >= first_param {
                        return Err(self.err(VerifyErrorKind::UseBeforeDef(v)));
                    }
                    let t = self.type_of(v)?;
                    self.define(t)?;
                }
                self.facts.labels.push(self.op as u32);
                return Ok(());
            }
            Op::Jump { label, args } => {
                let label_op = *self
                    .facts
                    .labels
                    .get(label.0 as usize)
                    .ok_or(self.err(VerifyErrorKind::UnknownLabel(label)))?;
                let params = self.facts.first_value[label_op as usize] as usize;
                let Op::Label { args: init } = self.raw.ops[label_op as usize] else {
                    return Err(self.err(VerifyErrorKind::UnknownLabel(label)));
                };
                let args = self.args(args)?;
                if args.len() != init.len as usize {
                    return Err(self.err(VerifyErrorKind::WrongArity {
                        expected: init.len as usize,
                        found: args.len(),
                    }));
                }
                for (k, &v) in args.iter().enumerate() {
                    self.expect(v, self.facts.value_types[params + k])?;
                }
            }
            Op::Finish { values, .. } => {
                for &v in self.args(values)? {
                    self.type_of(v)?;
                }
            }
        }
        if let Some(t) = op.result_type() {
            self.define(t)?;
        }
        Ok(())
    }
}
