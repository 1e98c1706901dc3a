-- __len, __concat and __tostring (also __name-free tostring of tables via type()).
local L = setmetatable({1, 2, 3}, {__len = function() return 42 end})
print(#L, rawlen(L))
local S = {}
S.__concat = function(a, b)
  local av = type(a) == "table" and a.s or tostring(a)
  local bv = type(b) == "table" and b.s or tostring(b)
  return av .. "+" .. bv
end
local x = setmetatable({s = "X"}, S)
print(x .. "str", "str" .. x, x .. x, 1 .. x, x .. 2.5)
print("a" .. x .. "b")
local P = {__tostring = function(p) return "Point(" .. p.x .. ", " .. p.y .. ")" end}
local p = setmetatable({x = 1, y = 2}, P)
print(p, tostring(p))
print(string.format("%s", p))
local named = setmetatable({}, {__len = function(t) return "not a number" end})
print(#named)
local plain = {}
print(type(tostring(plain)), tostring(plain):sub(1, 6))
print(tostring(nil), tostring(true), tostring(12), tostring(1.5), tostring("s"))
print(pcall(function() return {} .. "x" end))
