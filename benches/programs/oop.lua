-- bench: method calls through metatables (vector class, inheritance via __index)
-- quick-size: 50
local n = arg and arg[1] and tonumber(arg[1]) or 230000

local Vec = {}
Vec.__index = Vec

function Vec.new(x, y)
  return setmetatable({ x = x, y = y }, Vec)
end

function Vec:add(o)
  return Vec.new(self.x + o.x, self.y + o.y)
end

function Vec:scale(k)
  return Vec.new(self.x * k, self.y * k)
end

function Vec:dot(o)
  return self.x * o.x + self.y * o.y
end

function Vec:len2()
  return self:dot(self)
end

-- A Particle is-a Body; methods are found through two __index hops.
local Body = {}
Body.__index = Body

function Body:init(pos, vel)
  self.pos = pos
  self.vel = vel
  return self
end

function Body:position()
  return self.pos
end

local Particle = setmetatable({}, { __index = Body })
Particle.__index = Particle

function Particle.new(pos, vel)
  return setmetatable({}, Particle):init(pos, vel)
end

function Particle:step(dt)
  self.pos = self.pos:add(self.vel:scale(dt))
  if self.pos.x > 10.0 or self.pos.x < -10.0 then
    self.vel = Vec.new(-self.vel.x, self.vel.y)
  end
  if self.pos.y > 10.0 or self.pos.y < -10.0 then
    self.vel = Vec.new(self.vel.x, -self.vel.y)
  end
end

function Particle:energy()
  return 0.5 * self.vel:len2()
end

local particles = {}
for i = 1, 10 do
  particles[i] = Particle.new(Vec.new(i * 0.5, -i * 0.25), Vec.new(1.0 / i, 0.5 + i * 0.125))
end

local e = 0.0
for _ = 1, n do
  for i = 1, #particles do
    local p = particles[i]
    p:step(0.01)
    e = e + p:energy()
  end
end

local sx, sy = 0.0, 0.0
for i = 1, #particles do
  local pos = particles[i]:position()
  sx = sx + pos.x
  sy = sy + pos.y
end
print(string.format("%.6f %.6f %.6f", e, sx, sy))
