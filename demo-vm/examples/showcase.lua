-- A tour of the Lua subset demo-vm runs: closures, metatables, string
-- patterns, integer/float arithmetic and a little number crunching.

local Vec = {}
Vec.__index = Vec
function Vec.new(x, y) return setmetatable({x = x, y = y}, Vec) end
function Vec.__add(a, b) return Vec.new(a.x + b.x, a.y + b.y) end
function Vec.__tostring(v) return string.format("(%g, %g)", v.x, v.y) end
function Vec:len() return math.sqrt(self.x * self.x + self.y * self.y) end

local p = Vec.new(3, 4) + Vec.new(0.5, -1)
print("vector", tostring(p), string.format("%.3f", p:len()))

local function counter()
  local n = 0
  return function() n = n + 1; return n end
end
local c = counter()
c(); c()
print("counter", c())

local words = {}
for w in ("the quick brown fox jumps over the lazy dog"):gmatch("%a+") do
  words[#words + 1] = w:upper()
end
table.sort(words)
print("words", table.concat(words, " "))

-- Integer arithmetic wraps; `/` is always float, `//` floors.
print("ints", math.maxinteger + 1 == math.mininteger, 7 // -2, 7 % -2, 7 / 2)

-- Sieve of Eratosthenes.
local N, sieve, count = 100000, {}, 0
for i = 2, N do
  if not sieve[i] then
    count = count + 1
    for j = i * i, N, i do sieve[j] = true end
  end
end
print("primes below " .. N, count)

local ok, err = pcall(function() local t = nil; return t.x end)
print("error", ok, err)
