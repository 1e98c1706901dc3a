-- Equal strings compare equal however they were built; strings work as table keys by value.
local a = "hello"
local b = "hel" .. "lo"
local c = string.format("%s%s", "hel", "lo")
local d = ("olleh"):reverse()
local e = string.char(104, 101, 108, 108, 111)
print(a == b, a == c, a == d, a == e, rawequal(a, e))
local t = {}
t[a] = 1
print(t[b], t[c], t[d], t[e])
t[b] = 2
print(t.hello, t[a])
local long1 = string.rep("abc", 1000)
local long2 = string.rep("ab", 1000, "c") .. "c"
print(long1 == long2, #long1, #long2)
local k = {}
for i = 1, 100 do k["key" .. i] = i end
local sum = 0
for i = 1, 100 do sum = sum + k["key" .. i] end
print(sum)
local parts = {}
for i = 1, 50 do parts[i] = "p" end
print(table.concat(parts) == string.rep("p", 50))
print(("x"):rep(40) == ("x"):rep(20) .. ("x"):rep(20), "" == (""):rep(5))
print("a\0b" == "a\0b", "a\0b" == "a\0c", #"a\0b")
local num_key = {}
num_key["1"] = "string one"
num_key[1] = "number one"
print(num_key["1"], num_key[1], num_key[1.0])
