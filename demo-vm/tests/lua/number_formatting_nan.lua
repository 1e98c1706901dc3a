-- How NaN prints. Lua uses C's printf, so on x86-64 Linux the sign of the NaN
-- shows: 0/0 computed at run time is the processor's default NaN, which is
-- negative ("-nan"); negating it gives "nan".
local z = 0
local nan = z / z
print(nan, -nan)
print(math.huge - math.huge, math.huge * 0)
print(tostring(nan), string.format("%.1f", nan), string.format("%5.2f|%g", -nan, -nan))
print(nan == nan, nan ~= nan, math.type(nan))
print(math.max(nan, 1), math.min(1, nan))
local t = {}
print(pcall(function() t[nan] = 1 end))
print(t[nan])
