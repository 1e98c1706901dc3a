-- Assigning to a call result is not allowed.
local function f() return 1 end
f() = 3
