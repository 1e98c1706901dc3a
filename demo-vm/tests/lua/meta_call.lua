-- __call makes tables callable; arguments and results pass through.
local callable = setmetatable({name = "adder"}, {__call = function(self, a, b) return self.name, a + b end})
print(callable(2, 3))
local multi = setmetatable({}, {__call = function(_, ...) return select("#", ...), ... end})
print(multi())
print(multi(1, nil, 3))
local Class = setmetatable({}, {__call = function(cls, v) return {value = v, cls = cls} end})
local inst = Class(9)
print(inst.value, inst.cls == Class)
local memo = setmetatable({}, {__call = function(self, n)
  if self[n] then return self[n] end
  local r = n < 2 and n or self(n - 1) + self(n - 2)
  self[n] = r
  return r
end})
print(memo(50))
print(pcall(function() local t = setmetatable({}, {}); return t() end))
local nested = setmetatable({}, {__call = setmetatable({}, {__call = function(a, b, c) return "nested call" end})})
print(pcall(nested, 1))
print(type(callable), pcall(callable, 1, 2))
