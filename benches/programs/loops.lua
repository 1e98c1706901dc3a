-- bench: numeric loops (integer arithmetic, branches, while loop)
-- quick-size: 1000
local n = arg and arg[1] and tonumber(arg[1]) or 65000000

local sum, acc = 0, 0
for i = 1, n do
  local x = i % 7
  if x < 3 then
    sum = sum + x
  else
    sum = sum - 1
  end
  acc = (acc * 31 + i) % 1000003
end

local j, steps = 0, 0
while j < n do
  j = j + 3
  steps = steps + 1
end

local nested = 0
local m = math.floor(n / 10000) + 1
for a = 1, m do
  for b = 1, 100 do
    nested = nested + (a + b) % 3
  end
end

print(string.format("%d %d %d %d", sum, acc, steps, nested))
