-- Classes with metatables: constructors, methods, inheritance, super calls, polymorphism.
local Animal = {}
Animal.__index = Animal
function Animal.new(name, sound)
  local self = setmetatable({}, Animal)
  self.name, self.sound = name, sound
  return self
end
function Animal:speak() return self.name .. " says " .. self.sound end
function Animal:kind() return "animal" end

local Dog = setmetatable({}, {__index = Animal})
Dog.__index = Dog
function Dog.new(name, breed)
  local self = Animal.new(name, "woof")
  self.breed = breed
  return setmetatable(self, Dog)
end
function Dog:kind() return "dog (" .. self.breed .. ")" end
function Dog:speak() return Animal.speak(self) .. "!" end

local Puppy = setmetatable({}, {__index = Dog})
Puppy.__index = Puppy
function Puppy.new(name) return setmetatable(Dog.new(name, "mixed"), Puppy) end
function Puppy:speak() return Dog.speak(self) .. " (tiny)" end

local zoo = {Animal.new("Cat", "meow"), Dog.new("Rex", "lab"), Puppy.new("Bit")}
for _, a in ipairs(zoo) do print(a:speak(), a:kind()) end
print(getmetatable(zoo[3]) == Puppy, rawget(Puppy, "kind"), zoo[3].kind == Dog.kind)

local function isinstance(obj, cls)
  local mt = getmetatable(obj)
  while mt do
    if mt == cls then return true end
    local parent = getmetatable(mt)
    mt = parent and parent.__index
  end
  return false
end
print(isinstance(zoo[3], Animal), isinstance(zoo[1], Dog), isinstance(zoo[2], Dog))

local Stack = {}
Stack.__index = Stack
Stack.__len = function(s) return s.n end
Stack.__tostring = function(s)
  local parts = {}
  for i = 1, s.n do parts[i] = tostring(s.items[i]) end
  return "Stack[" .. table.concat(parts, ",") .. "]"
end
function Stack.new() return setmetatable({items = {}, n = 0}, Stack) end
function Stack:push(v) self.n = self.n + 1; self.items[self.n] = v; return self end
function Stack:pop()
  if self.n == 0 then return nil end
  local v = self.items[self.n]
  self.items[self.n] = nil
  self.n = self.n - 1
  return v
end
local st = Stack.new():push(1):push("two"):push(3.0)
print(tostring(st), #st, st:pop(), #st, tostring(st))

local Account = {}
Account.__index = Account
local count = 0
function Account.new(balance)
  count = count + 1
  return setmetatable({balance = balance or 0, id = count}, Account)
end
function Account:deposit(v) self.balance = self.balance + v end
function Account:withdraw(v)
  if v > self.balance then error("insufficient funds", 2) end
  self.balance = self.balance - v
end
local acc = Account.new(100)
acc:deposit(50)
print(acc.balance, pcall(acc.withdraw, acc, 500))
acc:withdraw(30)
print(acc.balance, acc.id, Account.new().id)
