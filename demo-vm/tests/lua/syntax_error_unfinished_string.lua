print("fine")
local s = "unterminated
print(s)
