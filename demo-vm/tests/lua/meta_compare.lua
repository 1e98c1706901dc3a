-- __eq, __lt and __le metamethods.
local V = {}
V.__index = V
V.__eq = function(a, b) return a.v == b.v end
V.__lt = function(a, b) return a.v < b.v end
V.__le = function(a, b) return a.v <= b.v end
local function new(v) return setmetatable({v = v}, V) end
local a, b, c = new(1), new(2), new(1)
print(a == c, a ~= c, a == b, a ~= b, rawequal(a, c))
print(a < b, b < a, a <= c, b <= a, a > b, b >= a)
local list = {new(5), new(3), new(9), new(1)}
table.sort(list)
local out = {}
for i, x in ipairs(list) do out[i] = x.v end
print(table.concat(out, " "))
local other = setmetatable({v = 1}, {__eq = function() return true end})
print(a == other, other == a, a == 1, 1 == a)
local calls = 0
local E = {__eq = function() calls = calls + 1; return 1 end}
local e1, e2 = setmetatable({}, E), setmetatable({}, E)
print(e1 == e1, calls, e1 == e2, calls, e1 ~= e2)
local Lt = {__lt = function(x, y) return "yes" end}
local l1, l2 = setmetatable({}, Lt), setmetatable({}, Lt)
print(l1 < l2, l1 > l2)
local mixed = setmetatable({}, {__lt = function(x, y)
  local xv = type(x) == "table" and 100 or x
  local yv = type(y) == "table" and 100 or y
  return xv < yv
end})
print(mixed < 200, 50 < mixed, pcall(function() return mixed < "s" end))
