-- tonumber with an explicit base.
print(tonumber("ff", 16), tonumber("FF", 16), tonumber("777", 8), tonumber("1010", 2))
print(tonumber("z", 36), tonumber("Z", 36), tonumber("10", 36), tonumber("zz", 36))
print(tonumber("8", 8), tonumber("2", 2), tonumber("g", 16), tonumber("", 10))
print(tonumber("  11  ", 2), tonumber("-ff", 16), tonumber("-101", 2))
print(tonumber("0x10", 16), tonumber("1.5", 10), tonumber("12", 10))
print(tonumber("7fffffffffffffff", 16), tonumber("ffffffffffffffff", 16), tonumber("10000000000000000", 16))
print(math.type(tonumber("10", 2)))
print(pcall(tonumber, "10", 1))
print(pcall(tonumber, "10", 37))
print(pcall(tonumber, 10, 16))
for b = 2, 36, 7 do io.write(b, ":", tonumber("11", b), " ") end
print()
