-- bench/serve.d/bbox.lua - wrk script: every request asks for a different bbox page, a
-- 0.15 x 0.08 degree window (the size of the fixed case's) placed at random over Kyiv on a
-- 0.001 degree grid (45,451 places), so that answers come from the database, not from a
-- response cache. Arguments: the path up to "bbox=", then what follows the bbox.
--   wrk ... -s bbox.lua http://HOST:PORT -- "/collections/monuments/items?limit=100&bbox=" ""
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  prefix = args[1]
  suffix = args[2] or ""
  math.randomseed(id * 7919 + os.time())
end

function request()
  local x = 30.30 + math.random(0, 300) * 0.001
  local y = 50.35 + math.random(0, 150) * 0.001
  return wrk.format("GET", string.format("%s%.3f,%.3f,%.3f,%.3f%s", prefix, x, y, x + 0.15,
                                         y + 0.08, suffix))
end
