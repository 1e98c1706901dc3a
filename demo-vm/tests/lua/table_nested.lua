-- Nested tables, deep access, self-references, matrices.
local cfg = {server = {host = "localhost", ports = {80, 443}}, debug = false}
print(cfg.server.host, cfg.server.ports[2], #cfg.server.ports, cfg.debug)
cfg.server.ports[#cfg.server.ports + 1] = 8080
print(table.concat(cfg.server.ports, ","))
local m = {}
for i = 1, 4 do
  m[i] = {}
  for j = 1, 4 do m[i][j] = i * j end
end
for i = 1, 4 do print(table.concat(m[i], " ")) end
local function transpose(a)
  local r = {}
  for i = 1, #a[1] do
    r[i] = {}
    for j = 1, #a do r[i][j] = a[j][i] end
  end
  return r
end
local a = {{1, 2, 3}, {4, 5, 6}}
local tr = transpose(a)
for i = 1, #tr do print(table.concat(tr[i], " ")) end
local self = {}
self.me = self
print(self.me.me.me == self)
local tree = {value = 1, children = {{value = 2, children = {}}, {value = 3, children = {{value = 4, children = {}}}}}}
local function sum(node)
  local s = node.value
  for _, c in ipairs(node.children) do s = s + sum(c) end
  return s
end
print(sum(tree))
local deep = {}
local cur = deep
for i = 1, 50 do cur.next = {depth = i}; cur = cur.next end
local d, p = 0, deep.next
while p do d = p.depth; p = p.next end
print("depth", d)
local shared = {1}
local holder = {shared, shared}
holder[1][1] = 99
print(holder[2][1])
