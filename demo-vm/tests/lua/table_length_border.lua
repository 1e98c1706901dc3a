-- The length operator on sequences, after growth and after removal from the end.
local t = {}
for i = 1, 100 do t[i] = i end
print(#t)
t[#t] = nil
print(#t)
for i = #t, 51, -1 do t[i] = nil end
print(#t)
local s = {}
print(#s)
s[1] = "a"
print(#s)
s[2] = "b"; s[3] = "c"
print(#s)
s[3] = nil
print(#s)
local grow = {}
for i = 1, 1000 do grow[#grow + 1] = i * 2 end
print(#grow, grow[1000], grow[500])
local strs = {"x", "y", "z"}
print(#strs, #"xyz", #strs[1])
local seq = {n = 0}
for i = 1, 10 do seq[i] = true end
print(#seq)
local function len(x) return #x end
print(len({1, 2, 3, nil}), len({nil}), len({}))
local fromCtor = {1, 2, 3, 4, 5}
fromCtor[6] = 6
fromCtor[7] = 7
print(#fromCtor)
