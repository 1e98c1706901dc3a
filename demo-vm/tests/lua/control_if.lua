-- if / elseif / else chains and truthiness.
local function classify(n)
  if n < 0 then return "negative"
  elseif n == 0 then return "zero"
  elseif n < 10 then return "small"
  elseif n < 100 then return "medium"
  else return "large" end
end
for _, v in ipairs({-5, 0, 3, 42, 1000, 9.99, -0.0}) do print(v, classify(v)) end
local function truthy(v) if v then return "T" else return "F" end end
print(truthy(nil), truthy(false), truthy(0), truthy(""), truthy({}), truthy(true))
local x = 5
if x > 3 then
  if x > 4 then print("nested >4") else print("nested <=4") end
end
if nil then print("no") elseif false then print("no") end
print("after empty branches")
local grade
local score = 77
if score >= 90 then grade = "A" elseif score >= 80 then grade = "B" elseif score >= 70 then grade = "C" else grade = "F" end
print(grade)
local function fizz(i)
  if i % 15 == 0 then return "FizzBuzz" elseif i % 3 == 0 then return "Fizz" elseif i % 5 == 0 then return "Buzz" end
  return tostring(i)
end
local r = {}
for i = 1, 15 do r[i] = fizz(i) end
print(table.concat(r, " "))
print(x > 3 and "big" or "small", x > 10 and "big" or "small", nil and 1 or 2, false or nil)
