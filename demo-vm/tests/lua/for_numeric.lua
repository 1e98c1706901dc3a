-- Numeric for: integer and float loops, steps, empty ranges, loop var is a copy.
local function collect(a, b, s)
  local r = {}
  if s then
    for i = a, b, s do r[#r + 1] = i end
  else
    for i = a, b do r[#r + 1] = i end
  end
  return table.concat(r, " ")
end
print(collect(1, 5))
print(collect(5, 1, -1))
print(collect(1, 10, 3))
print(collect(10, 1, -3))
print("[" .. collect(5, 1) .. "]")
print("[" .. collect(1, 0, 1) .. "]")
print(collect(0, 1, 0.25))
print(collect(1, 0, -0.5))
print(collect(1.0, 3))
print(collect(1, 3.5))
print(collect(1, 2.9))
print(collect(-3, -1))
print(collect(0.1, 0.5, 0.1))
for i = 1, 3 do
  local j = i * 2
  i = j
  io.write(i, " ")
end
print()
for i = 3, 1 do print("never") end
local n = 0
for i = 1, 0 do n = n + 1 end
print("zero iterations", n)
for i = 1, 2 do print(i, math.type(i)) end
for i = 1.0, 2 do print(i, math.type(i)) end
for i = 1, 2.0 do print(i, math.type(i)) end
print(pcall(function() for i = 1, 10, 0 do end end))
-- Only whether these fail: the wording changed between 5.4 releases.
print((pcall(function() for i = "a", 2 do end end)))
print((pcall(function() for i = 1, {} do end end)))
local total = 0
for i = 1, 1000 do total = total + i end
print(total)
