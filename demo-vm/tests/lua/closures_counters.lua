-- Closures capture variables, each closure instance has its own state.
local function counter(start, step)
  local n = start
  return function()
    n = n + step
    return n
  end
end
local c1, c2 = counter(0, 1), counter(100, -10)
print(c1(), c1(), c1(), c2(), c2(), c1())
local function make_acc()
  local total = 0
  return {
    add = function(x) total = total + x; return total end,
    get = function() return total end,
    reset = function() local old = total; total = 0; return old end,
  }
end
local acc = make_acc()
acc.add(5); acc.add(7)
print(acc.get(), acc.reset(), acc.get())
local function adder(x) return function(y) return x + y end end
local add10 = adder(10)
print(add10(1), add10(2.5), adder(-1)(1))
local function compose(f, g) return function(...) return f(g(...)) end end
local inc_then_double = compose(function(x) return x * 2 end, function(x) return x + 1 end)
print(inc_then_double(4))
local function memo(f)
  local cache = {}
  local calls = 0
  return function(n)
    if cache[n] == nil then calls = calls + 1; cache[n] = f(n) end
    return cache[n], calls
  end
end
local sq = memo(function(n) return n * n end)
print(sq(4)); print(sq(4)); print(sq(5))
local fib
fib = function(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print(fib(20))
local function outer()
  local a = 1
  local function middle()
    local b = 2
    local function inner() a = a + 1; b = b + 1; return a + b end
    return inner
  end
  return middle(), function() return a end
end
local inner, geta = outer()
print(inner(), inner(), geta())
