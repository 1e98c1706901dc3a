-- table.unpack with default and explicit ranges.
local unpack = table.unpack
print(unpack({1, 2, 3}))
print(unpack({1, 2, 3}, 2))
print(unpack({1, 2, 3}, 2, 3))
print(unpack({1, 2, 3}, 3, 2))
print(unpack({1, nil, 3}, 1, 3))
print(unpack({}, 1, 2))
print(select("#", unpack({}, 1, 0)), select("#", unpack({1, 2, 3})))
local function sum(...)
  local s = 0
  for i = 1, select("#", ...) do s = s + (select(i, ...)) end
  return s
end
print(sum(unpack({1, 2, 3, 4, 5})))
local args = {"a", "b"}
print(string.format("%s-%s", unpack(args)))
local t = {unpack({1, 2}), unpack({3, 4})}
print(#t, t[1], t[2], t[3])
print(unpack({"x", "y"}, -1, 1))
