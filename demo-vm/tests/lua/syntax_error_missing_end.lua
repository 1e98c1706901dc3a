-- A function body without its closing 'end'.
local function f(x)
  if x then
    return 1
  end

print(f(1))
