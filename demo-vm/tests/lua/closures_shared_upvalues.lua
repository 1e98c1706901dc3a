-- Several closures sharing one upvalue see each other's writes, also after the frame dies.
local function pair()
  local v = 0
  local function get() return v end
  local function set(x) v = x end
  return get, set
end
local get, set = pair()
print(get()); set(42); print(get())
local get2, set2 = pair()
set2("other")
print(get(), get2())
local x = 1
local function readx() return x end
x = 2
print(readx())
local function bump() x = x + 10 end
bump()
print(x, readx())
local fns = {}
do
  local shared = 0
  for i = 1, 3 do
    fns[i] = function() shared = shared + i; return shared end
  end
end
print(fns[1](), fns[2](), fns[3](), fns[1]())
local function mk()
  local a, b = 1, 2
  local f = function() a, b = b, a; return a, b end
  local g = function() return a * 10 + b end
  return f, g
end
local f, g = mk()
print(g()); f(); print(g()); f(); print(g())
local function nested_share()
  local n = 0
  local function lvl1()
    local function lvl2() n = n + 1 end
    lvl2(); lvl2()
    return n
  end
  return lvl1
end
local l1 = nested_share()
print(l1(), l1())
