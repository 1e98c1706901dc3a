-- small realistic programs
local function serialize(v, indent)
  indent = indent or ""
  if type(v) == "table" then
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    local parts = {}
    for _, k in ipairs(keys) do
      parts[#parts + 1] = indent .. "  " .. tostring(k) .. " = " .. serialize(v[k], indent .. "  ")
    end
    return "{\n" .. table.concat(parts, ",\n") .. "\n" .. indent .. "}"
  end
  return type(v) == "string" and string.format("%q", v) or tostring(v)
end
print(serialize({a = 1, b = {c = "x", d = {1, 2}}, [1] = true}))

-- class hierarchy
local Animal = {}
Animal.__index = Animal
function Animal.new(name, sound) local o = setmetatable({}, Animal) o.name = name o.sound = sound return o end
function Animal:speak() return self.name .. " says " .. self.sound end
local Dog = setmetatable({}, {__index = Animal})
Dog.__index = Dog
function Dog.new(name) local o = Animal.new(name, "woof") return setmetatable(o, Dog) end
function Dog:fetch() return self.name .. " fetches" end
local d = Dog.new("rex")
print(d:speak(), d:fetch(), getmetatable(d) == Dog)

-- queue with two indices
local Q = {first = 1, last = 0, items = {}}
function Q.push(v) Q.last = Q.last + 1 Q.items[Q.last] = v end
function Q.pop() local v = Q.items[Q.first] Q.items[Q.first] = nil Q.first = Q.first + 1 return v end
for i = 1, 5 do Q.push(i * i) end
print(Q.pop(), Q.pop(), Q.last - Q.first + 1)

-- sieve
local function sieve(n)
  local is = {}
  for i = 2, n do is[i] = true end
  for i = 2, math.floor(math.sqrt(n)) do
    if is[i] then for j = i * i, n, i do is[j] = false end end
  end
  local out = {}
  for i = 2, n do if is[i] then out[#out + 1] = i end end
  return out
end
local primes = sieve(100)
print(#primes, table.concat(primes, " ", 1, 10))

-- memoized fibonacci with big integers wrapping
local memo = {}
local function fib(n) if n < 3 then return 1 end if memo[n] then return memo[n] end local v = fib(n - 1) + fib(n - 2) memo[n] = v return v end
print(fib(90), fib(100))

-- string building and char codes
local buf = {}
for i = 1, 26 do buf[i] = string.char(96 + i) end
local alpha = table.concat(buf)
print(alpha, alpha:upper():sub(-5), #alpha)
local counts = {}
for i = 1, #alpha do local c = alpha:sub(i, i) counts[c] = (counts[c] or 0) + 1 end
print(counts.a, counts.z, counts["?"])

-- varargs forwarding and multiple returns
local function minmax(...)
  local mn, mx = math.huge, -math.huge
  for i = 1, select("#", ...) do local v = select(i, ...) if v < mn then mn = v end if v > mx then mx = v end end
  return mn, mx
end
local function wrap(...) return minmax(...) end
print(wrap(3, 9, -2, 7))
print((wrap(3, 9, -2, 7)))
local t = {wrap(1, 2), wrap(5, 6)}
print(#t, t[1], t[2], t[3])

-- closures as iterators
local function range(n) local i = 0 return function() i = i + 1 if i <= n then return i end end end
local s = 0
for v in range(10) do s = s + v end
print(s)
local function chars(str) return function(st, i) i = i + 1 if i <= #st then return i, st:sub(i, i) end end, str, 0 end
for i, c in chars("abc") do io.write(i, c, " ") end print()

-- error handling with levels and rethrow
local function check(x) if type(x) ~= "number" then error("expected number, got " .. type(x), 2) end return x end
local ok, err = pcall(function() return check("s") end)
print(ok, err)
local ok2, err2 = pcall(function() local ok, e = pcall(error, "inner") error("outer: " .. e, 0) end)
print(ok2, err2)
print(select("#", pcall(error)))
local ok3, e3 = xpcall(function() local x = nil return x.y end, function(m) return "H:" .. m end)
print(ok3, e3)
