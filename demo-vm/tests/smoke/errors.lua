do local ok, e = pcall(load([==[local t = nil; print(t.x)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[x.y = 1]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local a = {} ; a.b.c = 1]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(1 < nil)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print({} < {})]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local a = 0; print(1//a)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local a = 0; print(1%a)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(("10")+1, "3"*"4", 10 .. 20)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print("a" + 1)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local t = {} t = t + 1]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(3 & 1.5)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print("3" & 1)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local s = "x" .. {}]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local x; local s = "x" .. x]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(#nil)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local function f() local x; x() end f()]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(("x"):bad())]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local t = {} t[1].x = 1]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local u; local function g() return u.x end g()]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[error("boom")]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[error("lvl2", 2)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local function f() error("in f", 2) end f()]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[string.rep()]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[string.rep("x", {})]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[setmetatable(1, {})]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(pcall(error, "x"))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(pcall(error))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local function f() return f() + 1 end f()]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local function f() return pcall(f) end print(select('#', f()))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[for i = 1, "x" do end]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[for i = 1, 10, 0 do end]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local t = setmetatable({}, {__index = function(t, k) return k * 2 end}) print(t[21])]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local t = setmetatable({}, {__newindex = function(t, k, v) rawset(t, k, v * 2) end}) t.x = 5 print(t.x)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(tostring(setmetatable({}, {__tostring = function() return "OBJ" end})))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(setmetatable({}, {__eq = function() return true end}) == setmetatable({}, {__eq = function() return true end}))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local v = setmetatable({}, {__add = function(a, b) return 42 end}) print(v + 1, 1 + v)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local v = setmetatable({}, {__call = function(self, a) return a + 1 end}) print(v(41))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local v = setmetatable({}, {__len = function() return 7 end}) print(#v)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local v = setmetatable({}, {__concat = function(a, b) return "cat" end}) print(v .. "x", "x" .. v)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local v = setmetatable({}, {__lt = function(a, b) return true end}) print(v < v, v > v)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local v = setmetatable({}, {__unm = function(a) return "neg" end}) print(-v)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(getmetatable(setmetatable({}, {__metatable = "locked"})))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[setmetatable(setmetatable({}, {__metatable = "locked"}), {})]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(math.tointeger(3.5), math.type(1), 1e300 * 1e10, -0.0)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(string.format("%d", 3.5))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(next({}, "nokey"))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(select(0))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(("abc"):rep(3, ","), ("abc"):sub(-2), ("hello"):byte(1, -1))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(string.char(72, 105), ("x"):len())]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(table.insert({}, 1, 2, 3))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local t = {1,2,3} table.insert(t, 5, 1)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(table.remove({}), table.remove({1,2,3}), table.remove({1,2,3}, 1))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(tonumber(""), tonumber("  12  "), tonumber("1e1"), tonumber("0x1p4"), tonumber("10", 16), tonumber(nil))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(2^63, math.mininteger, -9223372036854775808, 9223372036854775807 + 0.0)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(8 // 3, -8 // 3, 8 % -3, -8 % 3, 8.5 % -3, 1e308 * 10 // 1)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(1 == 1.0, math.maxinteger < math.huge, 2^53 == 2^53 + 1, math.maxinteger + 0.0 == math.maxinteger)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(0x10, 0xff, 1e2, .5, 3., 0x.8p1)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local a <const> = 5; print(a)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local a <const> = 5; a = 6]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(#{1, 2, nil, 4}, #{nil, nil, 3}, #{1, nil})]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[for i = 3, 1, -1 do io.write(i, " ") end print()]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[for i = 1, 2, 0.5 do io.write(i, " ") end print()]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[for i = 1.0, 3 do io.write(i, " ") end print()]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[for i = math.maxinteger - 2, math.maxinteger do io.write(i, " ") end print()]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(type(nil), type(1), type("s"), type({}), type(print), type(true))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local t = {} t[1.0] = "a" t[2] = "b" print(t[1], #t, next(t))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local t = {10, 20, 30, x = 1} local n = 0 for k, v in pairs(t) do n = n + 1 end print(n)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(rawequal("a", "a"), rawlen({1, 2}), rawlen("abc"), rawget({5}, 1))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(xpcall(function() error("E") end, function(m) return "handled: " .. m end))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(select(-2, "a", "b", "c"))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(string.format("%q", "line\nnew\0zero\"q\""))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(string.format("%-5s|%5s|%.2s", "ab", "cd", "xyz"))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(string.format("%g %g %g %g", 1e20, 0.1, 100, 1/3))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(string.format("%5.1f|%05d|%+d|%e", -3.14159, 42, 5, 0))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(math.floor(-0.0), math.ceil(-0.5), 7 // 2, 7.0 // 2, -7 // 2.0)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(math.abs(math.mininteger), math.fmod(-7, 3), math.fmod(7, -3), math.fmod(-7.5, 2))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(load("return 1 + 1")(), load("syntax error here"))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(load("x = ")) ]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(pcall(load, nil))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local f = load("local a, b = ... return a * b") print(f(6, 7))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local env = {y = 5} local f = load("return y", "chunk", "t", env) print(f())]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(string.format("%s %s", 1, 1.5), 1e15, 1e16, 123456789012)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(-nil)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(nil .. "x")]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local t = {} print(t.x.y)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(undefinedfunc())]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local t = {} t:nomethod()]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(math.huge // 0, -math.huge % 2, 5.0 % math.huge, -5.0 % math.huge)]==])) if not ok then print('ERR', e) end end
