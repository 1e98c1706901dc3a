-- Loop variables are fresh per iteration, so closures capture different copies.
local fs = {}
for i = 1, 5 do fs[i] = function() return i end end
local out = {}
for i = 1, 5 do out[i] = fs[i]() end
print(table.concat(out, " "))
local gs = {}
for _, v in ipairs({"a", "b", "c"}) do gs[#gs + 1] = function() return v end end
print(gs[1](), gs[2](), gs[3]())
local hs = {}
local j = 0
while j < 3 do
  j = j + 1
  local k = j * 100
  hs[j] = function() k = k + 1; return k end
end
print(hs[1](), hs[1](), hs[2](), hs[3]())
local same = {}
local counter = 0
for i = 1, 3 do same[i] = function() counter = counter + i; return counter end end
print(same[1](), same[2](), same[3]())
local rs = {}
local n = 0
repeat
  n = n + 1
  local captured = n * n
  rs[n] = function() return captured end
until n == 4
print(rs[1](), rs[2](), rs[3](), rs[4]())
local mut = {}
for i = 1, 3 do
  local v = i
  mut[i] = {get = function() return v end, set = function(x) v = x end}
end
mut[2].set(20)
print(mut[1].get(), mut[2].get(), mut[3].get())
local creators = {}
for i = 1, 3 do
  creators[i] = function()
    return function() return i * 2 end
  end
end
print(creators[1]()(), creators[3]()())
