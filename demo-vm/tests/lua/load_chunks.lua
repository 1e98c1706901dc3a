-- load compiles strings into functions, with chunk names, modes and custom environments.
local f = load("return 1 + 2")
print(type(f), f())
local g = load("local a, b = ...; return a * b")
print(g(6, 7))
print(load("syntax error here"))
print(load("x = ", "=mychunk"))
print(load("return +", "@virtual.lua"))
print(type(load("error('boom')", "=named")))
print(pcall(load("error('boom')", "=named")))
print(pcall(load("error('boom')", "@file.lua")))
print(pcall(load("local t = nil; return t.x", "=idx")))
local env = {print = print, value = 99}
local h = load("value = value + 1; return value", "envchunk", "t", env)
print(h(), env.value, value)
local sandbox = load("return tostring", "=sb", "t", {})
print(sandbox())
local parts = {"return ", "10", " * ", "3"}
local i = 0
local pieced = load(function()
  i = i + 1
  return parts[i]
end)
print(pieced())
G_COUNTER = 0
load("G_COUNTER = G_COUNTER + 5")()
print(G_COUNTER)
local ok, err = load("return 1", "=c", "b")
print(ok, err)
local add = load("return function(a, b) return a + b end")()
print(add(2, 3))
local src = "local n = 0; for i = 1, 10 do n = n + i end; return n"
print(load(src)())
local chunk_env = setmetatable({}, {__index = _G})
load("newglobal = 'in env'", "=e", "t", chunk_env)()
print(chunk_env.newglobal, newglobal)
