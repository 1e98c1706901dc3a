-- Hot loops that call Lua functions, closures, methods, varargs and metamethods.
local function sq(x) return x * x end
local s = 0
for i = 1, 5000 do s = s + sq(i) end
print(s)
local function make_adder(k) return function(x) return x + k end end
local add3 = make_adder(3)
local t = 0
for i = 1, 5000 do t = add3(t) end
print(t)
local P = {}
P.__index = P
function P:step(d) self.pos = self.pos + d; return self end
local p = setmetatable({pos = 0}, P)
for i = 1, 5000 do p:step(i % 3) end
print(p.pos)
local function sum(...)
  local r = 0
  for i = 1, select("#", ...) do r = r + select(i, ...) end
  return r
end
local vs = 0
for i = 1, 2000 do vs = vs + sum(i, 1, 2) end
print(vs)
local V = {}
V.__add = function(a, b) return setmetatable({v = a.v + b.v}, V) end
local acc = setmetatable({v = 0}, V)
local one = setmetatable({v = 1}, V)
for i = 1, 3000 do acc = acc + one end
print(acc.v)
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
local fs = 0
for i = 1, 200 do fs = fs + fib(i % 15) end
print(fs)
local ok_count = 0
for i = 1, 2000 do
  local ok = pcall(function() if i % 400 == 0 then error("x") end end)
  if ok then ok_count = ok_count + 1 end
end
print(ok_count)
