-- Variable arguments: select, ..., adjustment and forwarding.
local function count(...) return select("#", ...) end
print(count(), count(nil), count(1, nil), count(nil, nil, nil))
local function last(...) return select(-1, ...) end
print(last(1, 2, 3), last("only"))
print(select(2, "a", "b", "c"), select(-2, "a", "b", "c"))
print(select(4, "a", "b", "c"))
print(pcall(select, 0, "a"))
print(pcall(select, -5, "a"))
local function pass(...) return ... end
print(pass(1, 2, 3))
print((pass(1, 2, 3)))
local function first_two(a, b) return a, b end
print(first_two(pass(7, 8, 9)))
local function wrap(...)
  local t = {...}
  return #t, t[1], t[#t]
end
print(wrap("x", "y", "z"))
local function sum(...)
  local s = 0
  for _, v in ipairs({...}) do s = s + v end
  return s
end
print(sum(), sum(1), sum(1, 2, 3, 4.5))
local function mixed(a, ...)
  local b, c = ...
  return a, b, c, select("#", ...)
end
print(mixed(1))
print(mixed(1, 2))
print(mixed(1, 2, 3, 4))
local function varlocal(...)
  local a, b, c = ...
  return c, b, a
end
print(varlocal(1, 2))
print(select("#", pass()), select("#", pass(nil, nil)))
local function tail(...) return select(2, ...) end
print(tail(1, 2, 3))
local function forward(f, ...) return f(...) end
print(forward(math.max, 3, 9, 2), forward(string.rep, "ab", 3))
print(string.format("%s %s", pass("x", "y", "z")))
