-- string.len, sub, upper, lower, rep, reverse.
local s = "Hello, World"
print(string.len(s), #s, string.len(""))
print(s:sub(1, 5), s:sub(8), s:sub(-5), s:sub(-5, -2), s:sub(0), s:sub(5, 3))
print(s:sub(100), s:sub(-100, 2), s:sub(3, 3), s:sub(2, -1), s:sub(-1))
print("[" .. s:sub(0, 0) .. "]", s:sub(math.mininteger, math.maxinteger))
print(s:upper(), s:lower(), ("MiXeD 123 !?"):upper(), ("MiXeD 123 !?"):lower())
print(("ab"):rep(3), ("ab"):rep(3, ","), ("x"):rep(0), ("x"):rep(-1), ("x"):rep(1, "sep"))
print(#("abc"):rep(1000), ("-"):rep(10))
print(s:reverse(), (""):reverse(), ("a"):reverse(), ("ab\0c"):reverse() == "c\0ba")
print(string.upper(s) == s:upper(), string.sub(s, 2, 3))
print(("%d"):rep(3, " "))
local words = {}
for i = 1, 5 do words[i] = ("w" .. i):upper():rep(2) end
print(table.concat(words, " "))
