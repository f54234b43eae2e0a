-- bench/scale.d/latency.lua - wrk script for bench/scale: one kind of request, each with new
-- values drawn around random monuments (targets.lua from bench/scale), so no cache can help.
-- Kinds (the first argument):
--   bbox    a city-zoom page: limit=100, a window about 2.8 x 1.6 km
--   q       a text search: limit=20, one word from the synthetic names, one of its first pages
--   filter  a CQL2 filter with a bbox: condition and significance
--   tile    a monuments tile, z10-16 (the second argument may fix the zoom)
-- done() prints "RESULT {json}" with p50/p90/p99, requests and errors.
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

function init(args)
  kind = args[1]
  dofile(args[2]) -- pts (lon, lat pairs) and words
  zoom = tonumber(args[3] or "")
  math.randomseed(tid * 104729 + os.time())
  non2xx = 0
end

local function tile(z, lon, lat)
  local n = 2 ^ z
  local x = math.floor((lon + 180) / 360 * n)
  local r = math.rad(lat)
  local y = math.floor((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n)
  return x, y
end

function request()
  local p = pts[math.random(#pts)]
  local jx, jy = (math.random() - 0.5) * 0.02, (math.random() - 0.5) * 0.02
  local x, y = p[1] + jx, p[2] + jy
  if kind == "bbox" then
    return wrk.format("GET", string.format("/collections/monuments/items?limit=100&bbox=%.4f,%.4f,%.4f,%.4f",
                                           x - 0.02, y - 0.007, x + 0.02, y + 0.007))
  elseif kind == "q" then
    -- a random page of the first ten: 3,000 different URLs, so the response cache (256 slots)
    -- seldom helps
    return wrk.format("GET", string.format("/collections/monuments/items?limit=20&offset=%d&q=%s",
                                           math.random(0, 9) * 20, words[math.random(#words)]))
  elseif kind == "filter" then
    local conds = {"emergency", "unsatisfactory", "good"}
    local f = string.format("condition%%3D%%27%s%%27%%20AND%%20significance%%3D%%27local%%27",
                            conds[math.random(#conds)])
    return wrk.format("GET", string.format("/collections/monuments/items?limit=100&filter=%s&bbox=%.4f,%.4f,%.4f,%.4f",
                                           f, x - 0.05, y - 0.03, x + 0.05, y + 0.03))
  else
    local z = zoom or math.random(10, 16)
    local tx, ty = tile(z, x, y)
    return wrk.format("GET", string.format("/tiles/monuments/%d/%d/%d.png", z, tx, ty))
  end
end

function response(status, headers, body)
  if status ~= 200 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  io.write(string.format('RESULT {"p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "requests": %d, "seconds": %.1f, "errors": %d}\n',
                         latency:percentile(50) / 1000, latency:percentile(90) / 1000,
                         latency:percentile(99) / 1000, latency.max / 1000, summary.requests,
                         summary.duration / 1e6,
                         summary.errors.connect + summary.errors.read + summary.errors.write +
                         summary.errors.timeout + summary.errors.status))
end
