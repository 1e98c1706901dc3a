-- Table constructors: positional, keyed, computed keys, trailing separators, nesting.
local t = {10, 20, 30}
print(#t, t[1], t[2], t[3], t[4])
local k = {x = 1, y = 2, ["z w"] = 3, [1 + 1] = "two", [3.0] = "three"}
print(k.x, k.y, k["z w"], k[2], k[3], k[3.0])
local mixed = {"a", "b", key = "v", "c"; "d", [10] = "ten",}
print(#mixed, mixed[1], mixed[4], mixed.key, mixed[10])
local function three() return 1, 2, 3 end
local m1 = {three()}
local m2 = {three(), three()}
local m3 = {three(), "x"}
local m4 = {(three())}
print(#m1, #m2, #m3, #m4, m3[1], m3[2])
local e = {}
print(#e, next(e), type(e))
local n = {[1] = "a", [2] = "b", [3] = "c"}
print(#n, n[1] .. n[2] .. n[3])
local f = {[1.5] = "float key", [-1] = "neg", [0] = "zero"}
print(f[1.5], f[-1], f[0], f[2 ^ 53])
f[2 ^ 53] = "big"
print(f[2 ^ 53], f[9007199254740992])
local over = {1, 2, [2] = "explicit"}
print(over[2])
local s = {"x", "y", "z", n = 3}
print(s.n, #s)
t[#t + 1] = 40
print(#t, t[4])
t.field = nil
print(t.field, rawlen(t))
local bools = {[true] = "yes", [false] = "no"}
print(bools[true], bools[false], bools[1 == 1])
print(pcall(function() local x = {}; x[nil] = 1 end))
print(pcall(function() local x = {}; x[0 / 0] = 1 end))
local nk = {}
print(nk[nil])
