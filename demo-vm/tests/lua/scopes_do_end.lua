-- Lexical scoping: do blocks, shadowing, locals vs globals.
local x = "outer"
do
  local x = "inner"
  print(x)
  do
    local x = "innermost"
    print(x)
  end
  print(x)
end
print(x)
g = "global"
do
  local g = "local shadow"
  print(g)
end
print(g)
local y = 1
local y = y + 1
print(y)
local function f()
  local x = "function local"
  return x
end
print(f(), x)
for x = 1, 2 do io.write(x, " ") end
print(x)
local a = 10
do
  a = 20
  local a = 30
  a = 40
end
print(a)
local z
print(z)
do local w = 5 end
print(w)
local counter = 0
do
  local function inc() counter = counter + 1 end
  inc(); inc()
end
print(counter)
local p, q = 1
do local p, q = q, p; print(p, q) end
print(p, q)
print(_G.g, _G.x, type(_G))
