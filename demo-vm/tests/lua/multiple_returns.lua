-- Multiple results are adjusted to one except at the end of a list.
local function mr() return 1, 2, 3 end
local function none() end
local a, b, c, d = mr()
print(a, b, c, d)
local x, y = mr(), 10
print(x, y)
local t = {mr(), mr()}
print(#t)
print(mr(), "end")
print("start", mr())
print((mr()))
print(none())
print(none(), "after")
local p, q = none()
print(p, q)
local function swap(m, n) return n, m end
print(swap(swap(1, 2)))
local function many(n)
  if n == 0 then return end
  return n, many(n - 1)
end
print(many(5))
local s = select("#", many(10))
print(s)
print(#{none()}, #{none(), 1}, #{mr(), nil})
local function idx() return "k" end
local tt = {[idx()] = mr()}
print(tt.k)
local r1, r2 = (function() return mr() end)()
print(r1, r2)
print(math.max(mr()), string.format("%d%d%d", mr()))
local u, v = 1
print(u, v)
local w1, w2 = 1, 2, 3
print(w1, w2)
