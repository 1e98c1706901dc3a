//! The operations of the IR. Ops are grouped in families (integer binary,
//! float compare, ...) with a small sub-opcode enum, so the verifier, the
//! interpreter and the lowering each handle a family in one place.
//!
//! Fixed operands are stored inline; variable-length operands (call
//! arguments, label/jump/finish values, guard fail-args) live in the trace's
//! side arrays and are referenced by an [`ArgRange`].

use super::types::{Addr, ArgRange, LabelId, MemDesc, SigId, Type, Value};

/// Integer binary ops on two `Int`s producing an `Int`. Arithmetic wraps at
/// the word size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntBinOp {
    /// Wrapping addition.
    Add,
    /// Wrapping subtraction.
    Sub,
    /// Wrapping multiplication (low half).
    Mul,
    /// Bitwise and.
    And,
    /// Bitwise or.
    Or,
    /// Bitwise xor.
    Xor,
    /// Shift left; the count is masked to `bits - 1` like x86.
    Shl,
    /// Arithmetic shift right; count masked like x86.
    Sar,
    /// Logical shift right; count masked like x86.
    Shr,
    /// Signed division, truncating. The trace must exclude a zero divisor and
    /// `MIN / -1` (x86 traps); the interpreter reports an error for them.
    SDiv,
    /// Signed remainder (sign of the dividend); same preconditions as `SDiv`.
    SRem,
    /// Unsigned division; the divisor must be non-zero.
    UDiv,
    /// Unsigned remainder; the divisor must be non-zero.
    URem,
    /// High word of the unsigned double-width product.
    UMulH,
    /// `==`, result 0/1.
    Eq,
    /// `!=`, result 0/1.
    Ne,
    /// Signed `<`.
    Lt,
    /// Signed `<=`.
    Le,
    /// Signed `>`.
    Gt,
    /// Signed `>=`.
    Ge,
    /// Unsigned `<`.
    Ult,
    /// Unsigned `<=`.
    Ule,
    /// Unsigned `>`.
    Ugt,
    /// Unsigned `>=`.
    Uge,
}

/// Integer unary ops, `Int -> Int`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntUnOp {
    /// Wrapping negation.
    Neg,
    /// Bitwise not.
    Not,
    /// 1 if zero, else 0.
    IsZero,
    /// 1 if non-zero, else 0.
    IsTrue,
    /// Sign-extend the low 8 bits.
    Sext8,
    /// Sign-extend the low 16 bits.
    Sext16,
    /// Sign-extend the low 32 bits (64-bit mode only).
    Sext32,
    /// Zero-extend the low 8 bits.
    Zext8,
    /// Zero-extend the low 16 bits.
    Zext16,
    /// Zero-extend the low 32 bits (64-bit mode only).
    Zext32,
}

/// Overflow-checked signed arithmetic. The result is the wrapped value; the
/// op must be followed immediately by `GuardNoOverflow` or `GuardOverflow`,
/// which test whether the signed result overflowed the word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OvfOp {
    /// `AddOvf`.
    Add,
    /// `SubOvf`.
    Sub,
    /// `MulOvf`.
    Mul,
}

/// Float binary ops, `Float x Float -> Float`, with x86 SSE semantics.
///
/// NaN results follow SSE exactly (the first operand is the instruction's
/// destination): if the first operand is NaN it is returned quieted, else if
/// the second is NaN it is returned quieted; an invalid operation on
/// non-NaN operands (`inf - inf`, `0 * inf`, `0 / 0`) returns the default
/// NaN `0xFFF8_0000_0000_0000`. The lowering must keep operand order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatBinOp {
    /// `addsd`.
    Add,
    /// `subsd`.
    Sub,
    /// `mulsd`.
    Mul,
    /// `divsd`.
    Div,
    /// `minsd` semantics: `if a < b { a } else { b }`. So if either is NaN,
    /// or both are zeros of any sign, the result is `b` (bit-exact, not
    /// quieted). This is deliberately not IEEE `minNum`: lowering is exact.
    Min,
    /// `maxsd` semantics: `if a > b { a } else { b }` (same NaN/zero rules).
    Max,
}

