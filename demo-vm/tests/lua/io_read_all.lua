-- io.read("a") returns the rest of stdin (fed from io_read_all.stdin), then "" at end of file.
local head = io.read("l")
local rest = io.read("a")
print("head:", head)
print("rest length:", #rest)
local lines = 0
for _ in rest:gmatch("[^\n]*\n") do lines = lines + 1 end
print("rest lines:", lines)
io.write(rest)
print("again:", io.read("a") == "", io.read("l"))
