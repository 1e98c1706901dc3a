-- io.read("n") parses numbers from stdin (fed from io_read_numbers.stdin).
local a, b, c = io.read("n", "n", "n")
print(a, b, c, math.type(a), math.type(b), math.type(c))
local sum = 0
while true do
  local n = io.read("n")
  if not n then break end
  sum = sum + n
end
print("sum", sum)
print("after failure:", io.read("l"))
