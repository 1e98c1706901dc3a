-- Recursion: fib, ackermann, mutual recursion, tail calls, recursion over tables.
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print(fib(0), fib(1), fib(10), fib(24))
local function ack(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, n - 1))
end
print(ack(0, 0), ack(1, 2), ack(2, 3), ack(3, 3))
local is_even, is_odd
function is_even(n) if n == 0 then return true end return is_odd(n - 1) end
function is_odd(n) if n == 0 then return false end return is_even(n - 1) end
print(is_even(10), is_odd(7), is_even(7))
local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
print(fact(5), fact(20), fact(21))
local function tail_count(n, acc)
  if n == 0 then return acc end
  return tail_count(n - 1, acc + 1)
end
print(tail_count(1000000, 0))
local function hanoi(n, from, to, via, moves)
  if n == 0 then return moves end
  moves = hanoi(n - 1, from, via, to, moves)
  moves = moves + 1
  return hanoi(n - 1, via, to, from, moves)
end
print(hanoi(10, "a", "c", "b", 0))
local function flatten(t, out)
  out = out or {}
  for _, v in ipairs(t) do
    if type(v) == "table" then flatten(v, out) else out[#out + 1] = v end
  end
  return out
end
print(table.concat(flatten({1, {2, {3, {4, {5}}}}, 6, {{7}}}), " "))
local function perms(a, n, acc)
  n = n or #a
  acc = acc or {}
  if n <= 1 then acc[#acc + 1] = table.concat(a) return acc end
  for i = 1, n do
    a[n], a[i] = a[i], a[n]
    perms(a, n - 1, acc)
    a[n], a[i] = a[i], a[n]
  end
  return acc
end
local p = perms({"a", "b", "c"})
table.sort(p)
print(#p, table.concat(p, " "))
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
print(depth(10000))
