-- __index as a table, as a function, and in chains.
local base = {greet = "hello", kind = "base"}
local mid = setmetatable({kind = "mid"}, {__index = base})
local leaf = setmetatable({}, {__index = mid})
print(leaf.greet, leaf.kind, leaf.missing, rawget(leaf, "kind"))
local calls = 0
local computed = setmetatable({}, {__index = function(t, k)
  calls = calls + 1
  if type(k) == "number" then return k * k end
  return "key:" .. tostring(k)
end})
print(computed[4], computed.abc, computed[true], calls)
computed[4] = "stored"
print(computed[4], calls)
local defaults = setmetatable({}, {__index = function() return 0 end})
defaults.x = defaults.x + 5
print(defaults.x, defaults.y)
local chain = setmetatable({}, {__index = setmetatable({}, {__index = function(_, k) return "deep " .. k end})})
print(chain.foo)
local proxy_target = {a = 1}
local proxy = setmetatable({}, {__index = proxy_target})
proxy_target.b = 2
print(proxy.a, proxy.b)
local arr = setmetatable({10, 20}, {__index = function(t, i) return "no " .. i end})
print(arr[1], arr[2], arr[3])
print(getmetatable(leaf).__index == mid, getmetatable({}), getmetatable(setmetatable({}, nil)))
local s = setmetatable({}, {__index = string})
print(s.upper("x"), s.format("%03d", 7))
local level = {}
local cur = level
for i = 1, 20 do
  local nxt = {}
  setmetatable(cur, {__index = nxt})
  cur = nxt
end
cur.bottom = "reached"
print(level.bottom)
print(pcall(setmetatable, {}, 1))
print(select("#", setmetatable({}, {})))
local mt = {}
mt.__index = mt
mt.shared = "via self-index"
print(setmetatable({}, mt).shared)
