-- Hot loops over table fields whose layout or metatable changes mid-loop.
local obj = {x = 1, y = 2}
local sum = 0
for i = 1, 3000 do
  if i == 1000 then obj.z = 3 end
  if i == 2000 then obj.x = nil; setmetatable(obj, {__index = function() return 10 end}) end
  sum = sum + obj.x + obj.y
end
print(sum)
local arr = {}
for i = 1, 3000 do
  arr[i] = i
  if i == 1500 then arr.extra = "hash part" end
end
local total = 0
for i = 1, #arr do total = total + arr[i] end
print(total, arr.extra)
local proto = {value = 5}
local inst = setmetatable({}, {__index = proto})
local acc = 0
for i = 1, 3000 do
  if i == 1000 then proto.value = 7 end
  if i == 2000 then inst.value = 1 end
  acc = acc + inst.value
end
print(acc)
local counter = setmetatable({}, {__newindex = function(t, k, v) rawset(t, k, v * 2) end})
for i = 1, 2000 do counter[i] = i end
local cs = 0
for i = 1, 2000 do cs = cs + counter[i] end
print(cs)
local keys = {"a", "b", "c", "d"}
local h = {}
for i = 1, 4000 do
  local k = keys[i % 4 + 1]
  h[k] = (h[k] or 0) + i
end
print(h.a, h.b, h.c, h.d)
