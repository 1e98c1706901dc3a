-- Integer arithmetic wraps around modulo 2^64.
local max, min = math.maxinteger, math.mininteger
print(max, min)
print(max + 1 == min, max + 1)
print(min - 1 == max, min - 1)
print(max * 2)
print(min * -1, min * -1 == min)
print(-min, -min == min)
print(max * max)
print(min // -1)
print(min % -1)
print(0x7fffffffffffffff + 1)
print(0xffffffffffffffff)
print(0x8000000000000000)
print(0x10000000000000000)
local x = 1
for i = 1, 70 do x = x * 2 end
print("2^70 as int", x)
local h = 0
for i = 1, 200 do h = h * 31 + i end
print("hash", h)
local f = 5381
for c in ("hello, wraparound"):gmatch(".") do
  f = (f * 33) ~ c:byte()
end
print("djb2", f)
print(max + 1.0, math.type(max + 1.0))
print(min - 1.0, math.type(min - 1.0))
print(9007199254740993, 9007199254740993 + 0.0)
