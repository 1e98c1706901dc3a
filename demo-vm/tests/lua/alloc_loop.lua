-- Many short-lived allocations (~60 MB in total): the live heap, as reported
-- by collectgarbage("count"), must stay bounded while the loop runs.
local keep = {}
local total = 0
local peak_kb = 0
for i = 1, 100000 do
  local t = {i, i * 2, tostring(i), {nested = i}}
  local s = "item" .. i .. string.rep("x", 64)
  total = total + t[2] + #s
  if i % 10000 == 0 then keep[#keep + 1] = s:sub(1, 10) end
  if i % 1000 == 0 then
    local kb = collectgarbage("count")
    if kb > peak_kb then peak_kb = kb end
  end
end
print(total, #keep, keep[1], keep[#keep])
print("peak heap below 16 MB", peak_kb < 16 * 1024)
local str = ""
for i = 1, 2000 do
  str = str .. "x"
  if #str > 100 then str = "" end
end
print(#str)
local chain
for i = 1, 50000 do chain = {next = chain and {} or nil, v = i} end
print(chain.v, type(chain.next))
local function mk(i) return function() return i end end
local acc = 0
for i = 1, 30000 do acc = acc + mk(i)() end
print(acc)
collectgarbage()
print("after full collection below 4 MB", collectgarbage("count") < 4 * 1024)
