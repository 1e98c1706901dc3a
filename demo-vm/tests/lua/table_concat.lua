-- table.concat with separators and ranges; numbers are converted.
local t = {1, 2, 3, "four", 5.5}
print(table.concat(t))
print(table.concat(t, ", "))
print(table.concat(t, "-", 2))
print(table.concat(t, "-", 2, 3))
print("[" .. table.concat(t, "-", 3, 2) .. "]")
print("[" .. table.concat({}) .. "]")
print(table.concat({"only"}, ","))
print(table.concat({1.0, -0.0, 2 ^ 63, math.mininteger}, " "))
-- Only whether it fails: the wording changed between 5.4 releases.
print((pcall(table.concat, {1, {}, 3})))
print((pcall(table.concat, {1, 2}, ",", 1, 3)))
local big = {}
for i = 1, 1000 do big[i] = i % 10 end
local s = table.concat(big)
print(#s, s:sub(1, 25))
print(table.concat({"a", "b", "c"}, ", ", 1, 2))
