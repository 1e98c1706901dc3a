-- An uncaught runtime error (indexing nil) ends the program with status 1.
local config = {}
print("reading config")
print(config.database.host)
