-- getmetatable honours __metatable, and setmetatable refuses protected tables.
local t = setmetatable({}, {__metatable = "locked", __index = {x = 1}})
print(getmetatable(t), t.x)
print(pcall(setmetatable, t, {}))
local u = setmetatable({}, {__metatable = false})
print(getmetatable(u))
local mtbl = {}
local v = setmetatable({}, mtbl)
print(getmetatable(v) == mtbl)
setmetatable(v, nil)
print(getmetatable(v))
local fake = {}
local w = setmetatable({}, {__metatable = fake})
print(getmetatable(w) == fake)
print(getmetatable("abc").__metatable, type(getmetatable("abc")))
print(getmetatable(1), getmetatable(nil), getmetatable(print))
