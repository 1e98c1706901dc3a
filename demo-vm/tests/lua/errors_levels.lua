-- error levels decide which position is prefixed to the message.
local function lvl1() error("level 1") end
local function lvl2() error("level 2", 2) end
local function lvl0() error("level 0", 0) end
local function caller() lvl2() end
print(pcall(lvl1))
print(pcall(lvl2))
print(pcall(caller))
print(pcall(lvl0))
local function check(x)
  if type(x) ~= "number" then error("expected number, got " .. type(x), 2) end
  return x
end
local function user()
  local v = check("oops")
  return v
end
print(pcall(user))
local function deep3() error("deep", 3) end
local function deep2() deep3() end
local function deep1()
  deep2()
end
print(pcall(deep1))
print(pcall(error, "direct level 1", 1))
print(pcall(error, "direct level 2", 2))
local function nonstr() error({}, 2) end
local ok, e = pcall(nonstr)
print(ok, type(e))
local function numerr() error(123, 1) end
print(pcall(numerr))
