-- A syntax error: nothing runs, so nothing is printed on stdout.
print("this line never runs")
local x = = 2
