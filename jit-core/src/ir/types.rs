//! The vocabulary every IR consumer shares: value types, word size, value
//! identifiers and the descriptors that ops carry (memory accesses, call
//! signatures).

use alloc::vec::Vec;

/// The machine word the trace is compiled for. `Int` values are exactly this
/// wide: arithmetic wraps at this size and the interpreter models it exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WordSize {
    /// x86-32: `Int` is 32 bits, `Ref` is a 32-bit address.
    W32,
    /// x86-64: `Int` is 64 bits, `Ref` is a 64-bit address.
    W64,
}

impl WordSize {
    /// Width of a word in bits (32 or 64).
    pub const fn bits(self) -> u32 {
        match self {
            WordSize::W32 => 32,
            WordSize::W64 => 64,
        }
    }

    /// Width of a word in bytes (4 or 8).
    pub const fn bytes(self) -> u8 {
        match self {
            WordSize::W32 => 4,
            WordSize::W64 => 8,
        }
    }

    /// The smallest `Int` (`i32::MIN` or `i64::MIN`), also x86's "integer
    /// indefinite" that float-to-int conversion yields for NaN/out of range.
    pub const fn int_min(self) -> i64 {
        match self {
            WordSize::W32 => i32::MIN as i64,
            WordSize::W64 => i64::MIN,
        }
    }

    /// The largest `Int` (`i32::MAX` or `i64::MAX`).
    pub const fn int_max(self) -> i64 {
        match self {
            WordSize::W32 => i32::MAX as i64,
            WordSize::W64 => i64::MAX,
        }
    }

    /// Wraps `x` to this word size: the canonical form of an `Int`, which is
    /// the low `bits()` bits sign-extended into an `i64`.
    pub const fn wrap(self, x: i64) -> i64 {
        match self {
            WordSize::W32 => x as i32 as i64,
            WordSize::W64 => x,
        }
    }

    /// Whether `x` is already in canonical form for this word size.
    pub const fn fits(self, x: i64) -> bool {
        self.wrap(x) == x
    }

    /// The unsigned view of a canonical `Int` (zero-extended to 64 bits).
    pub const fn unsigned(self, x: i64) -> u64 {
        match self {
            WordSize::W32 => x as u32 as u64,
            WordSize::W64 => x as u64,
        }
    }
}

/// The type of an IR value. Every value has exactly one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// A machine word ([`WordSize`]); also booleans (0/1) and raw addresses.
    Int,
    /// A GC pointer: the collector may move the object and update the value,
    /// so the backend records where `Ref`s live across safepoints.
    Ref,
    /// An IEEE-754 binary64.
    Float,
}

impl Type {
    /// The short prefix used for value names in dumps (`i3`, `r4`, `f5`).
    pub const fn prefix(self) -> char {
        match self {
            Type::Int => 'i',
            Type::Ref => 'r',
            Type::Float => 'f',
        }
    }
}

/// An SSA value: the `n`-th value defined in the trace (in op order). Most ops
/// define at most one value; `Label` defines one per loop parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Value(pub u32);

impl Value {
    /// The index of the value in the trace's value table.
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

/// Names a `Label` op: the `n`-th label of the trace, in op order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LabelId(pub u32);

/// Names a call signature in the trace's signature table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SigId(pub u32);

/// A slice of one of the trace's side arrays (`args` or `fail_args`). Keeping
/// variable-length operands out of line keeps every op small.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct ArgRange {
    /// First element.
    pub start: u32,
    /// Number of elements.
    pub len: u32,
}

impl ArgRange {
    /// Index range into the side array (may be out of bounds in raw IR; the
    /// verifier checks it).
    pub const fn range(self) -> core::ops::Range<usize> {
        let start = self.start as usize;
        start..start.saturating_add(self.len as usize)
    }
}

/// How a load or store touches memory: `size` bytes, read with sign or zero
/// extension, as a value of type `ty`.
///
/// Legal combinations (the verifier enforces them):
/// - `Int`: size 1, 2 or 4, and 8 in 64-bit mode; `signed` picks sign or
///   zero extension of narrow loads (ignored for stores, which truncate).
/// - `Float`: size 8 (an f64).
/// - `Ref`: size equal to the word size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemDesc {
    /// Bytes accessed: 1, 2, 4 or 8.
    pub size: u8,
    /// Sign-extend (true) or zero-extend (false) narrow `Int` loads.
    pub signed: bool,
    /// Type of the loaded (or stored) value.
    pub ty: Type,
}

impl MemDesc {
    /// An `Int` access of `size` bytes with the given extension.
    pub const fn int(size: u8, signed: bool) -> Self {
        MemDesc {
            size,
            signed,
            ty: Type::Int,
        }
    }

    /// A full-word `Int` access.
    pub const fn word(word: WordSize) -> Self {
        MemDesc::int(word.bytes(), true)
    }

    /// An f64 access.
    pub const fn float() -> Self {
        MemDesc {
            size: 8,
            signed: false,
            ty: Type::Float,
        }
    }

