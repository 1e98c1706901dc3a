local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end
print(fib(20))
local t = {}
for i = 1, 10 do t[i] = i * i end
print(#t, t[10], t[3])
local s = 0
for k, v in pairs(t) do s = s + v end
print("sum", s)
for i, v in ipairs({"a", "b", "c"}) do io.write(i, v, " ") end
print()
print(1/2, 3 // 2, 3.0 // 2, 2^10, 7 % 3, -7 % 3, 10 / 2)
print("x" .. 1 .. 2.5, #"hello", ("abc"):upper())
local mt = {__index = function(t, k) return k .. "!" end}
local obj = setmetatable({}, mt)
print(obj.foo, rawget(obj, "foo"))
print(pcall(function() error("boom") end))
print(select("#", pcall(function() error({code=1}) end)))
print(select("#", 1, 2, 3), select(2, "a", "b", "c"))
local function va(...) return select("#", ...), ... end
print(va(1, nil, 3))
print(string.format("%5.2f|%d|%s|%x", 3.14159, 42, "hi", 255))
print(tostring(nil), tostring(true), tonumber("0x10"), tonumber("z", 36))
goto skip
print("not printed")
::skip::
print(math.floor(3.7), math.max(1, 5, 3), math.huge, -math.huge, math.pi)
local a, b, c = (function() return 1, 2, 3 end)()
print(a, b, c)
local co = 0
while co < 5 do co = co + 1 if co == 3 then break end end
print(co)
repeat local z = co; co = co + 1 until z > 5
print(co)
print(table.concat({1, 2, 3}, ","), table.unpack({1, 2, 3}))
local arr = {5, 2, 8, 1, 9}
table.sort(arr)
print(table.concat(arr, " "))
table.sort(arr, function(x, y) return x > y end)
print(table.concat(arr, " "))
local function counter() local n = 0 return function() n = n + 1 return n end end
local c1 = counter(); c1(); print(c1())
print(10 == 10.0, "10" == 10, 1 < 2, "a" < "b")
print(math.maxinteger + 1 == math.mininteger, 5 // 0.0, -5 // 0.0)
print(3 & 5, 3 | 5, 3 ~ 5, ~0, 1 << 62, 256 >> 4)
