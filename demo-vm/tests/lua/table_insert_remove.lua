-- table.insert and table.remove at the end, the front and in the middle.
local t = {}
table.insert(t, "a")
table.insert(t, "b")
table.insert(t, 1, "front")
table.insert(t, 2, "second")
print(#t, table.concat(t, ","))
print(table.remove(t), #t, table.concat(t, ","))
print(table.remove(t, 1), #t, table.concat(t, ","))
table.insert(t, #t + 1, "end")
print(table.concat(t, ","))
print(table.remove(t, 2), table.concat(t, ","))
local e = {}
print(table.remove(e), #e)
print(table.remove(e, 0), table.remove(e, 1))
print(pcall(table.insert, {1, 2}, 5, "x"))
print(pcall(table.insert, {1, 2}, 1, "x", "y"))
local q = {}
for i = 1, 10 do table.insert(q, i) end
local out = {}
while #q > 0 do out[#out + 1] = table.remove(q, 1) end
print(table.concat(out, " "))
local stack = {}
for i = 1, 5 do stack[#stack + 1] = i * i end
local popped = {}
while #stack > 0 do popped[#popped + 1] = table.remove(stack) end
print(table.concat(popped, " "))
local h = {1, 2, 3}
table.insert(h, 4, 4)
print(#h, h[4])
local z = {[0] = "zero"}
print(table.remove(z, 0), z[0])
