-- dofile runs a file every time it is called and returns its results.
local t, s = dofile("data_helper.lua")
print(#t, s, DATA_RUNS)
dofile("data_helper.lua")
print(DATA_RUNS)
local ok, err = pcall(dofile, "missing_file_xyz.lua")
print(ok, type(err))
