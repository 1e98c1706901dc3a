//! The reference interpreter: executes a verified [`Trace`] exactly as
//! compiled code must, and is the oracle for differential tests.
//!
//! Semantics worth knowing:
//! - `Int` arithmetic wraps at the trace's word size; values are kept
//!   canonical (sign-extended into `i64`).
//! - Floats follow x86 SSE bit for bit (see [`super::float`]).
//! - Loads, stores, `guard_class` and `guard_not_invalidated` access real
//!   memory at the computed address (hence [`run`] is `unsafe`). Addresses
//!   are host addresses: a `Ref` is used as is, an `Int` base is
//!   zero-extended from the word, and `index * item_size + offset` is
//!   added at host width. For 32-bit traces this agrees with compiled
//!   32-bit code whenever the accessed memory lies below 4 GiB (where
//!   32-bit code must keep its data anyway).
//! - Calls go through a [`CallHandler`], so the interpreter itself never
//!   calls a raw function pointer.
//! - Division by zero and `MIN / -1` (which trap on x86) are reported as
//!   [`IrError`]s, never panics; so is running out of fuel.

use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use super::Trace;
use super::float;
use super::op::{Callee, ConvOp, GuardKind, IntBinOp, IntUnOp, Op, OvfOp, RefCmpOp};
use super::types::{Addr, MemDesc, Signature, Type, Val, Value, WordSize};

/// How a run of a trace ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// A `Finish` op was reached.
    Finish {
        /// The finish op's id.
        id: u32,
        /// Its values.
        values: Vec<Val>,
    },
    /// A guard failed.
    GuardFailed {
        /// The guard's id.
        id: u32,
        /// Its fail-args (holes stay `None`).
        values: Vec<Option<Val>>,
    },
}

impl Outcome {
    /// Exact equality: floats compare by bits (so NaN results compare equal
    /// to themselves), as differential tests of compiled code need.
    pub fn same(&self, other: &Outcome) -> bool {
        match (self, other) {
            (Outcome::Finish { id: a, values: x }, Outcome::Finish { id: b, values: y }) => {
                a == b && x.len() == y.len() && x.iter().zip(y).all(|(p, q)| p.same(*q))
            }
            (
                Outcome::GuardFailed { id: a, values: x },
                Outcome::GuardFailed { id: b, values: y },
            ) => {
                a == b
                    && x.len() == y.len()
                    && x.iter().zip(y).all(|(p, q)| match (p, q) {
                        (Some(p), Some(q)) => p.same(*q),
                        (None, None) => true,
                        _ => false,
                    })
            }
            _ => false,
        }
    }
}

/// Why the interpreter stopped without an [`Outcome`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IrError {
    /// Wrong number of inputs.
    InputCount {
        /// Inputs the trace declares.
        expected: usize,
        /// Inputs given.
        found: usize,
    },
    /// An input has the wrong type.
    InputType {
        /// Input position.
        index: usize,
        /// Declared type.
        expected: Type,
    },
    /// An `Int` input does not fit the word size.
    InputOutOfRange {
        /// Input position.
        index: usize,
    },
    /// Integer division or remainder by zero at op `op`.
    DivisionByZero {
        /// Op index.
        op: usize,
    },
    /// Signed `MIN / -1` (or `MIN % -1`) at op `op`.
    DivisionOverflow {
        /// Op index.
        op: usize,
    },
    /// The call handler refused the call at op `op`.
    CallRejected {
        /// Op index.
        op: usize,
    },
    /// The call handler returned a value that does not match the signature.
    CallResultMismatch {
        /// Op index.
        op: usize,
    },
    /// The step limit was reached (the trace probably loops forever).
    OutOfFuel,
}

