//! [`TraceBuilder`]: appends ops and hands out the values they define. It
//! does not check anything itself; [`TraceBuilder::build`] runs the
//! verifier, so a recorder gets one clear error instead of a broken trace.

use alloc::vec::Vec;

use super::op::{
    Callee, ConvOp, FloatBinOp, FloatCmpOp, FloatUnOp, GuardKind, IntBinOp, IntUnOp, Op, OvfOp,
    RefCmpOp,
};
use super::types::{Addr, ArgRange, LabelId, MemDesc, SigId, Signature, Type, Value, WordSize};
use super::{RawTrace, Trace, VerifyError};

/// Builds a trace op by op. Each value-defining method returns the new
/// [`Value`]; see [`Op`] and its families for the semantics of each op.
#[derive(Debug)]
pub struct TraceBuilder {
    raw: RawTrace,
    next_value: u32,
    labels: u32,
}

macro_rules! int_bin {
    ($($(#[$m:meta])* $name:ident => $op:ident;)*) => {$(
        $(#[$m])*
        pub fn $name(&mut self, a: Value, b: Value) -> Value {
            self.int_bin(IntBinOp::$op, a, b)
        }
    )*};
}

macro_rules! int_un {
    ($($(#[$m:meta])* $name:ident => $op:ident;)*) => {$(
        $(#[$m])*
        pub fn $name(&mut self, a: Value) -> Value {
            self.int_un(IntUnOp::$op, a)
        }
    )*};
}

macro_rules! float_op {
    ($($(#[$m:meta])* $name:ident => $variant:ident($family:ident :: $op:ident, $($arg:ident),*);)*) => {$(
        $(#[$m])*
        pub fn $name(&mut self, $($arg: Value),*) -> Value {
            self.value_op(Op::$variant($family::$op, $($arg),*))
        }
    )*};
}

impl TraceBuilder {
    /// An empty trace for `word`.
    pub fn new(word: WordSize) -> Self {
        TraceBuilder {
            raw: RawTrace::new(word),
            next_value: 0,
            labels: 0,
        }
    }

    /// The word size being built for.
    pub fn word(&self) -> WordSize {
        self.raw.word
    }

    /// Verifies and returns the trace.
    pub fn build(self) -> Result<Trace, VerifyError> {
        Trace::from_raw(self.raw)
    }

    /// The unchecked trace built so far.
    pub fn into_raw(self) -> RawTrace {
        self.raw
    }

    /// Appends `op`, which must define exactly one value, and returns it.
    fn value_op(&mut self, op: Op) -> Value {
        self.raw.ops.push(op);
        self.fresh()
    }

    fn fresh(&mut self) -> Value {
        let v = Value(self.next_value);
        self.next_value += 1;
        v
    }

    fn push_args(&mut self, vals: &[Value]) -> ArgRange {
        let start = self.raw.args.len() as u32;
        self.raw.args.extend_from_slice(vals);
        ArgRange {
            start,
            len: vals.len() as u32,
        }
    }

    fn push_fail_args(&mut self, vals: &[Option<Value>]) -> ArgRange {
        let start = self.raw.fail_args.len() as u32;
        self.raw.fail_args.extend_from_slice(vals);
        ArgRange {
            start,
            len: vals.len() as u32,
        }
    }

    /// A new trace input of type `ty` (inputs must precede other ops).
    pub fn input(&mut self, ty: Type) -> Value {
        self.value_op(Op::Input(ty))
    }

    /// An `Int` constant.
    pub fn const_int(&mut self, c: i64) -> Value {
        self.value_op(Op::ConstInt(c))
    }

    /// A `Float` constant (bit-exact).
    pub fn const_float(&mut self, c: f64) -> Value {
        self.value_op(Op::ConstFloat(c.to_bits()))
    }

    /// A `Ref` constant (an address; 0 is null).
    pub fn const_ref(&mut self, c: usize) -> Value {
        self.value_op(Op::ConstRef(c))
    }

    /// Any integer binary op.
    pub fn int_bin(&mut self, op: IntBinOp, a: Value, b: Value) -> Value {
        self.value_op(Op::IntBin(op, a, b))
    }

    /// Any integer unary op.
    pub fn int_un(&mut self, op: IntUnOp, a: Value) -> Value {
        self.value_op(Op::IntUn(op, a))
    }

    int_bin! {
        /// `a + b`, wrapping.
        iadd => Add;
        /// `a - b`, wrapping.
        isub => Sub;
        /// `a * b`, wrapping.
        imul => Mul;
        /// `a & b`.
        iand => And;
        /// `a | b`.
        ior => Or;
        /// `a ^ b`.
        ixor => Xor;
        /// `a << (b & (bits-1))`.
        ishl => Shl;
        /// Arithmetic `a >> (b & (bits-1))`.
        isar => Sar;
        /// Logical `a >> (b & (bits-1))`.
        ishr => Shr;
        /// Signed `a / b` (caller guards zero and MIN/-1).
        sdiv => SDiv;
        /// Signed `a % b` (caller guards zero and MIN/-1).
        srem => SRem;
        /// Unsigned `a / b` (caller guards zero).
        udiv => UDiv;
        /// Unsigned `a % b` (caller guards zero).
        urem => URem;
        /// High word of the unsigned product.
        umulh => UMulH;
        /// `a == b` (0/1).
        ieq => Eq;
        /// `a != b` (0/1).
        ine => Ne;
        /// Signed `a < b`.
        ilt => Lt;
        /// Signed `a <= b`.
        ile => Le;
        /// Signed `a > b`.
        igt => Gt;
        /// Signed `a >= b`.
        ige => Ge;
        /// Unsigned `a < b`.
        ult => Ult;
        /// Unsigned `a <= b`.
        ule => Ule;
        /// Unsigned `a > b`.
        ugt => Ugt;
        /// Unsigned `a >= b`.
        uge => Uge;
    }

    int_un! {
        /// `-a`, wrapping.
        ineg => Neg;
        /// `!a`.
        inot => Not;
        /// `a == 0` (0/1).
        is_zero => IsZero;
        /// `a != 0` (0/1).
        is_true => IsTrue;
        /// Sign-extend the low 8 bits.
        sext8 => Sext8;
        /// Sign-extend the low 16 bits.
        sext16 => Sext16;
        /// Sign-extend the low 32 bits (64-bit mode).
        sext32 => Sext32;
        /// Zero-extend the low 8 bits.
        zext8 => Zext8;
        /// Zero-extend the low 16 bits.
        zext16 => Zext16;
        /// Zero-extend the low 32 bits (64-bit mode).
        zext32 => Zext32;
    }

    /// Any overflow-checked op; follow it with an overflow guard.
    pub fn int_ovf(&mut self, op: OvfOp, a: Value, b: Value) -> Value {
        self.value_op(Op::IntOvf(op, a, b))
    }

    /// `a + b` with overflow check; follow it with an overflow guard.
    pub fn iadd_ovf(&mut self, a: Value, b: Value) -> Value {
        self.int_ovf(OvfOp::Add, a, b)
    }

    /// `a - b` with overflow check; follow it with an overflow guard.
    pub fn isub_ovf(&mut self, a: Value, b: Value) -> Value {
        self.int_ovf(OvfOp::Sub, a, b)
    }

    /// `a * b` with overflow check; follow it with an overflow guard.
    pub fn imul_ovf(&mut self, a: Value, b: Value) -> Value {
        self.int_ovf(OvfOp::Mul, a, b)
    }

    float_op! {
        /// `a + b`.
        fadd => FloatBin(FloatBinOp::Add, a, b);
        /// `a - b`.
        fsub => FloatBin(FloatBinOp::Sub, a, b);
        /// `a * b`.
        fmul => FloatBin(FloatBinOp::Mul, a, b);
        /// `a / b`.
        fdiv => FloatBin(FloatBinOp::Div, a, b);
        /// `minsd`: `if a < b { a } else { b }`.
        fmin => FloatBin(FloatBinOp::Min, a, b);
        /// `maxsd`: `if a > b { a } else { b }`.
        fmax => FloatBin(FloatBinOp::Max, a, b);
        /// `-a` (sign flip).
        fneg => FloatUn(FloatUnOp::Neg, a);
        /// `|a|` (sign clear).
        fabs => FloatUn(FloatUnOp::Abs, a);
        /// Square root.
        fsqrt => FloatUn(FloatUnOp::Sqrt, a);
        /// `a < b` (false on NaN).
        flt => FloatCmp(FloatCmpOp::Lt, a, b);
        /// `a <= b` (false on NaN).
        fle => FloatCmp(FloatCmpOp::Le, a, b);
        /// `a > b` (false on NaN).
        fgt => FloatCmp(FloatCmpOp::Gt, a, b);
        /// `a >= b` (false on NaN).
        fge => FloatCmp(FloatCmpOp::Ge, a, b);
        /// `a == b` (false on NaN).
        feq => FloatCmp(FloatCmpOp::Eq, a, b);
        /// `a != b` (true on NaN).
        fne => FloatCmp(FloatCmpOp::Ne, a, b);
    }

    /// Any float binary op.
    pub fn float_bin(&mut self, op: FloatBinOp, a: Value, b: Value) -> Value {
        self.value_op(Op::FloatBin(op, a, b))
    }

    /// Any float unary op.
    pub fn float_un(&mut self, op: FloatUnOp, a: Value) -> Value {
        self.value_op(Op::FloatUn(op, a))
    }

    /// Any float comparison.
    pub fn float_cmp(&mut self, op: FloatCmpOp, a: Value, b: Value) -> Value {
        self.value_op(Op::FloatCmp(op, a, b))
    }

    /// Any conversion.
    pub fn conv(&mut self, op: ConvOp, a: Value) -> Value {
        self.value_op(Op::Conv(op, a))
    }

    /// Signed `Int -> Float`.
    pub fn int_to_float(&mut self, a: Value) -> Value {
        self.conv(ConvOp::IntToFloat, a)
    }

    /// Truncating `Float -> Int` (MIN on NaN/out of range).
    pub fn float_to_int(&mut self, a: Value) -> Value {
        self.conv(ConvOp::FloatToInt, a)
    }

    /// The bits of a `Float` as `Int` (64-bit mode).
    pub fn float_bits_to_int(&mut self, a: Value) -> Value {
        self.conv(ConvOp::FloatBitsToInt, a)
    }

    /// An `Int`'s bits as `Float` (64-bit mode).
    pub fn int_bits_to_float(&mut self, a: Value) -> Value {
        self.conv(ConvOp::IntBitsToFloat, a)
    }

    /// `Int -> Ref`.
    pub fn int_to_ref(&mut self, a: Value) -> Value {
        self.conv(ConvOp::IntToRef, a)
    }

    /// `Ref -> Int`.
    pub fn ref_to_int(&mut self, a: Value) -> Value {
        self.conv(ConvOp::RefToInt, a)
    }

    /// Same address (0/1).
    pub fn ref_eq(&mut self, a: Value, b: Value) -> Value {
        self.value_op(Op::RefCmp(RefCmpOp::Eq, a, b))
    }

    /// Different addresses (0/1).
    pub fn ref_ne(&mut self, a: Value, b: Value) -> Value {
        self.value_op(Op::RefCmp(RefCmpOp::Ne, a, b))
    }

    /// `Ref` is null (0/1).
    pub fn is_null(&mut self, a: Value) -> Value {
        self.value_op(Op::RefIsNull(a))
    }

    /// Load per `desc` from `addr`.
    pub fn load(&mut self, desc: MemDesc, addr: Addr) -> Value {
        self.value_op(Op::Load(desc, addr))
    }

    /// Store `value` per `desc` at `addr`.
    pub fn store(&mut self, desc: MemDesc, addr: Addr, value: Value) {
        self.raw.ops.push(Op::Store(desc, addr, value));
    }

    /// Adds a call signature to the trace's table.
    pub fn signature(&mut self, sig: Signature) -> SigId {
        if let Some(i) = self.raw.sigs.iter().position(|s| *s == sig) {
            return SigId(i as u32);
        }
        self.raw.sigs.push(sig);
        SigId(self.raw.sigs.len() as u32 - 1)
    }

    /// Calls `callee`; returns the result value if the signature has one.
    pub fn call(&mut self, callee: Callee, sig: SigId, args: &[Value]) -> Option<Value> {
        let args = self.push_args(args);
        self.raw.ops.push(Op::Call { callee, sig, args });
        let has_result = self
            .raw
            .sigs
            .get(sig.0 as usize)
            .is_some_and(|s| s.ret.is_some());
        has_result.then(|| self.fresh())
    }

    /// Calls `callee` (result-less signature) only if `cond` is non-zero.
    pub fn cond_call(&mut self, cond: Value, callee: Callee, sig: SigId, args: &[Value]) {
        let args = self.push_args(args);
        self.raw.ops.push(Op::CondCall {
            cond,
            callee,
            sig,
            args,
        });
    }

    /// Any guard.
    pub fn guard(&mut self, kind: GuardKind, id: u32, fail: &[Option<Value>]) {
        let fail = self.push_fail_args(fail);
        self.raw.ops.push(Op::Guard { kind, id, fail });
    }

    /// Exit unless `v` is non-zero.
    pub fn guard_true(&mut self, v: Value, id: u32, fail: &[Option<Value>]) {
        self.guard(GuardKind::True(v), id, fail);
    }

    /// Exit unless `v` is zero.
    pub fn guard_false(&mut self, v: Value, id: u32, fail: &[Option<Value>]) {
        self.guard(GuardKind::False(v), id, fail);
    }

    /// Exit unless `v == expected` (floats by bits).
    pub fn guard_value(&mut self, v: Value, expected: Value, id: u32, fail: &[Option<Value>]) {
        self.guard(GuardKind::Value(v, expected), id, fail);
    }

    /// Exit if `v` is null.
    pub fn guard_nonnull(&mut self, v: Value, id: u32, fail: &[Option<Value>]) {
        self.guard(GuardKind::NonNull(v), id, fail);
    }

    /// Exit unless `v` is null.
    pub fn guard_isnull(&mut self, v: Value, id: u32, fail: &[Option<Value>]) {
        self.guard(GuardKind::IsNull(v), id, fail);
    }

    /// Exit unless the word at `obj + offset` equals `expected`.
    pub fn guard_class(
        &mut self,
        obj: Value,
        offset: i32,
        expected: Value,
        id: u32,
        fail: &[Option<Value>],
    ) {
        self.guard(
            GuardKind::Class {
                obj,
                offset,
                expected,
            },
            id,
            fail,
        );
    }

    /// Exit if the preceding overflow-checked op overflowed.
    pub fn guard_no_overflow(&mut self, id: u32, fail: &[Option<Value>]) {
        self.guard(GuardKind::NoOverflow, id, fail);
    }

    /// Exit unless the preceding overflow-checked op overflowed.
    pub fn guard_overflow(&mut self, id: u32, fail: &[Option<Value>]) {
        self.guard(GuardKind::Overflow, id, fail);
    }

    /// Exit if the word at `cell` is non-zero (the trace was invalidated).
    pub fn guard_not_invalidated(&mut self, cell: usize, id: u32, fail: &[Option<Value>]) {
        self.guard(GuardKind::NotInvalidated { cell }, id, fail);
    }

    /// A loop header taking `args` initially; returns the label and its
    /// parameters (fresh values, one per argument, same types).
    pub fn label(&mut self, args: &[Value]) -> (LabelId, Vec<Value>) {
        let range = self.push_args(args);
        self.raw.ops.push(Op::Label { args: range });
        let params = args.iter().map(|_| self.fresh()).collect();
        let id = LabelId(self.labels);
        self.labels += 1;
        (id, params)
    }

    /// Jumps back to `label` with new parameter values. Ends the trace.
    pub fn jump(&mut self, label: LabelId, args: &[Value]) {
        let args = self.push_args(args);
        self.raw.ops.push(Op::Jump { label, args });
    }

    /// Leaves the trace with `values` and exit `id`. Ends the trace.
    pub fn finish(&mut self, values: &[Value], id: u32) {
        let values = self.push_args(values);
        self.raw.ops.push(Op::Finish { id, values });
    }
}
