-- Generic for with ipairs, pairs (keys sorted before printing) and next.
local arr = {"a", "b", "c", nil, "e"}
for i, v in ipairs(arr) do io.write(i, "=", v, " ") end
print()
local map = {one = 1, two = 2, three = 3, [10] = "ten", [1] = "first"}
local keys = {}
for k in pairs(map) do keys[#keys + 1] = tostring(k) end
table.sort(keys)
print(table.concat(keys, " "))
local total = 0
for _, v in pairs({1, 2, 3, x = 4}) do total = total + v end
print(total)
local seq = {}
for i = 1, 10 do seq[i] = i * i end
local n, s = 0, 0
for i, v in pairs(seq) do n = n + 1; s = s + v end
print(n, s)
local order = {}
for i, v in pairs({10, 20, 30}) do order[#order + 1] = i .. ":" .. v end
print(table.concat(order, " "))
print(next({}), next({7}), next({7}, 1))
local t = {x = 1}
local k, v = next(t)
print(k, v, next(t, k))
local cnt = 0
for k2, v2 in next, {a = 1, b = 2, c = 3} do cnt = cnt + v2 end
print(cnt)
for i, v in ipairs({}) do print("never") end
local holes = {1, 2, nil, 4}
local c = 0
for _ in ipairs(holes) do c = c + 1 end
print("ipairs stops at hole", c)
local clear = {a = 1, b = 2, c = 3, d = 4}
for key in pairs(clear) do clear[key] = nil end
print(next(clear))
local upd = {a = 1, b = 2, c = 3}
for key, val in pairs(upd) do upd[key] = val * 10 end
print(upd.a, upd.b, upd.c)
print(type(pairs({})), type(ipairs({})), select("#", ipairs({})))
print(pcall(next, {}, "missing"))
