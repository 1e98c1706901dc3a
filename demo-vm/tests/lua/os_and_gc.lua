-- os.time, os.clock and collectgarbage: only types and shapes, never values.
print(type(os.time()), math.type(os.time()))
print(type(os.clock()), math.type(os.clock()))
local t0 = os.clock()
local x = 0
for i = 1, 1000 do x = x + i end
print(os.clock() >= t0)
print(type(collectgarbage("count")), collectgarbage("count") > 0)
print(collectgarbage())
print(collectgarbage("collect"))
local before = collectgarbage("count")
do
  local junk = {}
  for i = 1, 10000 do junk[i] = {i} end
end
collectgarbage()
print(type(before))
