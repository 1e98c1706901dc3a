-- A module loaded by require_module.lua (not a test program itself: *_helper.lua files are skipped).
local M = {}
M.loads = (M.loads or 0) + 1
LOADED_COUNT = (LOADED_COUNT or 0) + 1
function M.greet(name) return "hello, " .. name end
function M.add(a, b) return a + b end
M.name = ...
return M
