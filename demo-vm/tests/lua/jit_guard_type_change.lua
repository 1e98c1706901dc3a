-- Hot loops whose values change type after the loop is warm (type-guard exits).
local x = 0
for i = 1, 3000 do
  if i == 2000 then x = x + 0.5 end
  x = x + i
end
print(x, math.type(x))
local acc = 0
local vals = {}
for i = 1, 3000 do
  if i % 1000 == 0 then vals[i] = "7" elseif i > 2500 then vals[i] = i * 0.25 else vals[i] = i end
end
for i = 1, #vals do acc = acc + vals[i] end
print(acc, math.type(acc))
local s = 0
local step = 1
for i = 1, 4000 do
  if i == 3000 then step = 1.5 end
  s = s + step
end
print(s)
local t = {}
for i = 1, 2000 do t[i] = i end
t[1500] = "str"
local count_num, count_str = 0, 0
for i = 1, #t do
  if type(t[i]) == "number" then count_num = count_num + 1 else count_str = count_str + 1 end
end
print(count_num, count_str)
local mixed = 0
for i = 1, 3000 do
  local v = (i < 1500) and i or (i + 0.0)
  mixed = mixed + v // 3
end
print(mixed, math.type(mixed))
local big = math.maxinteger - 1500
for i = 1, 3000 do big = big + 1 end
print(big)
