-- Loaded by dofile_script.lua: runs top to bottom and returns values.
DATA_RUNS = (DATA_RUNS or 0) + 1
return {1, 2, 3}, "second"
