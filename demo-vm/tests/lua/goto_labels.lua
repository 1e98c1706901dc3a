-- goto and labels: the continue idiom, leaving nested loops, backward jumps.
for i = 1, 10 do
  if i % 2 == 0 then goto continue end
  io.write(i, " ")
  ::continue::
end
print()
for i = 1, 3 do
  for j = 1, 3 do
    if i * j == 4 then
      print("found", i, j)
      goto done
    end
  end
end
::done::
local k = 1
::top::
if k <= 3 then
  io.write("k", k, " ")
  k = k + 1
  goto top
end
print()
local i = 0
while i < 6 do
  i = i + 1
  if i == 3 then goto skip end
  io.write(i, ",")
  ::skip::
end
print()
do
  goto forward
  print("skipped")
  ::forward::
  print("landed")
end
local fs = {}
local x = 0
::again::
local captured = x
fs[#fs + 1] = function() return captured end
x = x + 1
if x < 3 then goto again end
print(fs[1](), fs[2](), fs[3]())
for a = 1, 2 do
  for b = 1, 3 do
    if b == 2 then goto next_b end
    io.write(a, b, " ")
    ::next_b::
  end
end
print()
