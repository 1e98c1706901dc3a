-- Specialised instructions: constant-left arithmetic, integer-key table
-- access, constant stores, compare-with-immediate (integer and float), tests
-- that take their jump in place, and tail calls reusing the frame; each with
-- the metamethod and error paths that must see the operands in source order.
local mt = {}
mt.__add = function(a, b)
  return "add(" .. tostring(type(a) == "table" and "T" or a) .. "," .. tostring(type(b) == "table" and "T" or b) .. ")"
end
mt.__mul = function(a, b)
  return "mul(" .. tostring(type(a) == "table" and "T" or a) .. "," .. tostring(type(b) == "table" and "T" or b) .. ")"
end
mt.__lt = function(a, b)
  local x = type(a) == "table" and "T" or math.type(a)
  local y = type(b) == "table" and "T" or math.type(b)
  return x .. "<" .. y == "T<float" or x .. "<" .. y == "float<T"
end
mt.__le = function(a, b)
  return true
end
local t = setmetatable({}, mt)
print(2 + t, t + 2, 2.5 * t, t * 2.5, 3 * 4, 2.0 * 3, 1 + 2.5)
print(t < 4.0, 4.0 < t, t < 4, t > 4.0, t <= 1.0, t >= 1)
local x = 2.5
print(x < 3, x < 3.0, x > 2, x >= 2.5, x <= -1.0, 7 > 6.0, -0.0 < 0.0)
print(pcall(function() return 2 + {} end))
print(pcall(function() return 2.0 * nil end))
print(pcall(function() local s = "x" return s < 3.0 end))

local a = {}
a[1] = 10
a[2] = a[1] + 1
a[255] = "far"
a[256] = "farther"
a[0] = "zero"
print(a[1], a[2], a[255], a[256], a[0], a[3], #a)
local p = setmetatable({}, { __index = function(_, k) return "idx" .. k end, __newindex = function(tt, k, v) rawset(tt, k, v * 2) end })
p[1] = 21
print(p[1], p[2], p[7])
print(pcall(function() local n = nil return n[1] end))
print(pcall(function() local n = nil n[1] = 1 end))

local flags = {}
for i = 1, 5 do flags[i] = false end
flags[3] = true
flags[6] = "s"
flags[7] = 1.5
flags[8] = nil
print(flags[1], flags[3], flags[6], flags[7], flags[8], #flags)
local h = {}
h.k = "v"
h["k2"] = true
print(h.k, h.k2)

local count = 0
for i = 1, 20 do
  if i % 3 == 0 then count = count + 1 end
  if not (i < 10) then count = count + 100 end
end
print(count)

local function loop(n, acc)
  if n == 0 then return acc end
  return loop(n - 1, acc + n)
end
print(loop(100000, 0))
local function va(...) return select("#", ...) end
local function tail_va(n) if n > 0 then return tail_va(n - 1) end return va(1, nil, 3) end
print(tail_va(10))
local obj = { v = 3 }
function obj:get(d) if d > 0 then return self:get(d - 1) end return self.v end
print(obj:get(50))
