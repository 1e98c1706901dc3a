-- break leaves only the innermost loop, from any loop kind.
for i = 1, 10 do
  if i > 3 then break end
  io.write(i, " ")
end
print()
local pairs_found = {}
for i = 1, 5 do
  for j = 1, 5 do
    if j > i then break end
    if i * j == 6 then pairs_found[#pairs_found + 1] = i .. "x" .. j end
  end
end
print(table.concat(pairs_found, " "))
local n = 0
while true do
  n = n + 1
  if n >= 7 then break end
end
print(n)
local m = 0
repeat
  m = m + 1
  if m == 2 then break end
until m > 10
print(m)
for _, v in ipairs({5, 8, 13, 21}) do
  if v % 2 == 0 then print("first even", v); break end
end
local fns = {}
for i = 1, 10 do
  fns[#fns + 1] = function() return i end
  if i == 3 then break end
end
print(#fns, fns[3]())
local total = 0
for i = 1, 3 do
  while true do
    total = total + i
    break
  end
end
print(total)
for i = 1, 3 do
  do
    if i == 2 then break end
  end
  io.write("i=", i, " ")
end
print()
