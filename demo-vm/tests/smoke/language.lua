do local ok, e = pcall(load([==[local t = {} for i = 1, 3 do t[i] = function() return i end end print(t[1](), t[2](), t[3]())]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local t = {} local i = 1 while i <= 3 do local j = i t[i] = function() return j end i = i + 1 end print(t[1](), t[3]())]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[for i = 1, 3 do if i == 2 then goto continue end io.write(i, " ") ::continue:: end print()]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local a, b, c = 1 print(a, b, c)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local a, b = 1, 2, 3 print(a, b)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local function f(...) local a, b = ... return a, b, select('#', ...) end print(f(1)) print(f(1, 2, 3))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local function f(...) return ... end print(f(1, nil, nil))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local t = {f = function(self, x) return self.v + x end, v = 10} print(t:f(5), t.f(t, 1))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[a, b = 1, 2 a, b = b, a print(a, b)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local t = {1, 2} t[1], t[2] = t[2], t[1] print(t[1], t[2])]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(math.maxinteger * 2, math.mininteger // -1, math.mininteger % -1)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(7 // -2, -7 // -2, 7 % -2, -7 % -2, 0.0 / 0 ~= 0.0 / 0)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print("10" + 5, "3.5" * 2, 10 .. "", "0x10" + 0, " 7 " * 1)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(1 < 1.5, 2 > 1.5, math.maxinteger < 2^63, -1 < -0.5)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(("abc"):byte(-1), ("%d"):format(5))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local s = 0 for i = 10, 1, -3 do s = s + i end print(s)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local t = {} for i = 1, 100 do t[i] = i end for i = 1, 50 do t[i] = nil end print(#t == 100 or #t == 0)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local t = {n = 0} function t.inc(self) self.n = self.n + 1 return self end t:inc():inc() print(t.n)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local x = 0 for _, v in ipairs({1, 2, nil, 4}) do x = x + v end print(x)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(string.format("[%10.3f]", math.pi), string.format("%x", -1))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[do local a = 1 do local a = 2 print(a) end print(a) end]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local function r(n) if n == 0 then return 0 end return r(n - 1) end print(r(100000))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local function tc(n, acc) if n == 0 then return acc end return tc(n - 1, acc + 1) end print(tc(1000000, 0))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local s = "" for i = 1, 10 do s = s .. i end print(s)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(#"\0abc", "a\0b" == "a\0b")]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(2^-1, 10 // 3.0, 2^0.5)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local t = setmetatable({}, {__index = {a = 1, b = 2}}) print(t.a, t.b, t.c)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local base = {greet = function(self) return "hi " .. self.name end} local obj = setmetatable({name = "bob"}, {__index = base}) print(obj:greet())]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(tostring(1e100), tostring(-1e-100), 2^1023 * 2, math.pi * 1e6)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(string.format("%.3f", 2/3), string.format("%5s|%-5s|", "a", "b"))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(table.concat({}, ","), table.concat({"a"}, ","), table.concat({1, 2, 3}, ", ", 2, 3))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(select('#', table.unpack({1, nil, 3})))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(tostring(0/0) == tostring(0/0), 3 == 3.0000000000000001)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(math.min(3, 1.5), math.max(-1, -2), math.min(1))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local t = {} t.x = 1 t.x = nil print(next(t))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(rawequal({}, {}), rawequal(1, 1.0))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local co = {} for i = 1, 5 do co[#co + 1] = i * i end print(#co, co[5])]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(not nil, not 0, nil and 1, false or "x", 1 and 2, nil or false)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(1 and nil, (nil or 0) + 1)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[local a = {} a[1] = 1 a[3] = 3 print(#a)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[while true do break end print("ok")]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[repeat local x = 5 until x == 5 print("rep")]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(2^31 | 0, 1 << 63, 1 << 64, -1 >> 1, 5 // 0.0, -5 % 0.0)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(math.tointeger("8"), math.tointeger(2^62), tonumber("1e"), tonumber("0x"), tonumber("1 2"))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(#table.pack(1, 2, nil), table.pack(1, nil).n)]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(string.format("%c%c%c", 76, 117, 97), ("x"):rep(0), ("ab"):reverse())]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(("Hello"):upper(), ("Hello"):lower(), ("hello"):sub(2, 3), ("hello"):sub(-3), ("hello"):sub(10))]==])) if not ok then print('ERR', e) end end
do local ok, e = pcall(load([==[print(string.find("hello world", "o w"), string.find("hello", "l", 1, true), string.find("abc", "x"))]==])) if not ok then print('ERR', e) end end
