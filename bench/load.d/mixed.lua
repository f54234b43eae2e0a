-- bench/load.d/mixed.lua - wrk script: the mixed traffic of a day after a strike, one request
-- kind drawn per request by weight (per 100):
--   25 items pages (limit 50: four in five among the first 10 pages, the fifth anywhere in the
--      list; every 5th with a q= search)
--   20 bbox queries (a city-zoom window, about 2 x 1.5 km, around a random monument)
--   25 map tiles (z12-16 of the monuments and damage layers around random monuments)
--   15 monument pages (10 the GeoJSON item, 5 the HTML page /monuments/{id})
--    5 editor writes (PATCH of an address with If-Match: the ETag comes from an earlier
--      answer for that monument, so a write may first cost one GET of the item)
--    5 citizens' reports (POST /reports, JSON)
--    5 inspector condition reports (POST .../items/{id}/reports)
-- Targets (ids, points) come from a file written by bench/load (targets.lua); the tokens
-- from the environment (SPADOK_EDITOR, SPADOK_INSPECTOR). done() prints one line of JSON:
-- answers by status class and by kind, for bench/load to check (no 5xx) and tabulate.
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  dofile(args[1]) -- defines ids (monument ids) and pts ({lon, lat} pairs)
  editor = "Bearer " .. os.getenv("SPADOK_EDITOR")
  inspector = "Bearer " .. os.getenv("SPADOK_INSPECTOR")
  math.randomseed(tid * 7919 + os.time())
  status = {} -- class -> count
  kinds = {}
  etags = {} -- monument id -> ETag, for the editor's writes
  -- Each thread edits its own 50 monuments, so threads do not race on one ETag.
  mine = {}
  for i = 1, 50 do
    mine[i] = ids[((tid - 1) * 50 + i - 1) % #ids + 1]
  end
end

local function tile(z, lon, lat)
  local n = 2 ^ z
  local x = math.floor((lon + 180) / 360 * n)
  local r = math.rad(lat)
  local y = math.floor((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n)
  return x, y
end

local json = {["Content-Type"] = "application/json"}

function request()
  local w = math.random(100)
  local p = pts[math.random(#pts)]
  local kind, req
  if w <= 25 then
    kind = "items"
    local q = math.random(5) == 1 and "&q=%D1%86%D0%B5%D1%80%D0%BA%D0%B2%D0%B0" or "" -- церква
    -- most readers page from the start; one in five is a harvester deep in the list
    local page = math.random(5) == 1 and math.random(0, 2000) or math.random(0, 9)
    req = wrk.format("GET", string.format("/collections/monuments/items?limit=50&offset=%d%s",
                                          page * 50, q))
  elseif w <= 45 then
    kind = "bbox"
    req = wrk.format("GET", string.format("/collections/monuments/items?limit=100&bbox=%.4f,%.4f,%.4f,%.4f",
                                          p[1] - 0.014, p[2] - 0.007, p[1] + 0.014, p[2] + 0.007))
  elseif w <= 70 then
    kind = "tile"
    local z = math.random(12, 16)
    local x, y = tile(z, p[1], p[2])
    local layer = math.random(4) == 1 and "damage" or "monuments"
    req = wrk.format("GET", string.format("/tiles/%s/%d/%d/%d.png", layer, z, x, y))
  elseif w <= 80 then
    kind = "item"
    req = wrk.format("GET", "/collections/monuments/items/" .. ids[math.random(#ids)])
  elseif w <= 85 then
    kind = "page"
    req = wrk.format("GET", "/monuments/" .. ids[math.random(#ids)])
  elseif w <= 90 then
    local id = mine[math.random(#mine)]
    if etags[id] then
      kind = "edit"
      req = wrk.format("PATCH", "/collections/monuments/items/" .. id,
                       {["Authorization"] = editor, ["If-Match"] = etags[id],
                        ["Content-Type"] = "application/json"},
                       string.format('{"type": "Feature", "properties": {"address": "вул. Навантажувальна, %d"}}',
                                     math.random(1, 999)))
      etags[id] = nil -- until the answer brings the new one
    else
      kind = "item"
      req = wrk.format("GET", "/collections/monuments/items/" .. id)
    end
  elseif w <= 95 then
    kind = "citizen"
    req = wrk.format("POST", "/reports", json,
                     string.format('{"monument_id": %d, "description": "Вибиті вікна після вибуху, %d"}',
                                   ids[math.random(#ids)], math.random(1, 99999)))
  else
    kind = "report"
    req = wrk.format("POST", "/collections/monuments/items/" .. ids[math.random(#ids)] .. "/reports",
                     {["Authorization"] = inspector, ["Content-Type"] = "application/json"},
                     '{"report_type": "damage", "damage_level": "minor", "causes": ["drone"], "description": "Пошкоджено покрівлю"}')
  end
  kinds[kind] = (kinds[kind] or 0) + 1
  return req
end

function response(st, headers, body)
  local class = math.floor(st / 100) .. "xx"
  status[class] = (status[class] or 0) + 1
  if st >= 500 then
    status["first5xx"] = status["first5xx"] or (st .. " " .. string.sub(body or "", 1, 200))
  end
  local etag = headers["ETag"] or headers["Etag"] or headers["etag"]
  if etag then
    local id = string.match(etag, '^"m(%d+)v')
    if id then
      etags[tonumber(id)] = etag
    end
  end
end

function done(summary, latency, requests)
  local total = {}
  local ks = {}
  local first5xx = ""
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("status")) do
      if k == "first5xx" then
        first5xx = v
      else
        total[k] = (total[k] or 0) + v
      end
    end
    for k, v in pairs(t:get("kinds")) do
      ks[k] = (ks[k] or 0) + v
    end
  end
  local parts = {}
  for k, v in pairs(total) do
    table.insert(parts, string.format('"%s": %d', k, v))
  end
  for k, v in pairs(ks) do
    table.insert(parts, string.format('"kind_%s": %d', k, v))
  end
  table.insert(parts, string.format('"p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f',
                                    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
                                    latency:percentile(99) / 1000, latency.max / 1000))
  table.insert(parts, string.format('"requests": %d, "seconds": %.1f, "connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, "status_errors": %d',
                                    summary.requests, summary.duration / 1e6, summary.errors.connect,
                                    summary.errors.read, summary.errors.write, summary.errors.timeout,
                                    summary.errors.status))
  table.insert(parts, string.format('"first5xx": "%s"', string.gsub(first5xx, '["\\\n]', " ")))
  io.write("RESULT {" .. table.concat(parts, ", ") .. "}\n")
end
