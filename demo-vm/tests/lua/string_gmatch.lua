-- string.gmatch: iterate over matches and captures.
for w in ("the quick brown fox"):gmatch("%a+") do io.write(w, ";") end
print()
for k, v in ("a=1, b=2, c=3"):gmatch("(%w+)=(%w+)") do io.write(k, "->", v, " ") end
print()
local n = 0
for _ in ("one two  three   four"):gmatch("%S+") do n = n + 1 end
print("words", n)
for pos, ch in ("abc"):gmatch("()(.)") do io.write(pos, ch, " ") end
print()
for num in ("1, -2, 3.5, 4e2, x"):gmatch("-?%d+%.?%d*") do io.write(num, "|") end
print()
local parts = {}
for field in ("a,b,,d,"):gmatch("([^,]*)") do parts[#parts + 1] = "[" .. field .. "]" end
print(table.concat(parts))
local it = ("x y z"):gmatch("%a")
print(it(), it(), it(), it())
for a, b in ("k1:v1;k2:v2"):gmatch("(%w+):(%w+)") do print(a, b) end
local count = 0
for _ in (""):gmatch("x") do count = count + 1 end
print("empty", count)
for m in ("aaa"):gmatch("a*") do io.write("<", m, ">") end
print()
