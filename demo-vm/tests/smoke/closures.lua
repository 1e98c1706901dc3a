-- upvalues shared between closures, closed on loop iterations and block exit
local function mk()
  local n = 0
  local function inc() n = n + 1 return n end
  local function get() return n end
  return inc, get
end
local inc, get = mk()
inc(); inc()
print(get())
local fs = {}
for i = 1, 5 do
  local j = i * 10
  fs[i] = function() j = j + 1 return i, j end
end
print(fs[1]()) print(fs[1]()) print(fs[5]())
local acc = {}
local k = 0
while k < 3 do
  k = k + 1
  local captured = k
  acc[#acc + 1] = function() return captured end
end
print(acc[1](), acc[2](), acc[3]())
local t = {}
repeat
  local x = #t + 1
  t[x] = function() return x end
until x >= 3
print(t[1](), t[3]())
-- nested upvalues through several levels
local function outer()
  local a = 1
  return function()
    local b = 2
    return function() a = a + b return a end
  end
end
local f = outer()()
print(f(), f())
-- recursion via local function
local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
print(fact(20), fact(21))
-- varargs
local function pack2(...) return {n = select("#", ...), ...} end
local p = pack2(1, nil, 3, nil)
print(p.n, p[1], p[2], p[3])
local function tail(...) return select(2, ...) end
print(tail("a", "b", "c"))
print((tail("a", "b", "c")))
-- method definitions
local Account = {}
Account.__index = Account
function Account.new(b) return setmetatable({balance = b}, Account) end
function Account:deposit(v) self.balance = self.balance + v return self end
local acct = Account.new(100):deposit(50):deposit(25)
print(acct.balance)
