for i = 1, 5 do
  if i % 2 == 0 then goto continue end
  io.write(i, " ")
  ::continue::
end
print()
local i = 1
::top::
if i <= 3 then io.write("g", i, " ") i = i + 1 goto top end
print()
do
  local n = 0
  while true do
    n = n + 1
    if n > 10 then break end
  end
  print(n)
end
for a = 1, 3 do
  for b = 1, 3 do
    if b == 2 then break end
    io.write(a, b, " ")
  end
end
print()
local r = 0
repeat
  local stop = r >= 4
  r = r + 1
until stop
print(r)
local x = 10
if x > 5 then print("big") elseif x > 2 then print("mid") else print("small") end
if x < 5 then print("big") elseif x > 2 then print("mid") else print("small") end
if x < 5 then print("big") elseif x < 2 then print("mid") else print("small") end
for k = 10, 1 do print("never") end
for k = 1, 0.5 do print("never") end
for k = 1, 3, 1 do io.write(k) end print()
for k = 1.5, 3.5 do io.write(k, " ") end print()
for k = math.maxinteger - 1, math.maxinteger do io.write(k, " ") end print()
for k = math.mininteger, math.mininteger + 2 do io.write(k, " ") end print()
for k = 1, 3 do local k = k * 2 io.write(k, " ") end print()
