-- repeat ... until: body runs at least once; locals of the body are visible in the condition.
local i = 0
repeat i = i + 1 until i >= 5
print(i)
local runs = 0
repeat runs = runs + 1 until true
print(runs)
local n = 0
repeat
  local sq = n * n
  n = n + 1
until sq > 50
print(n)
local collected = {}
local x = 10
repeat
  local half = x // 2
  collected[#collected + 1] = half
  x = half
until half <= 1
print(table.concat(collected, " "))
local outer = 0
repeat
  local inner = 0
  repeat inner = inner + 1 until inner == 3
  outer = outer + inner
until outer >= 9
print(outer)
local fns = {}
local c = 0
repeat
  c = c + 1
  local v = c
  fns[c] = function() return v end
until v == 3
print(fns[1](), fns[2](), fns[3]())
local j = 0
repeat
  j = j + 1
  if j == 4 then break end
until false
print(j)
