-- Unbounded recursion raises a catchable "stack overflow" error.
local function runaway(n) return 1 + runaway(n + 1) end
local ok, err = pcall(runaway, 1)
print(ok, type(err), string.find(err, "stack overflow", 1, true) ~= nil)
local depth = 0
local function deeper() depth = depth + 1; local r = deeper(); return r end
local ok2, err2 = pcall(deeper)
print(ok2, depth > 1000, string.find(err2, "stack overflow", 1, true) ~= nil)
local function fine(n) if n == 0 then return 0 end return 1 + fine(n - 1) end
print("after overflow the VM still works", fine(100))
local mt = {}
mt.__index = function(t, k) return t[k] end
local ok3, err3 = pcall(function() return setmetatable({}, mt).x end)
print(ok3, string.find(err3, "stack overflow", 1, true) ~= nil)
