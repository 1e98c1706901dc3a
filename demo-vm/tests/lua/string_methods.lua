-- String values share the string table as their __index metatable.
local s = "Lua"
print(s:len(), s:upper(), s:lower(), s:rep(2), s:byte(1), s:sub(2))
print(("%d-%d"):format(1, 2), ("abc"):find("b"), ("x"):reverse())
print(#s, #"", #"\0\0")
print(getmetatable("").__index == string, type(getmetatable("abc")))
local str = "chain"
print(str:upper():lower():rep(2, "+"):len())
local mt = getmetatable("")
print(mt.__index.upper("via metatable"))
string.shout = function(x) return x:upper() .. "!" end
print(("hey"):shout())
string.shout = nil
print(pcall(function() return ("hey"):shout() end))
local n = 10
print(pcall(function() return n:upper() end))
