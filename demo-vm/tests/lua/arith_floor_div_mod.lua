-- Floor division and modulo follow the sign of the divisor (floor semantics).
local pairs_ = {
  {7, 3}, {-7, 3}, {7, -3}, {-7, -3}, {6, 3}, {-6, 3}, {0, 5}, {0, -5},
  {1, 2}, {-1, 2}, {1, -2}, {-1, -2},
}
for _, p in ipairs(pairs_) do
  local a, b = p[1], p[2]
  print(a, b, a // b, a % b, (a // b) * b + a % b == a)
end
local fpairs = {
  {7.5, 2}, {-7.5, 2}, {7.5, -2}, {-7.5, -2}, {5.25, 0.5}, {-5.25, 0.5},
  {1, 0.3}, {-1, 0.3}, {3, 2.0}, {-3, 2.0},
}
for _, p in ipairs(fpairs) do
  local a, b = p[1], p[2]
  print(a, b, a // b, string.format("%.10f", a % b))
end
print(5.0 // 0, -5.0 // 0, 5 // 0.0, -5 // 0.0)
print(5.0 % math.huge, -5.0 % math.huge, 5.0 % -math.huge, -5.0 % -math.huge)
print(math.mininteger // -1, math.mininteger % -1)
print(3 % math.mininteger, -3 % math.mininteger)
print(math.maxinteger // 2, math.maxinteger % 2)
print(-0.0 // 1, 0.0 % -1)
