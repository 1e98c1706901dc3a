-- allocation-heavy loop: memory must stay bounded while garbage is produced
local keep = {}
for i = 1, 200 do
  local t = {}
  for j = 1, 50 do t[j] = {j, tostring(j)} end
  if i % 20 == 0 then keep[#keep + 1] = t end
end
print(#keep, keep[10][50][2])
collectgarbage("collect")
local before = collectgarbage("count")
for i = 1, 20000 do local s = "str" .. i; local t = {s, s .. "x"} end
collectgarbage()
local after = collectgarbage("count")
print(after < before * 4 + 1000)
-- tables as keys survive moves
local keys = {}
local map = {}
for i = 1, 100 do local k = {} keys[i] = k map[k] = i end
collectgarbage()
local sum = 0
for i = 1, 100 do sum = sum + map[keys[i]] end
print(sum)
-- closures and strings across collections
local fs = {}
for i = 1, 50 do local s = "v" .. i fs[i] = function() return s end end
collectgarbage()
print(fs[1](), fs[50]())
print(collectgarbage("isrunning"), type(collectgarbage("count")))
-- string interning still works after collections
local a = "hello" .. "world"
collectgarbage()
local b = "hellowor" .. "ld"
print(a == b, rawequal(a, b))
local m = setmetatable({}, {__mode = nil, __index = function(t, k) return k .. "!" end})
collectgarbage()
print(m.x, m.y)
