-- Bitwise operators on integers and on floats with an exact integer value.
print(0xF0 & 0x3C, 0xF0 | 0x0F, 0xF0 ~ 0xFF, ~0, ~5)
print(1 << 4, 1 << 63, 1 << 64, 1 << -1, 256 >> 4, -1 >> 1, -1 >> 63, -1 >> 64)
print(2 >> -1, 3 << 0, 5 >> 0, 1 << 62)
print(math.mininteger >> 63, math.maxinteger << 1)
print(3.0 & 1, 2.0 | 1.0, 4.0 ~ 1, ~1.0, 1.0 << 3, 256.0 >> 4.0)
print(math.type(3.0 & 1), math.type(~1.0))
print(-2 ^ 63 | 0, 2 ^ 62 | 0)
print(0xFF & -1, -256 & 0xFFFF)
local x = 0
for i = 0, 15, 3 do x = x | (1 << i) end
print(x, string.format("%x", x))
local function popcount(n)
  local c = 0
  while n ~= 0 do
    n = n & (n - 1)
    c = c + 1
  end
  return c
end
print(popcount(0), popcount(255), popcount(-1), popcount(math.mininteger))
print(5 & 3 | 8, 5 | 3 & 8, 1 << 2 + 1, 6 ~ 3 & 1)
print(1 | 2 == 3)
