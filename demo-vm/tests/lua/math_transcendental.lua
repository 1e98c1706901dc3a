-- math functions backed by libm, printed with a fixed number of decimals.
local f = function(x) return string.format("%.10f", x) end
print(f(math.sqrt(2)), f(math.sqrt(16)), math.sqrt(16), math.sqrt(-1) ~= math.sqrt(-1))
print(f(math.sin(0)), f(math.sin(math.pi / 2)), f(math.sin(1)), f(math.sin(-1)))
print(f(math.cos(0)), f(math.cos(math.pi)), f(math.cos(1)), f(math.cos(2.5)))
print(f(math.tan(0)), f(math.tan(1)), f(math.tan(-0.5)))
print(f(math.exp(0)), f(math.exp(1)), f(math.exp(-1)), f(math.exp(10)))
print(f(math.log(1)), f(math.log(math.exp(2))), f(math.log(10)), f(math.log(8, 2)), f(math.log(100, 10)))
print(f(math.log(1024, 2)), f(math.log(0.5)), math.log(0), math.log(8, 2))
print(f(math.sqrt(2) ^ 2), f(2 ^ 0.5), f(10 ^ -2))
local acc = 0
for i = 1, 100 do acc = acc + math.sin(i) * math.cos(i) end
print(f(acc))
print(f(math.exp(math.log(5))), f(math.sqrt(1e10)), math.sqrt(1e10))
print(f(math.sin(math.pi)), f(math.cos(math.pi / 2)))
