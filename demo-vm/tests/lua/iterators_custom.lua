-- Custom iterators: stateless iterator functions, closures, and the generic-for protocol.
local function range(n, step)
  step = step or 1
  local i = 0
  return function()
    i = i + step
    if i <= n then return i end
  end
end
for i in range(5) do io.write(i, " ") end
print()
for i in range(10, 3) do io.write(i, " ") end
print()
local function iter(t, i)
  i = i + 1
  local v = t[i]
  if v then return i, v end
end
local function myipairs(t) return iter, t, 0 end
for i, v in myipairs({"x", "y", "z"}) do io.write(i, v, " ") end
print()
local function chars(s)
  local pos = 0
  return function()
    pos = pos + 1
    if pos <= #s then return pos, s:sub(pos, pos) end
  end
end
for p, ch in chars("lua") do io.write(p, ch, ";") end
print()
local function rev(t)
  return function(tt, i)
    i = i - 1
    if i > 0 then return i, tt[i] end
  end, t, #t + 1
end
for i, v in rev({1, 2, 3}) do io.write(i, ":", v, " ") end
print()
local function fib_iter(limit)
  return function(state, last)
    local nxt = state.a + state.b
    state.a, state.b = state.b, nxt
    if state.a <= limit then return state.a end
  end, {a = 0, b = 1}, 0
end
for f in fib_iter(100) do io.write(f, " ") end
print()
local function pairs_sorted(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = k end
  table.sort(ks)
  local i = 0
  return function()
    i = i + 1
    local k = ks[i]
    if k ~= nil then return k, t[k] end
  end
end
for k, v in pairs_sorted({zebra = 1, apple = 2, mango = 3}) do io.write(k, "=", v, " ") end
print()
local calls = 0
local function counted()
  return function(_, c)
    calls = calls + 1
    if c < 3 then return c + 1 end
  end, nil, 0
end
for c in counted() do io.write(c, " ") end
print("calls", calls)
local function multi()
  local i = 0
  return function()
    i = i + 1
    if i <= 2 then return i, i * 10, i * 100 end
  end
end
for a, b, c in multi() do print(a, b, c) end
