-- Hot loops that allocate while holding references in locals: a moving
-- collector must update every live reference, including ones held only by
-- compiled code.
local head = nil
local keepalive = {}
for i = 1, 5000 do
  local node = {value = i, next = head, label = "n" .. i}
  head = node
  if i % 1000 == 0 then keepalive[#keepalive + 1] = node end
end
local sum, count = 0, 0
local p = head
while p do sum = sum + p.value; count = count + 1; p = p.next end
print(count, sum, head.label, keepalive[1].label, keepalive[5].value)
local a, b, c = {1}, {2}, {3}
for i = 1, 4000 do
  local tmp = {a[1] + b[1] + c[1]}
  a, b, c = b, c, tmp
end
print(a[1] % 1000003, b[1] % 1000003, c[1] % 1000003)
local strs = {}
for i = 1, 3000 do
  local s = tostring(i) .. ":" .. string.rep("z", i % 5)
  if i % 600 == 0 then strs[#strs + 1] = s end
end
print(table.concat(strs, ","))
local closures = {}
for i = 1, 3000 do
  local f = function() return i * 3 end
  if i % 1000 == 0 then closures[#closures + 1] = f end
end
print(closures[1](), closures[2](), closures[3]())
local m = {}
for i = 1, 2000 do m["k" .. (i % 50)] = {i} end
local ks = 0
for i = 0, 49 do ks = ks + m["k" .. i][1] end
print(ks)
