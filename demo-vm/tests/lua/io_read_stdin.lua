-- io.read reads lines from stdin (fed from io_read_stdin.stdin) until end of file.
local first = io.read()
print("first:", first)
local second = io.read("l")
print("second:", second)
local with_newline = io.read("L")
print("with newline:", with_newline == "third\n", #with_newline)
local count = 0
while true do
  local line = io.read()
  if line == nil then break end
  count = count + 1
  print(count, "[" .. line .. "]", #line)
end
print("eof read:", io.read(), io.read("l"))
