-- A branch that is never taken while the loop gets hot, then always taken
-- (guard exits that become hot enough to deserve a bridge), and alternating branches.
local a, b = 0, 0
for i = 1, 5000 do
  if i <= 2000 then a = a + 1 else b = b + 2 end
end
print(a, b)
local pattern = 0
for i = 1, 6000 do
  local r = i % 3
  if r == 0 then pattern = pattern + 3
  elseif r == 1 then pattern = pattern - 1
  else pattern = pattern * 1 end
end
print(pattern)
local function classify(n)
  if n < 1000 then return 1 elseif n < 2000 then return 2 end
  return 3
end
local hist = {0, 0, 0}
for i = 1, 3500 do
  local c = classify(i)
  hist[c] = hist[c] + 1
end
print(hist[1], hist[2], hist[3])
local early = 0
for i = 1, 10000 do
  if i * i > 50000000 then early = i; break end
end
print(early)
local flips = 0
local state = true
for i = 1, 4000 do
  if i % 500 == 0 then state = not state end
  if state then flips = flips + 1 end
end
print(flips)
