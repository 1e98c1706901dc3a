-- Many short-lived allocations: memory must stay bounded while the loop runs.
local keep = {}
local total = 0
for i = 1, 100000 do
  local t = {i, i * 2, tostring(i)}
  local s = "item" .. i
  total = total + t[2] + #s
  if i % 10000 == 0 then keep[#keep + 1] = s end
end
print(total, #keep, keep[1], keep[#keep])
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
print(collectgarbage("count") < 1000000)
