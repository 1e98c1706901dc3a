-- Long brackets for strings and comments.
local a = [[
first line skipped newline
second]]
print(a)
print(#a)
local b = [==[
contains ]] and [[ and ]=] inside]==]
print(b)
local c = [[no escapes \n \t \x41 here]]
print(c)
--[[ a long
comment print("not printed")
]]
--[==[ another
]] still comment
]==]
print("after comments") --[[ inline ]] print("same line")
-- short comment print("no")
local d = [[

two newlines, first skipped]]
print(d, #d)
local e = [[]]
print(#e, e == "")
local f = [=[
]=]
print(#f)
print([[a]] .. [=[b]=] .. [==[c]==])
