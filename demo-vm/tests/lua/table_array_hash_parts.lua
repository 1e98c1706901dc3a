-- Keys in the array part and the hash part: integer-valued float keys are
-- normalised, negative and zero keys live in the hash, and both parts iterate.
local t = {}
t[1.0] = "one"
t[2] = "two"
print(t[1], t[2.0], #t, math.type(next(t)))
t[0] = "zero"; t[-1] = "minus one"; t[3.5] = "three and a half"
print(t[0], t[-1], t[3.5], #t)
local keys = {}
for k in pairs(t) do keys[#keys + 1] = k end
table.sort(keys)
local shown = {}
for i, k in ipairs(keys) do shown[i] = tostring(k) end
print(table.concat(shown, " "))
local grow = {}
for i = 1, 64 do grow[i] = i end
for i = 1, 64 do grow["h" .. i] = i end
local n_arr, n_hash = 0, 0
for k in pairs(grow) do
  if math.type(k) == "integer" then n_arr = n_arr + 1 else n_hash = n_hash + 1 end
end
print(#grow, n_arr, n_hash)
local rev = {}
for i = 100, 1, -1 do rev[i] = i end
print(#rev, rev[1], rev[100])
local mix = {10, 20, 30, x = "x", [4] = 40}
print(#mix, mix[4], mix.x)
local f = {}
f[2 ^ 53] = "float key"
print(f[2 ^ 53], f[math.tointeger(2 ^ 53)])
local cnt = 0
local big = {}
for i = 1, 1000 do big[i * 2] = true end
for _ in pairs(big) do cnt = cnt + 1 end
print(cnt, big[2000], big[1999])
