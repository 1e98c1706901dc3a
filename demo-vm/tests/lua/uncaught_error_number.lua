-- An uncaught error whose value is a number is converted to a string.
print(1)
error(42)
