//! Lua values: a 16-byte tagged representation (`Copy`, no reference counts).
//!
//! Heap-allocated kinds carry a [`GcRef`], an index into the collector's current
//! space. References are only valid until the next collection unless they are
//! stored in a root (the VM value stack, globals, open upvalues, ...), which the
//! collector updates when it moves objects.

/// A reference to a heap object: a direct pointer to its [`Slot`] (header
/// word, then the object) in the collector's current space. Only the heap
/// dereferences it; a collection moves the object and updates every
/// reference held in a root or a live object.
///
/// [`Slot`]: crate::heap::Slot
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct GcRef(pub(crate) std::ptr::NonNull<crate::heap::Slot>);

/// A Lua value. Strings are interned, so string equality is reference equality.
///
/// The tag is a full word (`repr(u64)`): a value is then two words with no
/// padding bytes between tag and payload, so copying or storing one is two
/// plain 8-byte moves (with a byte tag the compiler also copies the seven
/// undefined padding bytes, through the stack).
#[derive(Clone, Copy, Debug, Default)]
#[repr(u64)]
pub enum Value {
    /// `nil`.
    #[default]
    Nil,
    /// `true` / `false`.
    Bool(bool),
    /// A 64-bit integer (wrap-around arithmetic).
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// An interned immutable byte string.
    Str(GcRef),
    /// A table.
    Table(GcRef),
    /// A Lua closure or a native function.
    Func(GcRef),
}

impl Value {
    /// Lua truthiness: only `nil` and `false` are false.
    #[inline(always)]
    pub fn truthy(self) -> bool {
        !matches!(self, Value::Nil | Value::Bool(false))
    }

    /// True for `nil`.
    #[inline(always)]
    pub fn is_nil(self) -> bool {
        matches!(self, Value::Nil)
    }

    /// The name `type()` returns.
    pub fn type_name(self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Bool(_) => "boolean",
            Value::Int(_) | Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Table(_) => "table",
            Value::Func(_) => "function",
        }
    }

    /// Primitive equality without metamethods (`rawequal`): integers and floats
    /// compare by mathematical value, heap objects by identity.
    #[inline]
    pub fn raw_eq(self, other: Value) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::Int(a), Value::Float(b)) | (Value::Float(b), Value::Int(a)) => {
                int_float_eq(a, b)
            }
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Table(a), Value::Table(b)) => a == b,
            (Value::Func(a), Value::Func(b)) => a == b,
            _ => false,
        }
    }

    /// Bitwise key equality for table keys, which are normalised (float keys
    /// with an integer value are stored as integers, NaN is never a key).
    #[inline(always)]
    pub fn key_eq(self, other: Value) -> bool {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a.to_bits() == b.to_bits(),
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Table(a), Value::Table(b)) => a == b,
            (Value::Func(a), Value::Func(b)) => a == b,
            _ => false,
        }
    }

    /// The heap reference inside, if any.
    #[inline]
    pub fn gc_ref(self) -> Option<GcRef> {
        match self {
            Value::Str(r) | Value::Table(r) | Value::Func(r) => Some(r),
            _ => None,
        }
    }

    /// Number as float (no string coercion).
    #[inline]
    pub fn as_f64(self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            _ => None,
        }
    }
}

/// Exact comparison of an integer with a float.
pub fn int_float_eq(i: i64, f: f64) -> bool {
    float_to_int_exact(f) == Some(i)
}

/// The integer with exactly the value of `f`, if there is one.
#[inline]
pub fn float_to_int_exact(f: f64) -> Option<i64> {
    crate::stdlib::lstr::number::float_to_int_exact(f)
}

/// Lua's floor division of integers (`//`); the caller handles a zero divisor.
#[inline]
pub fn int_floor_div(a: i64, b: i64) -> i64 {
    if b == -1 {
        return a.wrapping_neg();
    }
    let q = a / b;
    if (a % b != 0) && ((a ^ b) < 0) {
        q - 1
    } else {
        q
    }
}

/// Lua's integer modulo (result has the sign of the divisor); `b != 0`.
#[inline]
pub fn int_mod(a: i64, b: i64) -> i64 {
    if b == -1 {
        return 0;
    }
    let r = a % b;
    if r != 0 && (r ^ b) < 0 { r + b } else { r }
}

/// Lua's float modulo.
#[inline]
pub fn float_mod(a: f64, b: f64) -> f64 {
    let r = a % b;
    if r != 0.0 && (r < 0.0) != (b < 0.0) {
        r + b
    } else {
        r
    }
}

/// Integer shift left by a signed amount (negative shifts right, logical).
pub fn shift_left(a: i64, n: i64) -> i64 {
    if n <= -64 || n >= 64 {
        0
    } else if n >= 0 {
        ((a as u64) << n) as i64
    } else {
        ((a as u64) >> (-n)) as i64
    }
}

/// Integer comparison with a float, exactly (no rounding of large integers).
pub fn lt_int_float(i: i64, f: f64) -> bool {
    if f.is_nan() {
        return false;
    }
    if f >= 9.223_372_036_854_776e18 {
        return true;
    }
    if f < -9.223_372_036_854_776e18 {
        return false;
    }
    // i < f  <=>  i < ceil(f)
    let c = f.ceil();
    i < c as i64
}

/// `i <= f`, exactly.
pub fn le_int_float(i: i64, f: f64) -> bool {
    if f.is_nan() {
        return false;
    }
    if f >= 9.223_372_036_854_776e18 {
        return true;
    }
    if f < -9.223_372_036_854_776e18 {
        return false;
    }
    i <= f.floor() as i64
}

/// `f < i`, exactly.
pub fn lt_float_int(f: f64, i: i64) -> bool {
    if f.is_nan() {
        return false;
    }
    !le_int_float(i, f)
}

/// `f <= i`, exactly.
pub fn le_float_int(f: f64, i: i64) -> bool {
    if f.is_nan() {
        return false;
    }
    !lt_int_float(i, f)
}
