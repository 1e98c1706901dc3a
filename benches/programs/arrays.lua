-- bench: table-heavy (array fill, quicksort, reverse, insert/remove, prefix sums)
-- quick-size: 1
local n = arg and arg[1] and tonumber(arg[1]) or 48

local seed = 42
local function rand(m)
  -- Park-Miller LCG: every product stays below 2^53, so doubles and integers agree.
  seed = (seed * 16807) % 2147483647
  return seed % m
end

local function quicksort(a, lo, hi)
  while lo < hi do
    local p = a[math.floor((lo + hi) / 2)]
    local i, j = lo, hi
    while i <= j do
      while a[i] < p do i = i + 1 end
      while a[j] > p do j = j - 1 end
      if i <= j then
        a[i], a[j] = a[j], a[i]
        i = i + 1
        j = j - 1
      end
    end
    if j - lo < hi - i then
      quicksort(a, lo, j)
      lo = i
    else
      quicksort(a, i, hi)
      hi = j
    end
  end
end

local size = 50000
local checksum = 0
for round = 1, n do
  local a = {}
  for i = 1, size do
    a[i] = rand(1000000)
  end
  quicksort(a, 1, #a)
  for i = 2, #a do
    if a[i - 1] > a[i] then
      error("not sorted")
    end
  end
  -- reverse in place
  local i, j = 1, #a
  while i < j do
    a[i], a[j] = a[j], a[i]
    i = i + 1
    j = j - 1
  end
  -- prefix sums into a new array, modulo a prime to stay small
  local p = {}
  local s = 0
  for k = 1, #a do
    s = (s + a[k]) % 1000000007
    p[k] = s
  end
  -- stack-like use of the array part
  local stack = {}
  for k = 1, 2000 do
    table.insert(stack, a[k])
  end
  local popped = 0
  while #stack > 0 do
    popped = (popped + table.remove(stack)) % 1000000007
  end
  local sum = 0
  for _, v in ipairs(p) do
    sum = (sum + v) % 1000000007
  end
  checksum = (checksum + sum + popped + a[1] + round) % 1000000007
end
print(string.format("%d", checksum))
