-- Integer wrap-around, floor division and float conversion inside hot loops.
local h = 0
for i = 1, 10000 do h = h * 6364136223846793005 + 1442695040888963407 end
print(h)
local x = 1
for i = 1, 5000 do x = (x * 48271) % 2147483647 end
print(x)
local d = 0
for i = -2500, 2500 do d = d + i // 7 + i % 7 end
print(d)
local f = 0.0
for i = 1, 10000 do f = f + 1 / i end
print(string.format("%.12f", f))
local bits = 0
for i = 0, 5000 do bits = bits ~ (i << (i % 64)) end
print(bits)
local conv = 0
for i = 1, 5000 do conv = conv + math.tointeger(i * 2.0) end
print(conv)
local mn, mx = math.huge, -math.huge
for i = 1, 5000 do
  local v = ((i * 7919) % 10007) - 5000
  if v < mn then mn = v end
  if v > mx then mx = v end
end
print(mn, mx, math.type(mn))
local cmp = 0
for i = 1, 5000 do
  if i < 2500.5 then cmp = cmp + 1 end
  if i == 2500.0 then cmp = cmp + 1000 end
end
print(cmp)
