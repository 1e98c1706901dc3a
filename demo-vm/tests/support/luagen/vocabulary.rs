//! The literal vocabulary the generator draws from (as Lua source text):
//! values chosen to hit edge cases such as the integer limits, negative
//! zero, escapes and numeric strings. Negative literals are parenthesised
//! so that `a - -1` can never be printed as the comment `a--1`.

/// Integer literals, including both limits and values around 2^31.
#[rustfmt::skip]
pub(super) const INT_LITERALS: &[&str] = &[
    "0", "1", "2", "3", "7", "10", "42", "100", "255", "1000", "65536", "(-1)", "(-7)", "(-100)",
    "math.maxinteger", "math.mininteger", "0x7fffffffffffffff", "0xff", "2147483648", "(-2147483649)",
];

/// Float literals, including negative zero and values printed with exponents.
#[rustfmt::skip]
pub(super) const FLOAT_LITERALS: &[&str] = &[
    "0.5", "1.5", "(-2.25)", "3.0", "1e3", "2.5e-2", "0.1", "100.125", "1e15", "123456.789", "(-0.0)",
    "7.75", "1e-3",
];

/// Divisors for `//` and `%` outside `pcall`: never zero.
#[rustfmt::skip]
pub(super) const NONZERO_INT_DIVISORS: &[&str] = &["1", "2", "3", "7", "(-1)", "(-3)", "16", "1000"];

/// Float divisors for `/`, `//` and `%`: never zero, so no NaN appears.
#[rustfmt::skip]
pub(super) const NONZERO_FLOAT_DIVISORS: &[&str] = &["0.5", "2.0", "(-4.0)", "3.0", "0.25", "10.0"];

/// String literals with escapes (`\n`, `\t`, decimal, hex and UTF-8 escapes).
#[rustfmt::skip]
pub(super) const STR_LITERALS: &[&str] = &[
    "\"\"", "\"a\"", "\"abc\"", "\"Hello\"", "\"x y z\"", "\"lua\\n\"", "\"tab\\there\"", "\"123\"",
    "\"0x1F\"", "\"  7  \"", "\"a,b,c\"", "\"%d\"", "\"\\65\\x42\\u{43}\"", "'quote\"s'", "\"3.5\"",
    "\"MiXeD case\"", "\"aaa\"", "\"one two three\"",
];

/// Strings that convert to numbers (integers, floats, hex, padded).
#[rustfmt::skip]
pub(super) const NUMERIC_STRINGS: &[&str] = &["\"10\"", "\"3.5\"", "\"0x10\"", "\" 7 \"", "\"-2\"", "\"1e2\""];

/// Valid patterns for `match`, `gsub` and friends (classes, sets, anchors,
/// lazy repetition, captures and back-references).
#[rustfmt::skip]
pub(super) const PATTERNS: &[&str] = &[
    "\"%a+\"", "\"%d+\"", "\"a\"", "\"(%w)(%w)\"", "\"^%s*(.-)%s*$\"", "\"[aeiou]\"", "\"%s\"", "\"l+\"",
    "\"(%a)%1\"", "\".\"", "\"%u\"", "\"[^,]+\"",
];

/// `gsub` replacement strings valid for every pattern above.
#[rustfmt::skip]
pub(super) const REPLACEMENTS: &[&str] = &["\"\"", "\"<%0>\"", "\"%1%1\"", "\"-\"", "\"[%%]\""];

/// Field names for objects and `__index` chains.
#[rustfmt::skip]
pub(super) const KEYS: &[&str] = &["alpha", "beta", "gamma", "key1", "x"];
