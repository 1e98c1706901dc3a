# Random Lua program generator for differential testing against lua5.4.
# Usage: python3 diff_fuzz_gen.py SEED > prog.lua  (see diff_fuzz.sh)
import random, sys
R = random.Random(int(sys.argv[1]))
names = ["a", "b", "c", "t", "s"]
def atom(d):
    c = R.randint(0, 9)
    if c == 0: return str(R.randint(-5, 20))
    if c == 1: return R.choice(["1.5", "0.25", "-2.0", "3"])
    if c == 2: return R.choice(['"x"', '"10"', '"ab"'])
    if c == 3: return R.choice(["nil", "true", "false"])
    if c == 4: return R.choice(names)
    if c == 5 and d < 3: return "(" + expr(d + 1) + ")"
    if c == 6 and d < 3: return "f(" + expr(d + 1) + ", " + expr(d + 1) + ")"
    if c == 7 and d < 3: return "{" + expr(d + 1) + ", " + expr(d + 1) + ", k = " + expr(d + 1) + "}"
    if c == 8: return R.choice(["t[" + str(R.randint(1, 4)) + "]", "#t", "tostring(a)", "(s):upper()", "select(\"#\", 1, nil)", "math.floor(b)", "string.rep(\"z\", 2)", "mt.v", "(mt + 1)", "table.concat(t, \",\")"])
    return R.choice(names)
def expr(d=0):
    if d > 3 or R.random() < 0.4: return atom(d)
    op = R.choice(["+", "-", "*", "/", "//", "%", "..", "==", "~=", "<", "<=", ">", ">=", "and", "or", "&", "|", "~", "<<", ">>", "^"])
    if R.random() < 0.15: return R.choice(["not ", "-", "#"]) + atom(d + 1)
    return expr(d + 1) + " " + op + " " + expr(d + 1)
def stmt(d=0):
    c = R.randint(0, 9)
    n = R.choice(names)
    if c <= 2: return f"{n} = {expr()}"
    if c == 3: return f"t[{R.randint(1,4)}] = {expr()}"
    if c == 4 and d < 2: return f"if {expr()} then {block(d+1)} else {block(d+1)} end"
    if c == 5 and d < 2: return f"for i = 1, {R.randint(0,3)} do {block(d+1)} end"
    if c == 6 and d < 2: return f"do local {n} = {expr()} {block(d+1)} end"
    if c == 7: return f"a, b = {expr()}, {expr()}"
    if c == 8 and d < 2: return f"local function g() {block(d+1)} return {expr()} end {n} = g()"
    return f"p({expr()})"
def block(d):
    return " ".join(stmt(d) for _ in range(R.randint(1, 3)))
prog = ["local a, b, c, s = 1, 2.5, 'q', 'str'", "local t = {1, 2, 3}",
        "local function f(x, y) return x end", "local mt = setmetatable({v = 3}, {__add = function(x, y) return 7 end, __index = function(_, k) return k end})",
        "local function p(v) print(type(v), math.type(v), v) end"]
for _ in range(8):
    prog.append("do local ok, e = pcall(function() " + stmt() + " end) if not ok then print('E', e) end end")
print("\n".join(prog))