impl fmt::Display for IrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            IrError::InputCount { expected, found } => {
                write!(f, "expected {expected} inputs, got {found}")
            }
            IrError::InputType { index, expected } => {
                write!(f, "input {index} must be {expected:?}")
            }
            IrError::InputOutOfRange { index } => {
                write!(f, "input {index} does not fit the word size")
            }
            IrError::DivisionByZero { op } => write!(f, "op {op}: division by zero"),
            IrError::DivisionOverflow { op } => write!(f, "op {op}: division overflow (MIN / -1)"),
            IrError::CallRejected { op } => write!(f, "op {op}: call rejected by handler"),
            IrError::CallResultMismatch { op } => {
                write!(f, "op {op}: call result does not match signature")
            }
            IrError::OutOfFuel => f.write_str("step limit reached"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for IrError {}

/// A handler's refusal of a call (unknown function, bad arguments).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallRejected;

/// Performs calls for the interpreter: the embedder (or test) maps function
/// addresses to behaviour.
pub trait CallHandler {
    /// Calls `callee` with `args` (typed per `sig`). Returns the result
    /// (`None` for result-less signatures). Narrow integer results may be
    /// returned unextended: the interpreter extends them per `sig.ret`.
    fn call(
        &mut self,
        callee: usize,
        sig: &Signature,
        args: &[Val],
    ) -> Result<Option<Val>, CallRejected>;
}

/// A handler for traces that make no calls: refuses every call.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoCalls;

impl CallHandler for NoCalls {
    fn call(&mut self, _: usize, _: &Signature, _: &[Val]) -> Result<Option<Val>, CallRejected> {
        Err(CallRejected)
    }
}

/// Runs `trace` on `inputs` until it finishes or a guard fails, executing at
/// most `fuel` ops.
///
/// # Safety
/// Every memory access the trace performs on this run (loads, stores,
/// `guard_class` header reads, `guard_not_invalidated` cell reads) must be
/// valid for its size at the computed address (see the module docs);
/// no alignment is required. Tests use buffers they own.
pub unsafe fn run<H: CallHandler + ?Sized>(
    trace: &Trace,
    inputs: &[Val],
    calls: &mut H,
    fuel: u64,
) -> Result<Outcome, IrError> {
    check_inputs(trace, inputs)?;
    let mut m = Machine {
        word: trace.word(),
        vals: vec![Val::Int(0); trace.num_values()],
        overflow: false,
    };
    m.vals[..inputs.len()].copy_from_slice(inputs);
    let mut scratch = Vec::new();
    let mut fuel = fuel;
    let mut pc = 0;
    loop {
        if fuel == 0 {
            return Err(IrError::OutOfFuel);
        }
        fuel -= 1;
        let op = trace.ops()[pc];
        let result = match op {
            Op::Input(_) => None,
            Op::Label { args } => {
                scratch.clear();
                scratch.extend(trace.args(args).iter().map(|&v| m.get(v)));
                m.set_from(trace.op_values(pc).start, &scratch);
                None
            }
            Op::Jump { label, args } => {
                scratch.clear();
                scratch.extend(trace.args(args).iter().map(|&v| m.get(v)));
                pc = trace.label_op(label);
                m.set_from(trace.op_values(pc).start, &scratch);
                pc += 1;
                continue;
            }
            Op::Finish { id, values } => {
                let values = trace.args(values).iter().map(|&v| m.get(v)).collect();
                return Ok(Outcome::Finish { id, values });
            }
            Op::Guard { kind, id, fail } => {
                // SAFETY: the caller guarantees the guard's memory reads are valid.
                if !unsafe { m.guard_holds(kind) } {
                    let values = trace
                        .fail_args(fail)
                        .iter()
                        .map(|v| v.map(|v| m.get(v)))
                        .collect();
                    return Ok(Outcome::GuardFailed { id, values });
                }
                None
            }
            Op::Call { callee, sig, args } => {
                m.call(pc, callee, trace.sig(sig), trace.args(args), calls)?
            }
            Op::CondCall {
                cond,
                callee,
                sig,
                args,
            } => {
                if m.int(cond) != 0 {
                    m.call(pc, callee, trace.sig(sig), trace.args(args), calls)?;
                }
                None
            }
            Op::Store(desc, addr, v) => {
                let a = m.addr(&addr);
                // SAFETY: the caller guarantees the trace's stores are valid.
                unsafe { m.store(desc, a, m.get(v)) };
                None
            }
            // SAFETY: the caller guarantees the trace's loads are valid.
            Op::Load(desc, addr) => Some(unsafe { m.load(desc, m.addr(&addr)) }),
            _ => Some(m.pure(pc, op)?),
        };
        if let Some(r) = result {
            m.vals[trace.op_values(pc).start as usize] = r;
        }
        pc += 1;
    }
}

fn check_inputs(trace: &Trace, inputs: &[Val]) -> Result<(), IrError> {
    let types = trace.input_types();
    if types.len() != inputs.len() {
        return Err(IrError::InputCount {
            expected: types.len(),
            found: inputs.len(),
        });
    }
    for (index, (&t, &v)) in types.iter().zip(inputs).enumerate() {
        if v.ty() != t {
            return Err(IrError::InputType { index, expected: t });
        }
        if let Val::Int(x) = v
            && !trace.word().fits(x)
        {
            return Err(IrError::InputOutOfRange { index });
        }
    }
    Ok(())
}

/// The interpreter's state: one slot per value, and the overflow flag the
/// last overflow-checked op left for its guard.
struct Machine {
    word: WordSize,
    vals: Vec<Val>,
    overflow: bool,
}

impl Machine {
    fn get(&self, v: Value) -> Val {
        self.vals[v.index()]
    }

    fn set_from(&mut self, first: u32, vals: &[Val]) {
        let first = first as usize;
        self.vals[first..first + vals.len()].copy_from_slice(vals);
    }

    // The verifier guarantees operand types; a mismatch here is unreachable
    // and would yield a harmless default rather than a panic.
    fn int(&self, v: Value) -> i64 {
        match self.get(v) {
            Val::Int(x) => x,
            Val::Ref(r) => r as i64,
            Val::Float(f) => f.to_bits() as i64,
        }
    }

    fn float(&self, v: Value) -> f64 {
        match self.get(v) {
            Val::Float(f) => f,
            Val::Int(x) => f64::from_bits(x as u64),
            Val::Ref(r) => f64::from_bits(r as u64),
        }
    }

    fn gc_ref(&self, v: Value) -> usize {
        match self.get(v) {
            Val::Ref(r) => r,
            Val::Int(x) => self.word.unsigned(x) as usize,
            Val::Float(f) => f.to_bits() as usize,
        }
    }

    /// The host address `a` names. Not wrapped at 32 bits for a 32-bit
    /// trace: the interpreter runs such traces on the host, where their
    /// `Ref`s may be real pointers above 4 GiB (compiled x86-32 code would
    /// wrap an address that crosses 4 GiB; valid traces never do that).
    fn addr(&self, a: &Addr) -> usize {
        let base = self.gc_ref(a.base);
        let mut off = i64::from(a.offset);
        if let Some((index, size)) = a.index {
            off = off.wrapping_add(self.int(index).wrapping_mul(i64::from(size)));
        }
        base.wrapping_add(off as usize)
    }

    /// Ops without side effects (the value-defining families).
    fn pure(&mut self, pc: usize, op: Op) -> Result<Val, IrError> {
        let w = self.word;
        let b01 = |b: bool| Val::Int(i64::from(b));
        Ok(match op {
            Op::ConstInt(c) => Val::Int(c),
            Op::ConstFloat(bits) => Val::Float(f64::from_bits(bits)),
            Op::ConstRef(r) => Val::Ref(r),
            Op::IntBin(o, a, b) => Val::Int(int_bin(w, pc, o, self.int(a), self.int(b))?),
            Op::IntUn(o, a) => Val::Int(int_un(w, o, self.int(a))),
            Op::IntOvf(o, a, b) => {
                let (a, b) = (i128::from(self.int(a)), i128::from(self.int(b)));
                let wide = match o {
                    OvfOp::Add => a + b,
                    OvfOp::Sub => a - b,
                    OvfOp::Mul => a * b,
                };
                let r = w.wrap(wide as i64);
                self.overflow = i128::from(r) != wide;
                Val::Int(r)
            }
            Op::FloatBin(o, a, b) => Val::Float(float::bin(o, self.float(a), self.float(b))),
            Op::FloatUn(o, a) => Val::Float(float::un(o, self.float(a))),
            Op::FloatCmp(o, a, b) => b01(float::cmp(o, self.float(a), self.float(b))),
            Op::Conv(c, a) => match c {
                ConvOp::IntToFloat => Val::Float(self.int(a) as f64),
                ConvOp::FloatToInt => Val::Int(float::to_int(self.float(a), w)),
                ConvOp::FloatBitsToInt => Val::Int(self.float(a).to_bits() as i64),
                ConvOp::IntBitsToFloat => Val::Float(f64::from_bits(self.int(a) as u64)),
                ConvOp::IntToRef => Val::Ref(w.unsigned(self.int(a)) as usize),
                ConvOp::RefToInt => Val::Int(w.wrap(self.gc_ref(a) as i64)),
            },
            Op::RefCmp(o, a, b) => b01((self.gc_ref(a) == self.gc_ref(b)) == (o == RefCmpOp::Eq)),
            Op::RefIsNull(a) => b01(self.gc_ref(a) == 0),
            // Effectful ops are handled by `run`; defining none here.
            _ => Val::Int(0),
        })
    }

    /// # Safety
    /// Reading `desc.size` bytes at `addr` must be valid.
    unsafe fn load(&self, desc: MemDesc, addr: usize) -> Val {
        // SAFETY: forwarded to the caller.
        let raw = unsafe { read(addr, desc.size) };
        match desc.ty {
            Type::Int => Val::Int(self.word.wrap(extend(raw, desc.size, desc.signed))),
            Type::Float => Val::Float(f64::from_bits(raw)),
            Type::Ref => Val::Ref(raw as usize),
        }
    }

    /// # Safety
    /// Writing `desc.size` bytes at `addr` must be valid.
    unsafe fn store(&self, desc: MemDesc, addr: usize, v: Val) {
        let raw = match v {
            Val::Int(x) => x as u64,
            Val::Ref(r) => r as u64,
            Val::Float(f) => f.to_bits(),
        };
        // SAFETY: forwarded to the caller.
        unsafe { write(addr, desc.size, raw) };
    }

    /// Reads the signed word at `addr`.
    ///
    /// # Safety
    /// Reading a word at `addr` must be valid.
    unsafe fn read_word(&self, addr: usize) -> i64 {
        // SAFETY: forwarded to the caller.
        let raw = unsafe { read(addr, self.word.bytes()) };
        self.word.wrap(raw as i64)
    }

    /// # Safety
    /// `Class` and `NotInvalidated` guards read memory, which must be valid.
    unsafe fn guard_holds(&self, kind: GuardKind) -> bool {
        match kind {
            GuardKind::True(v) => self.int(v) != 0,
            GuardKind::False(v) => self.int(v) == 0,
            GuardKind::Value(a, b) => self.get(a).same(self.get(b)),
            GuardKind::NonNull(v) => self.gc_ref(v) != 0,
            GuardKind::IsNull(v) => self.gc_ref(v) == 0,
            GuardKind::Class {
                obj,
                offset,
                expected,
            } => {
                let addr = self.gc_ref(obj).wrapping_add(offset as isize as usize);
                // SAFETY: forwarded to the caller.
                unsafe { self.read_word(addr) == self.int(expected) }
            }
            GuardKind::NoOverflow => !self.overflow,
            GuardKind::Overflow => self.overflow,
            // SAFETY: forwarded to the caller.
            GuardKind::NotInvalidated { cell } => unsafe { self.read_word(cell) == 0 },
        }
    }

    fn call<H: CallHandler + ?Sized>(
        &self,
        pc: usize,
        callee: Callee,
        sig: &Signature,
        args: &[Value],
        calls: &mut H,
    ) -> Result<Option<Val>, IrError> {
        let target = match callee {
            Callee::Const(a) => a,
            Callee::Value(v) => self.word.unsigned(self.int(v)) as usize,
        };
        let argv: Vec<Val> = args.iter().map(|&v| self.get(v)).collect();
        let result = calls
            .call(target, sig, &argv)
            .map_err(|_| IrError::CallRejected { op: pc })?;
        let mismatch = IrError::CallResultMismatch { op: pc };
        match (sig.ret, result) {
            (None, None) => Ok(None),
            (Some(rt), Some(Val::Int(x))) if rt.value_type() == Type::Int => {
                Ok(Some(Val::Int(rt.extend(x, self.word))))
            }
            (Some(rt), Some(v)) if rt.value_type() == v.ty() && v.ty() != Type::Int => Ok(Some(v)),
            _ => Err(mismatch),
        }
    }
}

fn int_bin(w: WordSize, pc: usize, o: IntBinOp, a: i64, b: i64) -> Result<i64, IrError> {
    let (ua, ub) = (w.unsigned(a), w.unsigned(b));
    let count = (b as u32) & (w.bits() - 1);
    let div_checks = |signed: bool| {
        if b == 0 {
            Err(IrError::DivisionByZero { op: pc })
        } else if signed && a == w.int_min() && b == -1 {
            Err(IrError::DivisionOverflow { op: pc })
        } else {
            Ok(())
        }
    };
    let r = match o {
        IntBinOp::Add => a.wrapping_add(b),
        IntBinOp::Sub => a.wrapping_sub(b),
        IntBinOp::Mul => a.wrapping_mul(b),
        IntBinOp::And => a & b,
        IntBinOp::Or => a | b,
        IntBinOp::Xor => a ^ b,
        IntBinOp::Shl => a << count,
        IntBinOp::Sar => a >> count,
        IntBinOp::Shr => (ua >> count) as i64,
        IntBinOp::SDiv => {
            div_checks(true)?;
            a / b
        }
        IntBinOp::SRem => {
            div_checks(true)?;
            a % b
        }
        IntBinOp::UDiv => {
            div_checks(false)?;
            (ua / ub) as i64
        }
        IntBinOp::URem => {
            div_checks(false)?;
            (ua % ub) as i64
        }
        IntBinOp::UMulH => ((u128::from(ua) * u128::from(ub)) >> w.bits()) as i64,
        IntBinOp::Eq => i64::from(a == b),
        IntBinOp::Ne => i64::from(a != b),
        IntBinOp::Lt => i64::from(a < b),
        IntBinOp::Le => i64::from(a <= b),
        IntBinOp::Gt => i64::from(a > b),
        IntBinOp::Ge => i64::from(a >= b),
        IntBinOp::Ult => i64::from(ua < ub),
        IntBinOp::Ule => i64::from(ua <= ub),
        IntBinOp::Ugt => i64::from(ua > ub),
        IntBinOp::Uge => i64::from(ua >= ub),
    };
    Ok(w.wrap(r))
}

fn int_un(w: WordSize, o: IntUnOp, a: i64) -> i64 {
    w.wrap(match o {
        IntUnOp::Neg => a.wrapping_neg(),
        IntUnOp::Not => !a,
        IntUnOp::IsZero => i64::from(a == 0),
        IntUnOp::IsTrue => i64::from(a != 0),
        IntUnOp::Sext8 => a as i8 as i64,
        IntUnOp::Sext16 => a as i16 as i64,
        IntUnOp::Sext32 => a as i32 as i64,
        IntUnOp::Zext8 => a as u8 as i64,
        IntUnOp::Zext16 => a as u16 as i64,
        IntUnOp::Zext32 => a as u32 as i64,
    })
}

/// Sign- or zero-extends the low `size` bytes of `raw`.
fn extend(raw: u64, size: u8, signed: bool) -> i64 {
    match (size, signed) {
        (1, true) => raw as i8 as i64,
        (1, false) => raw as u8 as i64,
        (2, true) => raw as i16 as i64,
        (2, false) => raw as u16 as i64,
        (4, true) => raw as i32 as i64,
        (4, false) => raw as u32 as i64,
        _ => raw as i64,
    }
}

/// Reads `size` (1, 2, 4 or 8) bytes at `addr`, zero-extended.
///
/// # Safety
/// The bytes must be readable.
unsafe fn read(addr: usize, size: u8) -> u64 {
    let p = addr as *const u8;
    // SAFETY: the caller guarantees `size` readable bytes at `p`; unaligned reads are used.
    unsafe {
        match size {
            1 => u64::from(p.read()),
            2 => u64::from(p.cast::<u16>().read_unaligned()),
            4 => u64::from(p.cast::<u32>().read_unaligned()),
            _ => p.cast::<u64>().read_unaligned(),
        }
    }
}

/// Writes the low `size` (1, 2, 4 or 8) bytes of `raw` at `addr`.
///
/// # Safety
/// The bytes must be writable.
unsafe fn write(addr: usize, size: u8, raw: u64) {
    let p = addr as *mut u8;
    // SAFETY: the caller guarantees `size` writable bytes at `p`; unaligned writes are used.
    unsafe {
        match size {
            1 => p.write(raw as u8),
            2 => p.cast::<u16>().write_unaligned(raw as u16),
            4 => p.cast::<u32>().write_unaligned(raw as u32),
            _ => p.cast::<u64>().write_unaligned(raw),
        }
    }
}
