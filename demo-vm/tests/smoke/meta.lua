local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x}, V) end
V.__sub = function(a, b) return setmetatable({x = a.x - b.x}, V) end
V.__mul = function(a, b) if type(b) == "number" then return setmetatable({x = a.x * b}, V) end return a.x * b.x end
V.__eq = function(a, b) return a.x == b.x end
V.__lt = function(a, b) return a.x < b.x end
V.__le = function(a, b) return a.x <= b.x end
V.__tostring = function(a) return "V(" .. a.x .. ")" end
V.__len = function(a) return a.x end
V.__call = function(self, y) return self.x + y end
V.__concat = function(a, b)
  local ax = type(a) == "table" and a.x or a
  local bx = type(b) == "table" and b.x or b
  return "cat:" .. ax .. ":" .. bx
end
V.__unm = function(a) return setmetatable({x = -a.x}, V) end
V.__idiv = function(a, b) return "idiv" end
V.__mod = function(a, b) return "mod" end
V.__div = function(a, b) return "div" end
V.__pow = function(a, b) return "pow" end
V.__band = function(a, b) return "band" end
V.__shl = function(a, b) return "shl" end
V.__bnot = function(a) return "bnot" end
local function v(x) return setmetatable({x = x}, V) end
local a, b = v(3), v(4)
print(tostring(a + b), tostring(a - b), a * b, tostring(a * 2))
print(a == v(3), a ~= b, a < b, a <= b, a > b, a >= b)
print(#a, a(10), a .. b, a .. "s", "s" .. a, 1 .. a)
print(tostring(-a), a // b, a % b, a / b, a ^ b, a & b, a << b, ~a)
local log = {}
local proxy = setmetatable({}, {
  __index = function(t, k) log[#log + 1] = "get " .. k return k:upper() end,
  __newindex = function(t, k, val) log[#log + 1] = "set " .. k rawset(t, k, val) end,
})
print(proxy.foo)
proxy.bar = 1
proxy.bar = 2
print(proxy.bar, table.concat(log, ","))
local chain = setmetatable({}, {__index = setmetatable({mid = "m"}, {__index = {deep = "d"}})})
print(chain.mid, chain.deep, chain.none)
local ro = setmetatable({}, {__newindex = function() error("read-only table", 2) end})
print(pcall(function() ro.x = 1 end))
print(getmetatable("abc").__index == string)
print(getmetatable(setmetatable({}, {__metatable = "locked"})))
print(pcall(setmetatable, setmetatable({}, {__metatable = 1}), {}))
print(rawget(proxy, "foo"), rawlen(setmetatable({1, 2}, {__len = function() return 9 end})))
print(#setmetatable({1, 2}, {__len = function() return 9 end}))
local named = setmetatable({}, {__name = "MyType"})
print(pcall(function() return named + 1 end))
print(pcall(function() return {} .. "x" end))
