-- Method call syntax a:b(...) passes a as self; a.b(a, ...) is the same call.
local obj = {name = "box", size = 3}
function obj:describe(prefix) return prefix .. self.name .. "(" .. self.size .. ")" end
function obj.static(x) return x * 2 end
print(obj:describe("> "), obj.describe(obj, "# "), obj.static(21))
function obj:grow(n) self.size = self.size + n; return self end
print(obj:grow(1):grow(2):describe(""))
local other = {name = "other", size = 0, describe = obj.describe}
print(other:describe("* "))
local s = "text"
print(s:upper(), ("lit"):rep(2))
local counter = {n = 0}
function counter:inc() self.n = self.n + 1; return self.n end
counter:inc(); counter:inc()
print(counter.n)
local calls = 0
local function getobj() calls = calls + 1; return counter end
getobj():inc()
print(calls, counter.n)
local nested = {inner = {v = 7}}
function nested.inner:get() return self.v end
print(nested.inner:get())
local t = {f = function(self, ...) return select("#", ...), self == nil end}
print(t:f(1, 2), t.f(nil))
print(pcall(function() local o = {}; return o:missing() end))
