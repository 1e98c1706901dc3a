-- Bitwise operators reject floats without an exact integer representation.
local function try(f)
  local ok, err = pcall(f)
  print(ok, err)
end
local half = 1.5
local big = 2 ^ 64
local t = {}
try(function() return half & 1 end)
try(function() return 1 | half end)
try(function() return big >> 1 end)
try(function() return ~half end)
try(function() return t & 1 end)
try(function() return 1 << t end)
try(function() return 1 / 0 | 0 end)
try(function() return (0 / 0) & 1 end)
try(function() return nil ~ 1 end)
try(function() return 2.0 ^ 53 | 0 end)
