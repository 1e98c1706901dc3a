-- while loops: counting, early exit, nested.
local i = 0
while i < 5 do i = i + 1 end
print(i)
local n, steps = 27, 0
while n ~= 1 do
  if n % 2 == 0 then n = n // 2 else n = 3 * n + 1 end
  steps = steps + 1
end
print("collatz steps", steps)
local a, b = 1071, 462
while b ~= 0 do a, b = b, a % b end
print("gcd", a)
local rows = {}
local r = 1
while r <= 3 do
  local c, line = 1, {}
  while c <= r do line[c] = r * c; c = c + 1 end
  rows[r] = table.concat(line, ",")
  r = r + 1
end
print(table.concat(rows, " | "))
local found
local k = 0
while true do
  k = k + 1
  if k * k > 200 then found = k; break end
end
print("first k with k^2>200", found)
while false do print("never") end
local f = 1.0
while f < 100 do f = f * 1.5 end
print(f)
