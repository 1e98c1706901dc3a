-- string.byte and string.char.
print(string.byte("A"), ("ABC"):byte(2), ("ABC"):byte(-1), ("ABC"):byte(1, 3))
print(("ABC"):byte(10), ("ABC"):byte(2, 1), ("ABC"):byte(0))
print(select("#", ("hello"):byte(1, -1)), select("#", ("hello"):byte(4, 10)))
print(string.char(72, 105, 33), string.char(), #string.char(0, 0, 0))
print(string.char(("hello"):byte(1, -1)))
local codes = {}
for i = 1, 26 do codes[i] = 96 + i end
print(string.char(table.unpack(codes)))
print(pcall(string.char, 256))
print(pcall(string.char, -1))
local caesar = {}
for c in ("attack at dawn"):gmatch(".") do
  local b = c:byte()
  if b >= 97 and b <= 122 then b = (b - 97 + 13) % 26 + 97 end
  caesar[#caesar + 1] = string.char(b)
end
print(table.concat(caesar))
