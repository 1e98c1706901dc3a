-- table.sort with the default order and with comparators.
local t = {5, 2, 8, 1, 9, 3, 7, 4, 6, 10}
table.sort(t)
print(table.concat(t, " "))
table.sort(t, function(a, b) return a > b end)
print(table.concat(t, " "))
local words = {"banana", "apple", "Cherry", "date", "apple2", "Apple"}
table.sort(words)
print(table.concat(words, " "))
table.sort(words, function(a, b) return a:lower() < b:lower() or (a:lower() == b:lower() and a < b) end)
print(table.concat(words, " "))
local people = {{name = "Ann", age = 31}, {name = "Bob", age = 25}, {name = "Cid", age = 31}, {name = "Dee", age = 19}}
table.sort(people, function(a, b)
  if a.age ~= b.age then return a.age < b.age end
  return a.name < b.name
end)
for _, p in ipairs(people) do io.write(p.name, ":", p.age, " ") end
print()
local mixed = {3.5, 1, 2.25, -1, 0, 2}
table.sort(mixed)
print(table.concat(mixed, " "))
local big = {}
local x = 12345
for i = 1, 2000 do
  x = (x * 1103515245 + 12345) % 2147483648
  big[i] = x % 1000
end
table.sort(big)
local ok = true
for i = 2, #big do if big[i - 1] > big[i] then ok = false end end
print("sorted", ok, big[1], big[2000])
local empty = {}
table.sort(empty)
print(#empty)
local one = {42}
table.sort(one)
print(one[1])
print((pcall(table.sort, {1, "x", 2})))
local keys = {}
local map = {zeta = 1, alpha = 2, mid = 3}
for k in pairs(map) do keys[#keys + 1] = k end
table.sort(keys)
print(table.concat(keys, ","))
