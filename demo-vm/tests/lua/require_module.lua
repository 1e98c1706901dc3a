-- require loads a module file once and caches it in package.loaded.
local m = require("mod_helper")
print(type(m), m.greet("lua"), m.add(2, 3), m.name)
local again = require("mod_helper")
print(again == m, LOADED_COUNT)
print(package.loaded["mod_helper"] == m)
local ok, err = pcall(require, "no_such_module_xyz")
print(ok, type(err), err:find("module 'no_such_module_xyz' not found", 1, true) ~= nil)
