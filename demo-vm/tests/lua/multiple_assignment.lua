-- Multiple assignment evaluates all expressions before assigning.
local a, b = 1, 2
a, b = b, a
print(a, b)
local t = {1, 2, 3}
local i = 1
i, t[i] = i + 1, "changed"
print(i, t[1], t[2])
local x, y, z = 1, 2, 3
x, y, z = z, x, y
print(x, y, z)
local p = {}
p.a, p.b, p.c = "A", "B"
print(p.a, p.b, p.c)
local m, n = (function() return 10, 20 end)()
print(m, n)
local q = {10, 20, 30}
local k = 1
k, q[k + 1] = 3, "second"
print(k, q[1], q[2], q[3])
local f1, f2, f3 = 0
print(f1, f2, f3)
local s = {}
s[1], s[2], s[3] = "x", "y"
print(s[1], s[2], s[3], #s)
local v1, v2 = 1, 2
v1, v2 = v1 + v2, v1 - v2
print(v1, v2)
local g = 5
local h = g
g = 6
print(g, h)
local fib = {1, 1}
for j = 3, 10 do fib[j] = fib[j - 1] + fib[j - 2] end
print(table.concat(fib, " "))
local aa, bb = 0, 1
for _ = 1, 10 do aa, bb = bb, aa + bb end
print(aa, bb)
