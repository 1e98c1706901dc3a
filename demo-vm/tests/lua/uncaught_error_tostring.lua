-- An uncaught error whose value has __tostring: the handler uses it.
io.write("partial line without newline")
error(setmetatable({}, {__tostring = function() return "custom object message" end}))