/// Float unary ops, `Float -> Float`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatUnOp {
    /// Flip the sign bit (also of NaNs), like `xorpd` with a sign mask.
    Neg,
    /// Clear the sign bit (also of NaNs), like `andpd`.
    Abs,
    /// Correctly rounded square root (`sqrtsd`): negative non-zero inputs
    /// give the default NaN, NaNs are returned quieted, `-0.0` gives `-0.0`.
    Sqrt,
}

/// Float comparisons, `Float x Float -> Int` (0/1), as `ucomisd`: if either
/// operand is NaN, all are false except `Ne`, which is true.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatCmpOp {
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `==`.
    Eq,
    /// `!=` (true for unordered operands).
    Ne,
}

/// Conversions between types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConvOp {
    /// Signed `Int -> Float`, rounded to nearest-even (`cvtsi2sd`).
    IntToFloat,
    /// `Float -> Int` truncating toward zero (`cvttsd2si`). NaN and values
    /// whose truncation does not fit the word give the word's MIN value (x86
    /// "integer indefinite").
    FloatToInt,
    /// Reinterpret the bits of a `Float` as an `Int`. 64-bit mode only: in
    /// 32-bit mode an `Int` cannot hold 64 bits and the verifier rejects it
    /// (32-bit VMs move float bits through memory instead).
    FloatBitsToInt,
    /// Reinterpret an `Int` as `Float` bits. 64-bit mode only.
    IntBitsToFloat,
    /// `Int -> Ref`: the word is taken as an address (zero-extended in
    /// 32-bit mode).
    IntToRef,
    /// `Ref -> Int`: the address as a word (truncated to 32 bits in 32-bit
    /// mode).
    RefToInt,
}

/// Ref comparisons, `Ref x Ref -> Int` (0/1), by address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefCmpOp {
    /// Same address.
    Eq,
    /// Different addresses.
    Ne,
}

/// The address of a callee: a constant, or computed at run time (an `Int`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Callee {
    /// A known function address.
    Const(usize),
    /// An `Int` value holding the function address.
    Value(Value),
}

/// What a guard checks. The guard passes when the condition holds;
/// otherwise the trace exits with the guard's id and fail-args.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GuardKind {
    /// `Int` is non-zero.
    True(Value),
    /// `Int` is zero.
    False(Value),
    /// Two values of the same type are equal: `Int`/`Ref` by value, `Float`
    /// by bits (so a guard on a NaN or on `-0.0` constant is exact). The
    /// expected value is usually a constant.
    Value(Value, Value),
    /// `Ref` is not null.
    NonNull(Value),
    /// `Ref` is null.
    IsNull(Value),
    /// The word at `obj + offset` (a header or class word) equals `expected`
    /// (an `Int`, usually a constant).
    Class {
        /// The object (`Ref`).
        obj: Value,
        /// Byte offset of the header word.
        offset: i32,
        /// The expected word (`Int`).
        expected: Value,
    },
    /// The preceding overflow-checked op did not overflow.
    NoOverflow,
    /// The preceding overflow-checked op overflowed.
    Overflow,
    /// The word at `cell` is zero. The embedder sets it non-zero to
    /// invalidate traces depending on an assumption; the backend may also
    /// patch these sites instead of reading the cell.
    NotInvalidated {
        /// Address of the invalidation word (word-sized).
        cell: usize,
    },
}

