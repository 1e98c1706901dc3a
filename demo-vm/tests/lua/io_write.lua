-- io.write writes strings and numbers without separators or newlines.
io.write("a", "b", 1, 2.5, "\n")
io.write()
io.write(1.0, " ", 2^53, " ", 0.1, " ", 100 // 1.0, "\n")
io.write(-0.0, " ", 1e100, " ", math.mininteger, "\n")
local r = io.write("chained ")
print(r == io.stdout or type(r))
io.write("x"):write("y"):write("\n")
for i = 1, 3 do io.write(i, i < 3 and "," or "\n") end
io.write(string.rep("=", 20), "\n")
print(pcall(io.write, {}))
