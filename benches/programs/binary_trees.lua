-- bench: allocation-heavy (binary trees: build, check, discard)
-- quick-size: 6
local n = arg and arg[1] and tonumber(arg[1]) or 15

local function bottom_up(depth)
  if depth == 0 then
    return {}
  end
  depth = depth - 1
  return { bottom_up(depth), bottom_up(depth) }
end

local function check(tree)
  if tree[1] then
    return 1 + check(tree[1]) + check(tree[2])
  end
  return 1
end

local min_depth = 4
local max_depth = n
if min_depth + 2 > max_depth then
  max_depth = min_depth + 2
end

local stretch = max_depth + 1
print(string.format("stretch tree of depth %d\t check: %d", stretch, check(bottom_up(stretch))))

local long_lived = bottom_up(max_depth)

for depth = min_depth, max_depth, 2 do
  local iters = 1
  for _ = 1, max_depth - depth + min_depth do
    iters = iters * 2
  end
  local c = 0
  for _ = 1, iters do
    c = c + check(bottom_up(depth))
  end
  print(string.format("%d\t trees of depth %d\t check: %d", iters, depth, c))
end

print(string.format("long lived tree of depth %d\t check: %d", max_depth, check(long_lived)))
