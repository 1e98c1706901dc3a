-- Escape sequences in short strings.
print("tab:[\t] newline:[\n] backslash:[\\] quote:[\"] apos:[\']")
print('single \'quoted\' "double"')
print("\x41\x42\x43", "\x6a\x4B", "\65\066\0067", "\1001")
print("\u{48}\u{49}", "\u{20AC}", #"\u{20AC}", "\u{7FF}", #"\u{10FFFF}")
print("a\z
       b", "c\z   d")
print("bell:" .. #"\a\b\f\v\r", "nul len:" .. #"a\0b")
print(("\0\1\2\255"):byte(1, -1))
print("line1\
line2")
print(#"\z
      ", "\104\101\108\108\111")
local s = "a\tb"
print(#s, s:byte(2))
print("\"\\n\" is", #"\n")
