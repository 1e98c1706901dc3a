-- Nested pcall, rethrowing, error objects carrying data, cleanup ordering.
local function risky(n)
  if n > 2 then error({code = n, msg = "too big"}) end
  return n * 10
end
for i = 1, 4 do
  local ok, r = pcall(risky, i)
  if ok then print("ok", r) else print("err", r.code, r.msg) end
end
local ok, e = pcall(function()
  local ok2, e2 = pcall(function() error("inner") end)
  print("inner caught", ok2, e2)
  error("outer", 0)
end)
print(ok, e)
local ok3, e3 = pcall(function()
  local ok4, e4 = pcall(error, {level = "inner"})
  e4.level = e4.level .. "+rethrown"
  error(e4)
end)
print(ok3, e3.level)
local trace = {}
local function try(f, ...)
  trace[#trace + 1] = "enter"
  local res = {pcall(f, ...)}
  trace[#trace + 1] = "leave"
  return table.unpack(res)
end
print(try(function(a, b) return a + b end, 1, 2))
print(try(function(a, b) return a + b end, 1, nil))
print(table.concat(trace, ","))
local depth = 0
local function nest(n)
  if n == 0 then error("bottom") end
  depth = depth + 1
  local ok5, e5 = pcall(nest, n - 1)
  return "level " .. n .. ": " .. tostring(e5)
end
print(pcall(nest, 3))
local Exception = {}
Exception.__index = Exception
Exception.__tostring = function(ex) return "Exception: " .. ex.message end
local function throw(m) error(setmetatable({message = m}, Exception)) end
local okx, ex = pcall(throw, "custom")
print(okx, getmetatable(ex) == Exception, tostring(ex), ex.message)
local results = {}
for i = 1, 3 do
  results[i] = select(2, pcall(function() if i == 2 then error("two", 0) end return i end))
end
print(results[1], results[2], results[3])
