//! Expressions by static type: each stays well-typed where it can and
//! never divides by a possibly-zero value outside `pcall`.

use super::vocabulary::*;
use super::{CaseGen, Ty, paren, paren_negative};

impl CaseGen<'_> {
    pub(super) fn expr(&mut self, ty: Ty, depth: usize) -> String {
        match ty {
            Ty::Int => self.int_expr(depth),
            Ty::Float => self.float_expr(depth),
            Ty::Str => self.str_expr(depth),
            Ty::Bool => self.bool_expr(depth),
            Ty::IntArray | Ty::Obj | Ty::IntFn => {
                self.var_of(ty).unwrap_or_else(|| "nil".to_string())
            }
        }
    }

    pub(super) fn int_leaf(&mut self) -> String {
        match self.below(10) {
            0..=3 => self.var_of(Ty::Int).unwrap_or_else(|| "5".to_string()),
            4..=6 => paren(self.small_int(-10, 100)),
            _ => self.pick(INT_LITERALS),
        }
    }

    pub(super) fn int_expr(&mut self, depth: usize) -> String {
        if depth == 0 || self.chance(25) {
            return self.int_leaf();
        }
        let d = depth - 1;
        match self.below(23) {
            0..=2 => format!("({} + {})", self.int_expr(d), self.int_expr(d)),
            3..=4 => format!("({} - {})", self.int_expr(d), self.int_expr(d)),
            5..=6 => format!("({} * {})", self.int_expr(d), self.int_expr(d)),
            7 => format!(
                "({} // {})",
                self.int_expr(d),
                self.pick(NONZERO_INT_DIVISORS)
            ),
            8 => format!(
                "({} % {})",
                self.int_expr(d),
                self.pick(NONZERO_INT_DIVISORS)
            ),
            9 => {
                let op = self.pick(&["&", "|", "~"]);
                format!("({} {op} {})", self.int_expr(d), self.int_expr(d))
            }
            10 => {
                let op = self.pick(&["<<", ">>"]);
                let amount = if self.chance(70) {
                    self.small_int(0, 70).to_string()
                } else {
                    self.int_expr(d)
                };
                format!("({} {op} {})", self.int_expr(d), paren_negative(amount))
            }
            11 => format!("(-{})", self.int_expr(d)),
            12 => format!("(~{})", self.int_expr(d)),
            13 => {
                let f = self.pick(&["math.max", "math.min"]);
                format!("{f}({}, {})", self.int_expr(d), self.int_expr(d))
            }
            14 => format!("#{}", self.str_expr(d)),
            15 => match self.var_of(Ty::IntArray) {
                Some(a) => {
                    if self.chance(50) {
                        format!("#{a}")
                    } else {
                        format!("({a}[{}] or 0)", self.small_int(1, 4))
                    }
                }
                None => "0".to_string(),
            },
            16 => format!(
                "({} and {} or {})",
                self.bool_expr(d),
                self.int_expr(d),
                self.int_expr(d)
            ),
            17 => format!(
                "(({}):byte({}) or 0)",
                self.str_expr(d),
                self.small_int(-3, 3)
            ),
            18 => match self.var_of(Ty::Obj) {
                Some(o) => match self.below(4) {
                    0 => format!("{o}.v"),
                    1 => format!("({o} + {})", self.int_expr(d)),
                    2 => format!("#{o}"),
                    _ => format!("{o}({})", self.int_expr(d)),
                },
                None => "1".to_string(),
            },
            19 => match self.var_of(Ty::IntFn) {
                Some(f) => format!("{f}({}, {})", self.int_expr(d), self.int_expr(d)),
                None => "2".to_string(),
            },
            20 => format!("math.abs({})", self.int_expr(d)),
            21 => {
                if self.chance(50) {
                    // May be a float ("3.5", "1e2"): the type drifts, which is fine.
                    format!("tonumber({})", self.pick(NUMERIC_STRINGS))
                } else {
                    let digits = self.pick(&["\"ff\"", "\"777\"", "\"zz\"", "\"101\"", "\"-11\""]);
                    format!("(tonumber({digits}, {}) or 0)", self.small_int(2, 36))
                }
            }
            _ => format!(
                "({} + {})",
                self.pick(&["\"10\"", "\"0x10\"", "\" 7 \"", "\"-2\""]),
                self.int_expr(d)
            ),
        }
    }

    pub(super) fn float_expr(&mut self, depth: usize) -> String {
        if depth == 0 || self.chance(25) {
            return match self.below(3) {
                0 => self.var_of(Ty::Float).unwrap_or_else(|| "2.5".to_string()),
                _ => self.pick(FLOAT_LITERALS),
            };
        }
        let d = depth - 1;
        match self.below(14) {
            0..=1 => format!("({} + {})", self.float_expr(d), self.float_expr(d)),
            2 => format!("({} - {})", self.float_expr(d), self.int_expr(d)),
            3 => format!("({} * {})", self.float_expr(d), self.float_expr(d)),
            4 => format!(
                "({} / {})",
                self.float_expr(d),
                self.pick(NONZERO_FLOAT_DIVISORS)
            ),
            5 => format!(
                "({} / {})",
                self.int_expr(d),
                self.pick(NONZERO_INT_DIVISORS)
            ),
            6 => format!(
                "({} // {})",
                self.float_expr(d),
                self.pick(NONZERO_FLOAT_DIVISORS)
            ),
            7 => format!(
                "({} % {})",
                self.float_expr(d),
                self.pick(NONZERO_FLOAT_DIVISORS)
            ),
            8 => format!("({} ^ 2)", self.float_expr(d)),
            9 => format!("(-{})", self.float_expr(d)),
            10 => format!("({} + 0.0)", self.int_expr(d)),
            11 => {
                let f = self.pick(&["math.max", "math.min"]);
                format!("{f}({}, {})", self.float_expr(d), self.float_expr(d))
            }
            12 => format!("math.abs({})", self.float_expr(d)),
            _ => format!(
                "({} * {})",
                self.pick(&["\"3.5\"", "\"1e2\"", "\"0.25\""]),
                self.float_expr(d)
            ),
        }
    }

    pub(super) fn str_expr(&mut self, depth: usize) -> String {
        if depth == 0 || self.chance(25) {
            return match self.below(3) {
                0 => self.var_of(Ty::Str).unwrap_or_else(|| "\"s\"".to_string()),
                _ => self.pick(STR_LITERALS),
            };
        }
        let d = depth - 1;
        match self.below(20) {
            0..=2 => format!("({} .. {})", self.str_expr(d), self.str_expr(d)),
            3 => format!("({} .. {})", self.str_expr(d), self.int_expr(d)),
            4 => format!("({} .. {})", self.int_expr(d), self.str_expr(d)),
            5 => {
                let m = self.pick(&["upper", "lower", "reverse"]);
                format!("({}):{m}()", self.str_expr(d))
            }
            6 => format!("({}):rep({})", self.str_expr(d), self.small_int(0, 3)),
            7 => format!(
                "({}):rep({}, \",\")",
                self.str_expr(d),
                self.small_int(0, 3)
            ),
            8 => format!(
                "({}):sub({}, {})",
                self.str_expr(d),
                self.small_int(-5, 5),
                self.small_int(-5, 5)
            ),
            9 => format!("tostring({})", self.int_expr(d)),
            10 => format!("tostring(fin({}))", self.float_expr(d)),
            11 => format!(
                "string.format(\"%d|%s\", {}, {})",
                self.int_expr(d),
                self.str_expr(d)
            ),
            12 => {
                let fmt = self.pick(&["%5.2f", "%.3f", "%g", "%.1e", "%10.4g", "%-8.1f|"]);
                format!("string.format(\"{fmt}\", fin({}))", self.float_expr(d))
            }
            13 => {
                let fmt = self.pick(&["%x", "%5d", "%-5d|", "%05d", "%+d", "%X"]);
                format!("string.format(\"{fmt}\", {})", self.int_expr(d))
            }
            14 => format!(
                "(({}):gsub({}, {}))",
                self.str_expr(d),
                self.pick(PATTERNS),
                self.pick(REPLACEMENTS)
            ),
            15 => format!(
                "(({}):match({}) or \"none\")",
                self.str_expr(d),
                self.pick(PATTERNS)
            ),
            16 => match self.var_of(Ty::IntArray) {
                Some(a) => format!("table.concat({a}, \",\")"),
                None => "\"no array\"".to_string(),
            },
            17 => format!("string.char({})", self.small_int(65, 90)),
            18 => match self.var_of(Ty::Obj) {
                Some(o) => {
                    if self.chance(50) {
                        format!("({o} .. {})", self.str_expr(d))
                    } else {
                        format!("{o}.{}", self.pick(KEYS))
                    }
                }
                None => "\"no obj\"".to_string(),
            },
            _ => format!("tostring({})", self.bool_expr(d)),
        }
    }

    pub(super) fn bool_expr(&mut self, depth: usize) -> String {
        if depth == 0 || self.chance(15) {
            return match self.below(3) {
                0 => self.var_of(Ty::Bool).unwrap_or_else(|| "true".to_string()),
                1 => "true".to_string(),
                _ => "false".to_string(),
            };
        }
        let d = depth - 1;
        let cmp = self.pick(&["<", "<=", ">", ">=", "==", "~="]);
        match self.below(12) {
            0..=2 => format!("({} {cmp} {})", self.int_expr(d), self.int_expr(d)),
            3 => format!("({} {cmp} {})", self.float_expr(d), self.int_expr(d)),
            4 => format!("({} {cmp} {})", self.str_expr(d), self.str_expr(d)),
            5 => format!("(not {})", self.bool_expr(d)),
            6 => {
                let op = self.pick(&["and", "or"]);
                format!("({} {op} {})", self.bool_expr(d), self.bool_expr(d))
            }
            7 => format!(
                "(({}):find({}, 1, true) ~= nil)",
                self.str_expr(d),
                self.pick(&["\"a\"", "\"b\"", "\" \"", "\"%\"", "\"1\""])
            ),
            8 => match (self.var_of(Ty::Obj), self.var_of(Ty::Obj)) {
                (Some(a), Some(b)) => format!("({a} {cmp} {b})"),
                _ => "false".to_string(),
            },
            9 => format!("(math.type({}) == \"integer\")", self.float_or_int(d)),
            10 => format!("rawequal({}, {})", self.str_expr(d), self.str_expr(d)),
            _ => format!("({} == {})", self.int_expr(d), self.float_expr(d)),
        }
    }

    pub(super) fn float_or_int(&mut self, depth: usize) -> String {
        if self.chance(50) {
            self.int_expr(depth)
        } else {
            self.float_expr(depth)
        }
    }

    pub(super) fn printable(&mut self) -> String {
        let ty = match self.below(9) {
            0..=2 => Ty::Int,
            3..=4 => Ty::Float,
            5..=7 => Ty::Str,
            _ => Ty::Bool,
        };
        let e = self.expr(ty, 3);
        format!("show({e})")
    }
}
