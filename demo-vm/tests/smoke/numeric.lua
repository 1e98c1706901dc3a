print(1 + 2, 1 + 2.0, 2 * 3, 2.0 * 3, 7 / 2, 6 / 2, 7 // 2, 7.0 // 2, 7 % 3, -7 % 3, 7 % -3, 7.5 % 2)
print(2^10, 2^0.5, (-8)^(1/3) ~= (-8)^(1/3))
print(math.maxinteger + 1 == math.mininteger, math.mininteger - 1 == math.maxinteger)
print(math.maxinteger * 2, -math.mininteger, math.mininteger // -1)
print(5 // 0.0, -5 // 0.0, 0/0 ~= 0/0, 5 % math.huge, -5 % math.huge)
print(3 & 5, 3 | 5, 3 ~ 5, ~5, 1 << 4, 256 >> 4, -1 >> 60, 1 << 64, 1 << -1, 2.0 & 3)
print(1 == 1.0, 1 < 1.5, -1 > -1.5, 2^53 == 2^53 + 1, math.maxinteger + 0.0 == 2^63)
print(math.floor(2.5), math.floor(-2.5), math.ceil(2.5), math.ceil(-2.5), math.floor(2^70))
print(math.abs(-7), math.abs(-7.5), math.sqrt(2), math.exp(0), math.log(1), math.log(100, 10), math.log(8, 2))
print(math.fmod(7, 3), math.fmod(-7, 3), math.fmod(7, -3), math.fmod(7.5, 2))
print(math.modf(3.7), math.modf(-3.7), math.modf(5))
print(math.max(1, 7, 3), math.min(4, -2, 9), math.max(1.5, 2), math.type(math.max(1, 2.0)))
print(math.tointeger(3.0), math.tointeger(3.5), math.tointeger("x"), math.ult(1, -1), math.ult(-1, 1))
print(math.huge, -math.huge, math.pi, math.maxinteger, math.mininteger)
print(1e15, 1e16, 123456.789, 0.1 + 0.2, 100 / 3, -0.0, 1/3)
print(255 // 16, 0x10, 0xA, 1e2, 2E-1, 0x1p-1)
print(8 | 1.0, pcall(function() return 1 | 1.5 end))
print(pcall(function() return 1 // 0 end))
print(pcall(function() return 1 % 0 end))
print(1 // 0.0, 1 % 0.0 ~= 1 % 0.0)
math.randomseed(42)
local r1, r2, r3 = math.random(1, 100), math.random(), math.random(10)
print(r1, r2, r3)
math.randomseed(7)
local ok = true
for i = 1, 1000 do local x = math.random(5, 10) if x < 5 or x > 10 then ok = false end end
print(ok)
local sum = 0
for i = 1, 100 do sum = sum + i end
print(sum, sum / 100, sum // 7)
local x = 0
for i = 1, 10 do x = x + 0.1 end
print(x, x == 1.0, string.format("%.10f", x))
