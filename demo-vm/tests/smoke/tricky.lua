do local ok, e = pcall(load([==[local t = {} t.x.y.z = 1]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local s = "abc" s.x = 1]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local n = 5 n.field = 1]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local f = 5 f()]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local t = {} t.method()]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local t = {} t:method()]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[string.nope()]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local a = {} print(a.b.c)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(#5)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(-{})]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(~1.5)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(1 < "2")]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print("10" < 5)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print({} == {}, "1" == 1)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(2^63 == math.maxinteger + 1.0, 2^63 // 1)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(math.maxinteger // 1 == math.maxinteger, 5 // 2.5)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(string.rep("a", 3, ", "))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(tostring(1/0), tostring(-1/0), tostring(0/0):sub(-3))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(100000000000000, 1e14, 10 // 3 * 3 + 10 % 3)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(0x7fffffffffffffff + 1, 0xffffffffffffffff)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(1e308 + 1e308, -(1e308 + 1e308))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(3 % -2, -3 % 2, 3.5 % -2, -3.5 % 2, 3 % math.huge)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(tostring(3) == "3", tostring(3.0) == "3.0", 3 | 0, 3.0 | 0)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(#"", ("x"):rep(-1), ("abc"):sub(3, 2))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local x = 1 local function g() x = x + 1 return x end print(g(), g(), x)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local t = {} for i = 1, 3 do t[#t + 1] = function() return i end end print(t[1]() + t[2]() + t[3]())]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(type(_G), _G._G == _G, _VERSION)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(rawequal(_G, _ENV))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[x = 10 local _ENV = {print = print} print(x)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local function f() return 1, 2, 3 end local a, b, c, d = f() print(a, b, c, d)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local function f() return 1, 2, 3 end local t = {f(), f()} print(#t)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local function f() return 1, 2, 3 end print((f()))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local function f() end print(f(), select("#", f()))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(string.format("%5s|%-6.2f|%3d", "ab", 1.5, 7))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(string.format("%.0f %.1f %5.3g", 2.5, 0.05, 1234.5678))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(string.format("%10.4s|", "abcdefg"))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(pcall(string.format, "%d", "x"))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(pcall(string.format, "%d", 1.5))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(string.format("%d", "10"), string.format("%s", 1e100))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(tostring(true):upper(), ("%s=%s"):format("k", "v"))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(next({}), #{n = 1}, {} ~= {})]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(math.floor(-3.5) // 1, math.ceil(3.000001), math.floor(3))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(8 // 0.0, -8 // 0.0, 0/0 == 0/0)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(7 // 1.5, 7 % 1.5, -7 % 1.5)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local t = setmetatable({}, {__index = string}) print(t.format("%d", 3))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(select(2, pcall(error, setmetatable({}, {__tostring = function() return "custom" end}))))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[error(setmetatable({}, {__tostring = function() return "custom err" end}))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[error()]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[error(nil)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[error(42)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[error("msg", 0)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[error("msg", 3)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local t = {} setmetatable(t, {__index = function(_, k) error("no field " .. k) end}) print(t.abc)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[assert(false)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[assert(nil, "custom assert")]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[assert(1 == 1, "fine") print("ok")]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(assert(1, 2, 3))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[for i = 1, 3 do local x <const> = i * 2 io.write(x, " ") end print()]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(tonumber("  0x1F  "), tonumber("1_000"), tonumber("1e+3"), tonumber(".e1"), tonumber("0x"), tonumber("-.5"))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(tonumber(true), tonumber({}), pcall(tonumber))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(tonumber("10", 36), tonumber("Z", 36), tonumber(" 11 ", 2), tonumber("12", 2), tonumber("-ff", 16))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(math.type(2^31), math.type(1 // 1), math.type(1 / 1), math.type(3 % 2.0))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local a = {10, 20, 30} a[2] = nil print(#a == 3 or #a == 1)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local s = 0 for k, v in ipairs({1, 2, 3, nil, 5}) do s = s + v end print(s)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(table.unpack({}, 1, 3))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(table.unpack({1, 2, 3}, -1, 1))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(getmetatable("").__name, getmetatable({}))]==])) if not ok then print('ERR', e) end end
