-- bench: recursion (naive Fibonacci and the Takeuchi function)
-- quick-size: 12
local n = arg and arg[1] and tonumber(arg[1]) or 36

local function fib(k)
  if k < 2 then
    return k
  end
  return fib(k - 1) + fib(k - 2)
end

local function tak(x, y, z)
  if y >= x then
    return z
  end
  return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y))
end

print(string.format("fib(%d) = %d", n, fib(n)))
local t = math.floor(n / 2)
print(string.format("tak(%d, %d, 0) = %d", t, math.floor(t / 2), tak(t, math.floor(t / 2), 0)))
