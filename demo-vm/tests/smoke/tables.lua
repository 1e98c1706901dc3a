local t = {10, 20, 30, nil, 50}
print(#t == 5 or #t == 3)
local u = {}
for i = 1, 10 do u[i] = i end
print(#u, u[10])
u[#u + 1] = 11
print(#u)
table.insert(u, 1, 0)
print(#u, u[1], u[2], u[12])
print(table.remove(u, 1), #u, table.remove(u), #u)
print(table.concat(u, "-"))
local h = {}
h.x, h.y, h["z"] = 1, 2, 3
h[1.0] = "one"
h[2.5] = "two and a half"
print(h.x, h.y, h.z, h[1], h[2.5])
local cnt = 0
for k, v in pairs(h) do cnt = cnt + 1 end
print(cnt)
local keys = {}
for k in pairs({a = 1, b = 2, c = 3}) do keys[#keys + 1] = k end
table.sort(keys)
print(table.concat(keys, ","))
local words = {"pear", "apple", "fig", "banana"}
table.sort(words, function(a, b) return #a < #b end)
print(table.concat(words, " "))
local nums = {}
for i = 1, 200 do nums[i] = (i * 7919) % 1000 end
table.sort(nums)
local ok = true
for i = 2, #nums do if nums[i - 1] > nums[i] then ok = false end end
print(ok, nums[1], nums[200])
print(select("#", table.unpack({1, 2, 3}, 2)), table.unpack({1, 2, 3}, 2, 3))
local packed = table.pack(1, nil, 3)
print(packed.n, packed[1], packed[3])
local nested = {a = {b = {c = "deep"}}}
print(nested.a.b.c)
local t2 = {[1] = "a", [2] = "b", [3] = "c"}
print(#t2, t2[3])
local arr = {}
for i = 5, 1, -1 do arr[i] = i end
print(#arr, arr[1], arr[5])
local del = {1, 2, 3}
del[3] = nil
print(#del)
print(next({}, nil), type(next({1})))
local big = {}
for i = 1, 1000 do big[i] = i end
for i = 1, 1000, 2 do big[i] = nil end
local c2 = 0
for _ in pairs(big) do c2 = c2 + 1 end
print(c2)
print(pcall(table.sort, {3, 1, "x"}))
print(pcall(table.insert, {}, 5, 1))
print(pcall(table.concat, {1, {}, 3}))
