-- Nested hot loops: sieve, matrix multiplication, triangle sums.
local N = 20000
local composite = {}
for i = 2, N do composite[i] = false end
for i = 2, math.floor(math.sqrt(N)) do
  if not composite[i] then
    for j = i * i, N, i do composite[j] = true end
  end
end
local primes, last = 0, 0
for i = 2, N do if not composite[i] then primes = primes + 1; last = i end end
print(primes, last)
local n = 30
local A, B = {}, {}
for i = 1, n do
  A[i], B[i] = {}, {}
  for j = 1, n do A[i][j] = i + j; B[i][j] = i - j end
end
local C = {}
for i = 1, n do
  local Ci, Ai = {}, A[i]
  for j = 1, n do
    local s = 0
    for k = 1, n do s = s + Ai[k] * B[k][j] end
    Ci[j] = s
  end
  C[i] = Ci
end
print(C[1][1], C[n][n], C[7][19])
local tri = 0
for i = 1, 300 do
  for j = 1, i do tri = tri + j end
end
print(tri)
local fl = 0.0
for i = 1, 200 do
  for j = 1, 50 do fl = fl + (i * j) / 7 end
end
print(string.format("%.6f", fl))
