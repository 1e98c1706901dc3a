-- error with level 0 adds no position even when uncaught.
for i = 1, 3 do print("step", i) end
error("plain message", 0)
