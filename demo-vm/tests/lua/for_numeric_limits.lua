-- Numeric for near the integer limits does not overflow or loop forever.
local max, min = math.maxinteger, math.mininteger
local c = 0
for i = max - 2, max do c = c + 1; io.write(i, " ") end
print(c)
c = 0
for i = min + 2, min, -1 do c = c + 1; io.write(i, " ") end
print(c)
c = 0
for i = max - 10, max, 4 do c = c + 1; io.write(i, " ") end
print(c)
c = 0
for i = 1, max, max // 2 do c = c + 1; io.write(i, " ") end
print(c)
c = 0
for i = min, min + 4, 2 do c = c + 1 end
print(c)
c = 0
for i = max, max - 1 do c = c + 1 end
print("empty", c)
c = 0
for i = 0, max, max do c = c + 1; io.write(i, " ") end
print(c)
c = 0
for i = -1, min, min do c = c + 1; io.write(i, " ") end
print(c)
c = 0
for i = 1, 3.7 do c = c + 1 end
print(c)
c = 0
for i = 3, 1e300 do c = c + 1; if c == 3 then break end end
print(c)
c = 0
for i = 1, math.huge do c = c + 1; if c == 5 then break end end
print(c)
c = 0
for i = -1, -math.huge, -1 do c = c + 1; if c == 5 then break end end
print(c)
c = 0
for i = max - 1, 1e100 do c = c + 1 end
print(c)
