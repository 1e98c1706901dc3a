-- __newindex as a function and as a table; existing keys bypass it.
local log = {}
local t = setmetatable({existing = 1}, {__newindex = function(tbl, k, v)
  log[#log + 1] = tostring(k) .. "=" .. tostring(v)
  rawset(tbl, k, v * 2)
end})
t.a = 5
t.existing = 10
t.a = 7
print(t.a, t.existing, table.concat(log, " "))
local store = {}
local redirect = setmetatable({}, {__newindex = store})
redirect.x = 42
print(rawget(redirect, "x"), store.x)
local ro = setmetatable({}, {__newindex = function(_, k) error("read-only: " .. k, 2) end})
print(pcall(function() ro.field = 1 end))
local count = 0
local tracked = setmetatable({}, {
  __index = function(_, k) return store[k] end,
  __newindex = function(_, k, v) count = count + 1; store[k] = v end,
})
tracked.p = 1; tracked.q = 2; tracked.p = 3
print(count, tracked.p, tracked.q, rawget(tracked, "p"))
local chain_store = {}
local level2 = setmetatable({}, {__newindex = chain_store})
local level1 = setmetatable({}, {__newindex = level2})
level1.deep = "value"
print(rawget(level1, "deep"), rawget(level2, "deep"), chain_store.deep)
local arr = setmetatable({}, {__newindex = function(tt, k, v) rawset(tt, k, v .. "!") end})
arr[1] = "a"; arr[2] = "b"
print(#arr, arr[1], arr[2])
arr[1] = nil
arr[1] = "again"
print(arr[1])
