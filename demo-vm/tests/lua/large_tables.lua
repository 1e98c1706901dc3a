-- Tables with 100k elements in the array part and in the hash part.
local N = 100000
local arr = {}
for i = 1, N do arr[i] = i * 3 end
print(#arr, arr[1], arr[N], arr[N // 2])
local s = 0
for i = 1, #arr do s = s + arr[i] end
print(s)
local h = {}
for i = 1, N do h["k" .. i] = i end
local hs, hn = 0, 0
for k, v in pairs(h) do hs = hs + v; hn = hn + 1 end
print(hn, hs, h.k1, h["k" .. N])
local sparse = {}
for i = 1, N, 7 do sparse[i * 13] = true end
local c = 0
for _ in pairs(sparse) do c = c + 1 end
print(c)
for i = N, 1, -1 do arr[i] = nil end
print(#arr, next(arr))
local fl = {}
for i = 1, 1000 do fl[i + 0.5] = i end
local fs = 0
for k, v in pairs(fl) do fs = fs + v end
print(fs, fl[500.5])
local ins = {}
for i = 1, 20000 do table.insert(ins, i) end
print(#ins, ins[20000])
local neg = {}
for i = -500, 500 do neg[i] = i end
print(#neg, neg[-500], neg[0], neg[500])
