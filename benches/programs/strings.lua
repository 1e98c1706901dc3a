-- bench: string building (table.concat, string.format, .., sub, byte, rep)
-- quick-size: 2
local n = arg and arg[1] and tonumber(arg[1]) or 350

local total_len, checksum = 0, 0
for round = 1, n do
  local parts = {}
  for i = 1, 10000 do
    parts[#parts + 1] = string.format("%05d:%s;", (i * round) % 100000, (i % 2 == 0) and "even" or "odd")
  end
  local s = table.concat(parts)
  total_len = total_len + #s

  -- short concatenations
  local line = ""
  for i = 1, 200 do
    line = line .. string.sub(s, i, i + 2) .. ","
  end
  total_len = total_len + #line

  -- scan bytes
  for i = 1, #s, 97 do
    checksum = (checksum + string.byte(s, i) * i) % 1000000007
  end

  local joined = table.concat(parts, "|", 1, 500)
  local padded = string.rep("ab", 50) .. string.upper(string.sub(joined, 1, 20))
  checksum = (checksum + #joined + #padded + string.byte(padded, #padded)) % 1000000007
end
print(string.format("%d %d", total_len, checksum))