/// One IR operation. See the family enums for semantics; `result_type`
/// gives the type of the single value an op defines, if any (`Label` and
/// `Call` define values described elsewhere).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// A trace parameter of the given type. Inputs come first in a trace.
    Input(Type),
    /// An `Int` constant (canonical for the word size).
    ConstInt(i64),
    /// A `Float` constant, by bits (NaN payloads and `-0.0` are exact).
    ConstFloat(u64),
    /// A `Ref` constant: an address (0 is null).
    ConstRef(usize),
    /// Integer binary op.
    IntBin(IntBinOp, Value, Value),
    /// Integer unary op.
    IntUn(IntUnOp, Value),
    /// Overflow-checked integer op (must be followed by an overflow guard).
    IntOvf(OvfOp, Value, Value),
    /// Float binary op.
    FloatBin(FloatBinOp, Value, Value),
    /// Float unary op.
    FloatUn(FloatUnOp, Value),
    /// Float comparison.
    FloatCmp(FloatCmpOp, Value, Value),
    /// Conversion.
    Conv(ConvOp, Value),
    /// Ref comparison.
    RefCmp(RefCmpOp, Value, Value),
    /// `Ref` is null (0/1).
    RefIsNull(Value),
    /// Load `desc` from `addr`.
    Load(MemDesc, Addr),
    /// Store `value` (type `desc.ty`) at `addr`, truncating narrow ints.
    Store(MemDesc, Addr, Value),
    /// Call `callee` with `sig`; the arguments are `args` in the trace's
    /// `args` array. Defines a value if the signature has a result.
    Call {
        /// Function address.
        callee: Callee,
        /// Signature (index into the trace's signature table).
        sig: SigId,
        /// Arguments.
        args: ArgRange,
    },
    /// Call only if `cond` (an `Int`) is non-zero; the signature must have no
    /// result.
    CondCall {
        /// The condition.
        cond: Value,
        /// Function address.
        callee: Callee,
        /// Signature (index into the trace's signature table).
        sig: SigId,
        /// Arguments.
        args: ArgRange,
    },
    /// A guard: on failure the trace exits with `id` and the fail-args
    /// (`fail` in the trace's `fail_args` array; holes are `None`).
    Guard {
        /// The condition.
        kind: GuardKind,
        /// Embedder-chosen exit id.
        id: u32,
        /// The values the embedder needs to resume.
        fail: ArgRange,
    },
    /// A loop header. Defines one fresh value per argument (same types); on
    /// fall-through they take the argument values, on `Jump` the jump's.
    Label {
        /// Initial values (from `args`).
        args: ArgRange,
    },
    /// Go back to `label`, binding its parameters to `args`. A terminator.
    Jump {
        /// The target (defined earlier in the trace).
        label: LabelId,
        /// New parameter values (from `args`).
        args: ArgRange,
    },
    /// Leave the trace with `values` and exit `id`. A terminator.
    Finish {
        /// Embedder-chosen exit id.
        id: u32,
        /// Values returned (from `args`).
        values: ArgRange,
    },
}

impl Op {
    /// The type of the single value this op defines, for ops whose result
    /// follows from the op alone. `None` for ops that define no value and
    /// for `Call`/`Label`, whose results come from the signature/arguments.
    pub fn result_type(&self) -> Option<Type> {
        match *self {
            Op::Input(t) => Some(t),
            Op::ConstInt(_) => Some(Type::Int),
            Op::ConstFloat(_) => Some(Type::Float),
            Op::ConstRef(_) => Some(Type::Ref),
            Op::IntBin(..) | Op::IntUn(..) | Op::IntOvf(..) => Some(Type::Int),
            Op::FloatBin(..) | Op::FloatUn(..) => Some(Type::Float),
            Op::FloatCmp(..) | Op::RefCmp(..) | Op::RefIsNull(_) => Some(Type::Int),
            Op::Conv(c, _) => Some(match c {
                ConvOp::IntToFloat | ConvOp::IntBitsToFloat => Type::Float,
                ConvOp::FloatToInt | ConvOp::FloatBitsToInt | ConvOp::RefToInt => Type::Int,
                ConvOp::IntToRef => Type::Ref,
            }),
            Op::Load(desc, _) => Some(desc.ty),
            Op::Store(..)
            | Op::Call { .. }
            | Op::CondCall { .. }
            | Op::Guard { .. }
            | Op::Label { .. }
            | Op::Jump { .. }
            | Op::Finish { .. } => None,
        }
    }

    /// Whether the op ends the trace (`Jump` or `Finish`).
    pub fn is_terminator(&self) -> bool {
        matches!(self, Op::Jump { .. } | Op::Finish { .. })
    }

    /// Whether the op is a guard (may exit the trace).
    pub fn is_guard(&self) -> bool {
        matches!(self, Op::Guard { .. })
    }
}
