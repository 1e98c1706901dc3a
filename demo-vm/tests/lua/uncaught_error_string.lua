-- An uncaught error with a string message: stdout so far is kept, stderr has the message and a traceback.
print("before the error")
local function fail() error("something went wrong") end
fail()
print("never printed")
