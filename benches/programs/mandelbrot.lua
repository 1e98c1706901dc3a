-- bench: float kernel (Mandelbrot set membership on an N x N grid)
-- quick-size: 16
local n = arg and arg[1] and tonumber(arg[1]) or 1300

local max_iter = 50
local inside, total_iter = 0, 0
for y = 0, n - 1 do
  local ci = 2.0 * y / n - 1.0
  for x = 0, n - 1 do
    local cr = 2.0 * x / n - 1.5
    local zr, zi = 0.0, 0.0
    local k = 0
    while k < max_iter do
      local zr2, zi2 = zr * zr, zi * zi
      if zr2 + zi2 > 4.0 then
        break
      end
      zi = 2.0 * zr * zi + ci
      zr = zr2 - zi2 + cr
      k = k + 1
    end
    total_iter = total_iter + k
    if k == max_iter then
      inside = inside + 1
    end
  end
end
print(string.format("%d %d", inside, total_iter))
