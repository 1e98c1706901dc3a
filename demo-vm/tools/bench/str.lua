local parts = {}
for i = 1, 300000 do parts[#parts + 1] = tostring(i) .. "," end
local s = table.concat(parts)
print(#s)
local cnt = 0
for k, v in pairs({a=1,b=2,c=3}) do cnt = cnt + v end
local t = {}
for i = 1, 200000 do t["k" .. i] = i end
local sum = 0
for k, v in pairs(t) do sum = sum + v end
print(sum)
