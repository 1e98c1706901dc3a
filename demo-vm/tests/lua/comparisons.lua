-- Equality and ordering across integers, floats, strings and other types.
print(1 == 1.0, 1 < 1.5, 2 <= 2.0, -1 > -2, 3 >= 3)
print(math.maxinteger < math.maxinteger + 0.0, math.maxinteger + 0.0 == 2 ^ 63)
print(math.maxinteger == 2 ^ 63, math.mininteger == -2 ^ 63)
print(2 ^ 53 == 2 ^ 53 + 1, (2 ^ 53 | 0) + 1 == 2 ^ 53)
print(9007199254740993 < 9007199254740992.0, 9007199254740993 > 9007199254740992.0)
print(1 < math.huge, math.mininteger > -math.huge)
print("a" < "b", "abc" < "abd", "Z" < "a", "" < "a", "a" < "aa", "10" < "9")
print("a" == "a", "a" ~= "b", "abc" <= "abc", "b" >= "a")
print(nil == false, 0 == false, "" == false, nil == nil)
local t1, t2 = {}, {}
print(t1 == t1, t1 == t2, t1 ~= t2)
local f = function() end
print(f == f, f == function() end)
print(not nil, not false, not 0, not "", not not nil)
print(1 and 2, nil and 2, false or "x", nil or false, false and nil)
print(1 == "1", "1" == 1)
local nan = 0 / 0
print(nan == nan, nan < nan, nan <= nan, nan > 0, nan < 0)
print(-0.0 == 0.0, 0 == -0.0, 1/0 > 1e308)
print(pcall(function() return 1 < "2" end))
print(pcall(function() return {} < {} end))
print(pcall(function() return nil < 1 end))
print(pcall(function() return true <= false end))
local values = {3, 1.5, -2, 10, 0, -0.5, 7}
table.sort(values)
print(table.concat(values, " "))
