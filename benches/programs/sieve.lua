-- bench: table-heavy (sieve of Eratosthenes, repeated)
-- quick-size: 2
local n = arg and arg[1] and tonumber(arg[1]) or 220

local limit = 200000
local count, last = 0, 0
for _ = 1, n do
  local composite = {}
  for i = 1, limit do
    composite[i] = false
  end
  count = 0
  for i = 2, limit do
    if not composite[i] then
      count = count + 1
      last = i
      for j = i * i, limit, i do
        composite[j] = true
      end
    end
  end
end
print(string.format("%d primes below %d, largest %d", count, limit, last))
