-- Arithmetic metamethods, including __unm, __idiv, __mod, __pow and mixed operands.
local Vec = {}
Vec.__index = Vec
local function vec(x, y) return setmetatable({x = x, y = y}, Vec) end
Vec.__add = function(a, b) return vec(a.x + b.x, a.y + b.y) end
Vec.__sub = function(a, b) return vec(a.x - b.x, a.y - b.y) end
Vec.__mul = function(a, b)
  if type(a) == "number" then return vec(a * b.x, a * b.y) end
  if type(b) == "number" then return vec(a.x * b, a.y * b) end
  return a.x * b.x + a.y * b.y
end
Vec.__div = function(a, b) return vec(a.x / b, a.y / b) end
Vec.__mod = function(a, b) return vec(a.x % b, a.y % b) end
Vec.__idiv = function(a, b) return vec(a.x // b, a.y // b) end
Vec.__pow = function(a, b) return vec(a.x ^ b, a.y ^ b) end
Vec.__unm = function(a) return vec(-a.x, -a.y) end
Vec.__tostring = function(a) return "(" .. a.x .. "," .. a.y .. ")" end
local a, b = vec(1, 2), vec(3, 4)
print(tostring(a + b), tostring(a - b), a * b, tostring(a * 2), tostring(3 * b))
print(tostring(b / 2), tostring(b % 2), tostring(b // 2), tostring(a ^ 2), tostring(-a))
print(tostring(a + b + a), tostring(-(a - b) * 2))
local Num = {}
Num.__add = function(x, y)
  local xv = type(x) == "table" and x.v or x
  local yv = type(y) == "table" and y.v or y
  return xv + yv
end
local n = setmetatable({v = 10}, Num)
print(n + 1, 1 + n, n + n, n + 0.5, "5" + n)
local B = {}
B.__band = function() return "band" end
B.__bor = function() return "bor" end
B.__bxor = function() return "bxor" end
B.__shl = function() return "shl" end
B.__shr = function() return "shr" end
B.__bnot = function() return "bnot" end
local bb = setmetatable({}, B)
print(bb & 1, 1 | bb, bb ~ bb, bb << 1, 1 >> bb, ~bb)
print(pcall(function() return a + 1 end))
print(pcall(function() return {} + 1 end))
print(pcall(function() local t = {} return -t end))
local second = setmetatable({}, {__add = function() return "from second" end})
print({} + second, second + {})
