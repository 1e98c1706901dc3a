//! Statements: declarations, assignments, prints, control flow, and the
//! feature templates (closures, metatables, classes, pcall with errors).

use super::vocabulary::*;
use super::{CaseGen, Ty, Var, paren};

impl CaseGen<'_> {
    pub(super) fn statement(&mut self) {
        self.budget = self.budget.saturating_sub(1);
        let loops_ok = self.loop_depth < 2;
        match self.below(29) {
            0..=2 => {
                let ty = match self.below(10) {
                    0..=2 => Ty::Int,
                    3 => Ty::Float,
                    4..=5 => Ty::Str,
                    6 => Ty::Bool,
                    7 => Ty::IntArray,
                    8 => Ty::Obj,
                    _ => Ty::IntFn,
                };
                self.declare(ty);
            }
            3..=4 => self.assign(),
            5..=7 => {
                let n = 1 + self.below(3);
                let items: Vec<String> = (0..n).map(|_| self.printable()).collect();
                self.line(&format!("print({})", items.join(", ")));
            }
            8..=9 => self.if_statement(),
            10..=11 if loops_ok => self.numeric_for(),
            12 if loops_ok => self.while_loop(),
            13 if loops_ok => self.repeat_loop(),
            14 => self.array_ops(),
            15 => self.closure_counter(),
            16 => self.object_ops(),
            17..=18 => self.pcall_error(),
            19 => self.pcall_risky_arith(),
            20 if loops_ok => self.ipairs_loop(),
            21 if loops_ok => self.gmatch_loop(),
            22 => self.varargs(),
            23 => self.multiple_assignment(),
            24 => self.index_chain(),
            25 => self.class_ops(),
            26 if loops_ok => self.loop_near_limits(),
            27 => {
                let s = self.str_expr(2);
                let needle = self.pick(&["\"a\"", "\"b\"", "\" \"", "\"%\"", "\"1\"", "\"\""]);
                let init = self.small_int(-6, 8);
                self.line(&format!(
                    "print(\"find\", ({s}):find({needle}, {}, true))",
                    paren(init)
                ));
            }
            _ => {
                let e = self.printable();
                self.line(&format!("print(\"value\", {e})"));
            }
        }
    }

    pub(super) fn assign(&mut self) {
        let assignable: Vec<Var> = self
            .vars
            .iter()
            .filter(|v| v.assignable && matches!(v.ty, Ty::Int | Ty::Float | Ty::Str | Ty::Bool))
            .cloned()
            .collect();
        if assignable.is_empty() {
            return;
        }
        let var = assignable[self.below(assignable.len())].clone();
        let e = self.expr(var.ty, 2);
        if var.ty == Ty::Str {
            // Bounded, so that `s = s .. s` in nested loops cannot explode.
            self.line(&format!("{} = ({e}):sub(1, 40)", var.name));
        } else {
            self.line(&format!("{} = {e}", var.name));
        }
    }

    pub(super) fn if_statement(&mut self) {
        let c = self.bool_expr(2);
        self.line(&format!("if {c} then"));
        self.block(2);
        if self.chance(40) {
            let c2 = self.bool_expr(2);
            self.line(&format!("elseif {c2} then"));
            self.block(2);
        }
        if self.chance(50) {
            self.line("else");
            self.block(2);
        }
        self.line("end");
    }

    pub(super) fn loop_body(&mut self, statements: usize) {
        self.loop_depth += 1;
        self.block(statements);
        self.loop_depth -= 1;
    }

    pub(super) fn numeric_for(&mut self) {
        let i = self.fresh("i");
        if self.chance(25) {
            let (a, b, s) = *[
                ("0", "1", "0.25"),
                ("1", "0", "-0.5"),
                ("0.5", "3", "1"),
                ("1", "2", "0.1"),
            ]
            .get(self.below(4))
            .unwrap_or(&("0", "1", "0.5"));
            self.line(&format!("for {i} = {a}, {b}, {s} do"));
            self.indent += 1;
            self.line(&format!("print(\"f\", {i})"));
            self.indent -= 1;
            self.line("end");
            return;
        }
        let start = self.small_int(-3, 3);
        let stop = start + self.small_int(-1, 5);
        let step = *[1, 1, 1, 2, -1, 3].get(self.below(6)).unwrap_or(&1);
        let (start, stop) = if step < 0 {
            (stop, start)
        } else {
            (start, stop)
        };
        self.line(&format!(
            "for {i} = {}, {}, {} do",
            paren(start),
            paren(stop),
            paren(step)
        ));
        let mark = self.vars.len();
        self.vars.push(Var {
            name: i.clone(),
            ty: Ty::Int,
            assignable: false,
        });
        if self.chance(30) {
            self.indent += 1;
            self.line(&format!("if {i} % 2 == 0 then goto continue_{i} end"));
            self.indent -= 1;
            self.loop_body(2);
            self.line(&format!("  ::continue_{i}::"));
        } else {
            self.loop_body(2);
        }
        self.vars.truncate(mark);
        self.line("end");
    }

    pub(super) fn while_loop(&mut self) {
        let c = self.fresh("c");
        let n = self.small_int(0, 4);
        self.line(&format!("local {c} = 0"));
        self.line(&format!("while {c} < {n} do"));
        self.line(&format!("  {c} = {c} + 1"));
        let mark = self.vars.len();
        self.loop_body(2);
        self.vars.truncate(mark);
        if self.chance(30) {
            self.line(&format!("  if {c} == 2 then break end"));
        }
        self.line("end");
        self.line(&format!("print(\"while\", {c})"));
    }

    pub(super) fn repeat_loop(&mut self) {
        let c = self.fresh("r");
        let n = self.small_int(1, 4);
        self.line(&format!("local {c} = 0"));
        self.line("repeat");
        let inner = self.fresh("u");
        self.line(&format!("  local {inner} = {c} * 2"));
        self.line(&format!("  {c} = {c} + 1"));
        self.loop_body(1);
        self.line(&format!("until {inner} >= {} or {c} >= {n}", n * 2 - 2));
        self.line(&format!("print(\"repeat\", {c})"));
    }

    pub(super) fn ipairs_loop(&mut self) {
        let Some(a) = self.var_of(Ty::IntArray) else {
            return;
        };
        let (k, v, acc) = (self.fresh("k"), self.fresh("e"), self.fresh("acc"));
        self.line(&format!("local {acc} = 0"));
        self.line(&format!("for {k}, {v} in ipairs({a}) do"));
        self.line(&format!("  {acc} = {acc} + {k} * {v}"));
        if self.chance(30) {
            self.line(&format!("  if {k} >= 3 then break end"));
        }
        self.line("end");
        self.line(&format!("print(\"ipairs\", {acc})"));
    }

    pub(super) fn gmatch_loop(&mut self) {
        let s = self.str_expr(2);
        let w = self.fresh("w");
        let pat = self.pick(&["\"%a+\"", "\"%d\"", "\"[^,]+\"", "\"(%w)\"", "\".\""]);
        let n = self.fresh("n");
        self.line(&format!("local {n} = 0"));
        self.line(&format!("for {w} in ({s}):gmatch({pat}) do"));
        self.line(&format!("  {n} = {n} + 1"));
        self.line(&format!("  if {n} <= 5 then print(\"m\", {w}) end"));
        self.line("end");
    }

    pub(super) fn array_ops(&mut self) {
        let Some(a) = self.var_of(Ty::IntArray) else {
            self.declare(Ty::IntArray);
            return;
        };
        match self.below(7) {
            0 => {
                let e = self.int_expr(2);
                self.line(&format!("{a}[#{a} + 1] = {e}"));
            }
            1 => {
                let e = self.int_expr(2);
                self.line(&format!("table.insert({a}, {e})"));
            }
            2 => {
                let e = self.int_expr(1);
                self.line(&format!("table.insert({a}, 1, {e})"));
            }
            3 => self.line(&format!("print(\"removed\", table.remove({a}), #{a})")),
            4 => {
                if self.chance(50) {
                    self.line(&format!("table.sort({a})"));
                } else {
                    self.line(&format!("table.sort({a}, function(x, y) return x > y end)"));
                }
                self.line(&format!("print(\"sorted\", table.concat({a}, \" \"))"));
            }
            5 => self.line(&format!("print(\"unpack\", table.unpack({a}))")),
            _ => self.line(&format!(
                "print(\"len\", #{a}, select(\"#\", table.unpack({a})))"
            )),
        }
    }

    pub(super) fn closure_counter(&mut self) {
        let mk = self.fresh("mk");
        let cnt = self.fresh("cnt");
        let start = self.int_expr(1);
        let step = self.int_expr(1);
        self.line(&format!("local function {mk}(n)"));
        self.line("  return function(d) n = n + d; return n end");
        self.line("end");
        self.line(&format!("local {cnt} = {mk}({start})"));
        let other = self.fresh("cnt");
        self.line(&format!("local {other} = {mk}(0)"));
        self.line(&format!(
            "print(\"counter\", {cnt}({step}), {cnt}(1), {other}(5), {cnt}(0))"
        ));
        if self.chance(50) {
            let fs = self.fresh("fs");
            self.line(&format!("local {fs} = {{}}"));
            let factor = self.int_expr(1);
            self.line(&format!(
                "for j = 1, 3 do {fs}[j] = function() return j * {factor} end end"
            ));
            self.line(&format!(
                "print(\"captured\", {fs}[1](), {fs}[2](), {fs}[3]())"
            ));
        }
    }

    pub(super) fn object_ops(&mut self) {
        let a = match self.var_of(Ty::Obj) {
            Some(a) => a,
            None => self.declare(Ty::Obj),
        };
        let b = self.declare(Ty::Obj);
        match self.below(5) {
            0 => self.line(&format!(
                "print(\"obj\", {a} + {b}, {a} - {b}, {a} * 2, -{a})"
            )),
            1 => self.line(&format!(
                "print(\"cmp\", {a} == {b}, {a} < {b}, {a} <= {b}, {a} > {b}, {a} ~= {b})"
            )),
            2 => self.line(&format!(
                "print(\"cat\", {a} .. \"|\" .. {b}, #{a}, {a}.nokey)"
            )),
            3 => {
                let e = self.int_expr(2);
                self.line(&format!("{a}.v = {e}"));
                self.line(&format!(
                    "print(\"set\", {a}.v, rawget({a}, \"v\"), rawget({a}, \"w\"))"
                ));
            }
            _ => self.line(&format!("print(\"call\", {a}(1), {b}({a}.v))")),
        }
    }

    pub(super) fn pcall_error(&mut self) {
        let id = self.fresh("g");
        let text = match self.below(17) {
            0 => "print(pcall(function() local z = nil; return z.f end))".to_string(),
            1 => format!("print(pcall(function() return undefined_{id}.f end))"),
            2 => "print(pcall(function() local t = {}; return t.a.b end))".to_string(),
            3 => format!(
                "print(pcall(function() local t = {{}}; return t * {} end))",
                self.int_expr(1)
            ),
            4 => format!("print(pcall(function() missing_{id}() end))"),
            5 => format!(
                "print(pcall(function() return {} < \"x\" end))",
                self.int_expr(1)
            ),
            6 => format!(
                "print(pcall(function() local t = {{}}; return {} .. t end))",
                self.str_expr(1)
            ),
            7 => format!(
                "print(pcall(function() local zero = 0; return {} // zero end))",
                self.int_expr(1)
            ),
            8 => format!(
                "print(pcall(function() local zero = 0; return {} % zero end))",
                self.int_expr(1)
            ),
            9 => format!(
                "print(pcall(function() local h = 1.5; return h | {} end))",
                self.int_expr(1)
            ),
            10 => format!("print(pcall(error, {}))", self.str_expr(1)),
            11 => format!("print(pcall(function() error({}) end))", self.str_expr(1)),
            12 => format!(
                "print(pcall(function() error({}, 0) end))",
                self.str_expr(1)
            ),
            13 => {
                let c = self.int_expr(1);
                format!(
                    "do local ok, e = pcall(function() error({{code = {c}}}) end); print(ok, type(e), e.code) end"
                )
            }
            14 => format!(
                "print(pcall(function() assert({}, {}) return \"passed\" end))",
                self.bool_expr(1),
                self.str_expr(1)
            ),
            15 => "print(pcall(function() local n; return #n end))".to_string(),
            _ => format!(
                "print(select(\"#\", pcall(error)), pcall(function() error({}) end))",
                self.int_expr(1)
            ),
        };
        self.line(&text);
    }

    pub(super) fn pcall_risky_arith(&mut self) {
        // Divisors may be zero here: integer // and % by zero raise an error.
        let a = self.int_expr(2);
        let b = self.int_expr(1);
        let op = self.pick(&["//", "%"]);
        self.line(&format!(
            "print(\"risky\", pcall(function() return {a} {op} {b} end))"
        ));
    }

    pub(super) fn varargs(&mut self) {
        let f = self.fresh("va");
        self.line(&format!("local function {f}(...)"));
        self.line("  local a, b = ...");
        self.line("  return select(\"#\", ...), a, b, select(-1, ...)");
        self.line("end");
        let x = self.printable();
        let y = self.printable();
        let call = match self.below(3) {
            0 => format!("{f}({x})"),
            1 => format!("{f}({x}, nil, {y})"),
            _ => format!("{f}({x}, {y}, {f}(1, 2))"),
        };
        self.line(&format!("print(\"va\", {call})"));
    }

    pub(super) fn multiple_assignment(&mut self) {
        let ints: Vec<String> = self
            .vars
            .iter()
            .filter(|v| v.assignable && v.ty == Ty::Int)
            .map(|v| v.name.clone())
            .collect();
        if ints.len() < 2 {
            return;
        }
        let a = ints[self.below(ints.len())].clone();
        let b = ints[self.below(ints.len())].clone();
        let e = self.int_expr(1);
        self.line(&format!("{a}, {b} = {b}, {a} + {e}"));
        self.line(&format!("print(\"swap\", {a}, {b})"));
    }

    pub(super) fn class_ops(&mut self) {
        let c = self.fresh("inst");
        let v = self.int_expr(1);
        if self.chance(50) {
            self.line(&format!("local {c} = Counter.new({v})"));
        } else {
            let k = self.small_int(-3, 3);
            self.line(&format!("local {c} = Scaled.new({v}, {})", paren(k)));
        }
        let (a, b) = (self.int_expr(1), self.int_expr(1));
        self.line(&format!("{c}:add({a}):add({b})"));
        self.line(&format!("print(\"class\", {c}:get(), {c}.calls, {c}.v == {c}:get(), getmetatable({c}) == Counter)"));
    }

    pub(super) fn loop_near_limits(&mut self) {
        let n = self.fresh("n");
        let k = self.small_int(0, 4);
        let (header, limit) = if self.chance(50) {
            (
                format!("math.maxinteger - {k}"),
                "math.maxinteger".to_string(),
            )
        } else {
            (
                format!("math.mininteger + {k}"),
                "math.mininteger, -1".to_string(),
            )
        };
        let i = self.fresh("i");
        self.line(&format!("local {n} = 0"));
        self.line(&format!("for {i} = {header}, {limit} do {n} = {n} + 1 end"));
        self.line(&format!("print(\"limits\", {n})"));
    }

    pub(super) fn index_chain(&mut self) {
        let base = self.fresh("base");
        let derived = self.fresh("derived");
        let key = self.pick(KEYS);
        let e = self.str_expr(2);
        let n = self.int_expr(1);
        self.line(&format!("local {base} = {{{key} = {e}, n = {n}}}"));
        self.line(&format!(
            "local {derived} = setmetatable({{}}, {{__index = {base}}})"
        ));
        let leaf = self.fresh("leaf");
        self.line(&format!(
            "local {leaf} = setmetatable({{}}, {{__index = {derived}, __newindex = function(t, k, v) rawset(t, k, v .. \"!\") end}})"
        ));
        self.line(&format!("{leaf}.added = \"new\""));
        self.line(&format!(
            "print(\"chain\", {leaf}.{key}, {leaf}.n, {leaf}.added, rawget({leaf}, \"{key}\"), {derived}.missing)"
        ));
    }
}
