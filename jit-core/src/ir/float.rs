//! Bit-exact x86 SSE float semantics, in portable Rust: what `addsd`,
//! `minsd`, `sqrtsd`, `cvttsd2si` and friends compute, NaN payloads
//! included. The interpreter uses these so it is an exact oracle for
//! compiled code; a VM's constant folder can use them to fold the same way.
//!
//! Everything here is `core`-only (no `std` math): `sqrt` is a correctly
//! rounded software square root.

use super::op::{FloatBinOp, FloatCmpOp, FloatUnOp};
use super::types::WordSize;

/// The NaN x86 produces for invalid operations on non-NaN operands
/// ("QNaN floating-point indefinite").
pub const DEFAULT_NAN: u64 = 0xFFF8_0000_0000_0000;

const QUIET_BIT: u64 = 1 << 51;
const SIGN_BIT: u64 = 1 << 63;

/// Sets the quiet bit of a NaN (SSE quiets signalling NaN operands).
pub fn quiet(x: f64) -> f64 {
    f64::from_bits(x.to_bits() | QUIET_BIT)
}

/// `op a, b` with SSE semantics (`a` is the destination operand).
pub fn bin(op: FloatBinOp, a: f64, b: f64) -> f64 {
    match op {
        FloatBinOp::Add => arith(a, b, |a, b| a + b),
        FloatBinOp::Sub => arith(a, b, |a, b| a - b),
        FloatBinOp::Mul => arith(a, b, |a, b| a * b),
        FloatBinOp::Div => arith(a, b, |a, b| a / b),
        FloatBinOp::Min => {
            if a < b {
                a
            } else {
                b
            }
        }
        FloatBinOp::Max => {
            if a > b {
                a
            } else {
                b
            }
        }
    }
}

/// Arithmetic with SSE NaN propagation: a NaN first operand wins, then a
/// NaN second operand (both quieted); invalid operations give the default NaN.
fn arith(a: f64, b: f64, f: fn(f64, f64) -> f64) -> f64 {
    if a.is_nan() {
        return quiet(a);
    }
    if b.is_nan() {
        return quiet(b);
    }
    let r = f(a, b);
    if r.is_nan() {
        f64::from_bits(DEFAULT_NAN)
    } else {
        r
    }
}

/// Unary op: sign manipulation is pure bit logic; `Sqrt` is `sqrtsd`.
pub fn un(op: FloatUnOp, a: f64) -> f64 {
    match op {
        FloatUnOp::Neg => f64::from_bits(a.to_bits() ^ SIGN_BIT),
        FloatUnOp::Abs => f64::from_bits(a.to_bits() & !SIGN_BIT),
        FloatUnOp::Sqrt => sqrt(a),
    }
}

/// `ucomisd`-style comparison: unordered operands make everything false
/// except `Ne`.
pub fn cmp(op: FloatCmpOp, a: f64, b: f64) -> bool {
    match op {
        FloatCmpOp::Lt => a < b,
        FloatCmpOp::Le => a <= b,
        FloatCmpOp::Gt => a > b,
        FloatCmpOp::Ge => a >= b,
        FloatCmpOp::Eq => a == b,
        FloatCmpOp::Ne => a != b,
    }
}

/// `cvttsd2si`: truncate toward zero; NaN or out of range gives the word's
/// MIN ("integer indefinite").
pub fn to_int(x: f64, word: WordSize) -> i64 {
    match word {
        WordSize::W32 if x > -2_147_483_649.0 && x < 2_147_483_648.0 => x as i32 as i64,
        WordSize::W64
            if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&x) =>
        {
            x as i64
        }
        _ => word.int_min(),
    }
}

/// Correctly rounded square root with `sqrtsd`'s special cases: NaN in,
/// same NaN quieted out; `-0.0 -> -0.0`; negative -> default NaN.
pub fn sqrt(x: f64) -> f64 {
    if x.is_nan() {
        return quiet(x);
    }
    if x == 0.0 || x == f64::INFINITY {
        return x;
    }
    if x < 0.0 {
        return f64::from_bits(DEFAULT_NAN);
    }
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1 << 52) - 1);
    // x = mant * 2^exp with mant in [2^52, 2^53).
    let (mut mant, mut exp) = if biased == 0 {
        let shift = frac.leading_zeros() - 11;
        (frac << shift, -1074 - shift as i32)
    } else {
        (frac | (1 << 52), biased - 1075)
    };
    if exp & 1 != 0 {
        mant <<= 1;
        exp -= 1;
    }
    // root has 54 bits: 53 result bits and a round bit; rem is the sticky part.
    let (root, rem) = isqrt_rem(u128::from(mant) << 54);
    let mut m = (root >> 1) as u64;
    let round = root & 1 == 1;
    if round && (rem != 0 || m & 1 == 1) {
        m += 1;
    }
    let mut e = (exp - 54) / 2 + 1;
    if m == 1 << 53 {
        m >>= 1;
        e += 1;
    }
    f64::from_bits((((e + 1075) as u64) << 52) | (m & ((1 << 52) - 1)))
}

/// Integer square root and remainder, bit by bit.
fn isqrt_rem(n: u128) -> (u128, u128) {
    let mut rem = n;
    let mut root = 0u128;
    let mut bit = 1u128 << 126;
    while bit > n {
        bit >>= 2;
    }
    while bit != 0 {
        if rem >= root + bit {
            rem -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    (root, rem)
}
