print("before")
local t = nil
local function f() return t.field end
f()
print("after")
