-- bench: table-heavy (hash tables with string keys: insert, lookup, update, delete)
-- quick-size: 200
local n = arg and arg[1] and tonumber(arg[1]) or 320000

local words = {}
local vocab = { "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa" }
for i = 1, #vocab do
  words[i] = vocab[i]
end

local t = {}
for i = 1, n do
  t["key" .. i] = i
end

local hits, sum = 0, 0
for i = 1, n * 2, 3 do
  local v = t["key" .. i]
  if v then
    hits = hits + 1
    sum = (sum + v) % 1000000007
  end
end

-- word frequency counting with a small set of string keys
local freq = {}
for i = 1, n do
  local w = words[(i * 7) % #words + 1] .. "_" .. (i % 13)
  freq[w] = (freq[w] or 0) + 1
end
local distinct, maxf = 0, 0
for _, c in pairs(freq) do
  distinct = distinct + 1
  if c > maxf then
    maxf = c
  end
end

-- delete every other key, then count what is left
for i = 1, n, 2 do
  t["key" .. i] = nil
end
local left = 0
for _, v in pairs(t) do
  left = left + 1
  sum = (sum + v) % 1000000007
end

-- records: tables with fixed string fields
local total = 0
for i = 1, n do
  local r = { name = "n", id = i, score = i % 100 }
  r.score = r.score + r.id % 7
  total = total + r.score
end

print(string.format("%d %d %d %d %d %d", hits, sum, distinct, maxf, left, total))
