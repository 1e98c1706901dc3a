-- A goto to a label that is not visible is a compile-time error.
for i = 1, 3 do
  goto nowhere
end
