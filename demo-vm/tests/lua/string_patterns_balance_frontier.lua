-- %b balanced matches and %f frontier patterns.
print(("f(a(b)c) d(e)"):match("%b()"))
for m in ("f(a(b)c) d(e) g("):gmatch("%b()") do io.write(m, " ") end
print()
print(("if [x [y]] then"):gsub("%b[]", "<>"))
print(("{{}}{"):match("%b{}"), ("no parens"):match("%b()"))
print(("THE (quick) fox"):find("%f[%a]%a+"), ("THE (quick) fox"):find("%f[%l]%a+"))
for w in ("hello world, the end"):gmatch("%f[%w]%w+") do io.write("[", w, "]") end
print()
print(("the cat scattered the cats"):gsub("%f[%w]cat%f[%W]", "dog"))
print(("THE (quick) fox"):gsub("%f[%a]", "|"))
print(("aaa"):find("%f[a]"), ("aaa"):find("%f[^a]"))
print(("<a><b></b></a>"):match("%b<>"), ("\"q\" rest"):match("%b\"\""))
print(("1 + (2 * (3 - 4)) + 5"):gsub("%b()", function(s) return "#" .. #s end))