    /// A `Ref` (GC pointer) access; word-sized.
    pub const fn gc_ref(word: WordSize) -> Self {
        MemDesc {
            size: word.bytes(),
            signed: false,
            ty: Type::Ref,
        }
    }

    /// Whether the descriptor is legal for the word size (see type docs).
    pub const fn is_valid(self, word: WordSize) -> bool {
        match self.ty {
            Type::Int => matches!(self.size, 1 | 2 | 4) || self.size == 8 && word.bits() == 64,
            Type::Float => self.size == 8,
            Type::Ref => self.size == word.bytes(),
        }
    }
}

/// An address: `base + index * scale + offset`, computed in bytes.
///
/// `base` is a `Ref` (an offset into a GC object) or an `Int` (a raw
/// address). `index` is a signed `Int`; `scale` is any item size (not only
/// 1/2/4/8: the lowering multiplies when x86 cannot scale directly).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Addr {
    /// Object or raw address.
    pub base: Value,
    /// Optional `(index, item_size)`; the item size must be non-zero.
    pub index: Option<(Value, u32)>,
    /// Constant byte displacement.
    pub offset: i32,
}

impl Addr {
    /// `base + offset`: a field.
    pub const fn field(base: Value, offset: i32) -> Self {
        Addr {
            base,
            index: None,
            offset,
        }
    }

    /// `base + index * item_size + offset`: an array item.
    pub const fn item(base: Value, index: Value, item_size: u32, offset: i32) -> Self {
        Addr {
            base,
            index: Some((index, item_size)),
            offset,
        }
    }
}

/// What a call returns, including narrow integer returns: the callee leaves
/// a narrow value in the low bits of the result register and the caller
/// extends it per this type (so the IR result is always a canonical `Int`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RetType {
    /// A full word.
    Int,
    /// Low 8 bits, sign-extended.
    I8,
    /// Low 8 bits, zero-extended.
    U8,
    /// Low 16 bits, sign-extended.
    I16,
    /// Low 16 bits, zero-extended.
    U16,
    /// Low 32 bits, sign-extended.
    I32,
    /// Low 32 bits, zero-extended (in 32-bit mode this is the whole word).
    U32,
    /// A GC pointer.
    Ref,
    /// An f64.
    Float,
}

impl RetType {
    /// The IR type of the call's result value.
    pub const fn value_type(self) -> Type {
        match self {
            RetType::Ref => Type::Ref,
            RetType::Float => Type::Float,
            _ => Type::Int,
        }
    }

    /// Extends a raw integer result per this return type, then wraps to the
    /// word size. Non-integer return types return `raw` unchanged.
    pub const fn extend(self, raw: i64, word: WordSize) -> i64 {
        let x = match self {
            RetType::I8 => raw as i8 as i64,
            RetType::U8 => raw as u8 as i64,
            RetType::I16 => raw as i16 as i64,
            RetType::U16 => raw as u16 as i64,
            RetType::I32 => raw as i32 as i64,
            RetType::U32 => raw as u32 as i64,
            RetType::Int | RetType::Ref | RetType::Float => raw,
        };
        word.wrap(x)
    }
}

/// Facts about a callee the backend needs later (safepoints, deopt).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct CallFlags {
    /// The callee may run the collector: live `Ref`s must be in the stack map.
    pub may_gc: bool,
    /// The callee may invalidate the running trace (it must be re-checked).
    pub may_deopt: bool,
}

/// A callee's declared signature: argument types, result, flags.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Signature {
    /// Types of the arguments, in order. Any number.
    pub args: Vec<Type>,
    /// The result, or `None` for a procedure.
    pub ret: Option<RetType>,
    /// Backend facts.
    pub flags: CallFlags,
}

impl Signature {
    /// A signature without flags.
    pub fn new(args: &[Type], ret: Option<RetType>) -> Self {
        Signature {
            args: args.to_vec(),
            ret,
            flags: CallFlags::default(),
        }
    }
}

/// A typed runtime value, as the interpreter (and compiled code's exits)
/// report them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Val {
    /// A canonical `Int` (sign-extended from the word size).
    Int(i64),
    /// A `Ref`: a host address (0 is null).
    Ref(usize),
    /// An f64.
    Float(f64),
}

impl Val {
    /// The IR type of the value.
    pub const fn ty(self) -> Type {
        match self {
            Val::Int(_) => Type::Int,
            Val::Ref(_) => Type::Ref,
            Val::Float(_) => Type::Float,
        }
    }

    /// Exact identity: floats compare by bits (NaN payloads, signed zeros),
    /// which is what differential tests of compiled code want.
    pub fn same(self, other: Val) -> bool {
        match (self, other) {
            (Val::Int(a), Val::Int(b)) => a == b,
            (Val::Ref(a), Val::Ref(b)) => a == b,
            (Val::Float(a), Val::Float(b)) => a.to_bits() == b.to_bits(),
            _ => false,
        }
    }
}
