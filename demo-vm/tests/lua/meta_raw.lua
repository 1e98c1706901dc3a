-- rawget, rawset, rawequal and rawlen bypass metamethods.
local mt = {
  __index = function() return "default" end,
  __newindex = function() error("blocked") end,
  __eq = function() return true end,
  __len = function() return 99 end,
}
local t = setmetatable({}, mt)
print(t.x, rawget(t, "x"))
print(pcall(function() t.y = 1 end))
rawset(t, "y", 1)
print(t.y, rawget(t, "y"))
local u = setmetatable({}, mt)
print(t == u, rawequal(t, u), rawequal(t, t), rawequal(1, 1.0), rawequal("a", "a"))
rawset(t, 1, "a"); rawset(t, 2, "b")
print(#t, rawlen(t), rawlen("hello"))
print(rawequal(nil, nil), rawequal(nil, false), rawequal({}, {}))
print(rawset(t, "z", 3) == t, rawget(t, "z"))
print(pcall(rawget, "str", 1))
print(pcall(rawlen, 5))
print(pcall(rawset, {}, nil, 1))
