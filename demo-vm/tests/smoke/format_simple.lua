-- string.format: the simple-format fast path (%d with 0/width, %s of strings, %%)
-- must agree with the general formatter and with lua5.4, errors included.
local vals = {0, 1, -1, 42, -42, 7, 123456, -123456, math.maxinteger, math.mininteger, 99999, 100000}
local specs = {"%d", "%5d", "%05d", "%1d", "%2d", "%02d", "%10d", "%010d", "%0d", "%99d", "%099d"}
for _, s in ipairs(specs) do
  local t = {}
  for _, v in ipairs(vals) do t[#t + 1] = string.format("[" .. s .. "]", v) end
  print(s, table.concat(t, " "))
end
print(string.format("%s|%s|%%|%d%%", "a", "", 5))
print(string.format("%05d:%s;", 42, "even"))
print(pcall(string.format, "%d", 1.5))
print(string.format("%d", 3.0))
print(pcall(string.format, "%d"))
print(pcall(string.format, "%s"))
print(string.format("%s %s", 1, 2.5))
print(pcall(string.format, "%100d", 1))
print(string.format("%5s|%-5d|%+d", "ab", 3, 4))
print(string.format("no specs"))
print(pcall(string.format, "%", 1))
print(pcall(string.format, "%05%"))
print(string.format("%s", "a\\0b"))
