#!/usr/bin/env bash
# OGC API - Features Part 4 against a real server, as far as it is built: DELETE of a
# monument. Every refusal writes nothing: no token 401, a revoked token 401, the wrong role
# 403, no If-Match 428, a stale or foreign ETag 412; an editor with the item's ETag deletes it
# (204): the item is gone (404), re-syncing clients get a tombstone, the audit log keeps its
# last state and who deleted it, and its map tile changes. Two editors racing with the same
# ETag: exactly one wins.
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
import_sample "$DB"
printf 'editor pass 2026\n' | "$SPADOK" user add olena --role editor --db "$DB" >/dev/null 2>&1
printf 'editor pass 2027\n' | "$SPADOK" user add taras --role editor --db "$DB" >/dev/null 2>&1
printf 'inspect pass 2026\n' | "$SPADOK" user add ivan --role inspector --db "$DB" >/dev/null 2>&1
printf 'admin pass 2026!\n' | "$SPADOK" user add root --role admin --db "$DB" >/dev/null 2>&1
start_server "$DB"
OLENA=$(token olena "editor pass 2026")
TARAS=$(token taras "editor pass 2027")
IVAN=$(token ivan "inspect pass 2026")
ROOT_T=$(token root "admin pass 2026!")
id=$(sql "$DB" "SELECT id FROM monument WHERE name_uk = 'Золоті ворота'")
item="/collections/monuments/items/$id"
check_eq "GET the item" 200 "$(http "$item")"
etag=$(header ETag)
check_contains "its ETag names the version" "$etag" "\"m${id}v1-"
audit_before=$(sql "$DB" "SELECT count(*) FROM audit_log")

# A condition report changes the monument: its version, updated_at and ETag move with it.
other=$(sql "$DB" "SELECT id FROM monument WHERE name_uk = 'Софійський собор'")
http "/collections/monuments/items/$other?properties=condition,version" >/dev/null
etag_other=$(header ETag)
sql "$DB" "INSERT INTO condition_report (monument_id, dataset, source_id, report_type, observed_on, condition)
           VALUES ($other, 'test', 'r1', 'inspection', '2026-11-20', 'emergency')" >/dev/null
http "/collections/monuments/items/$other?properties=condition,version&crs=CRS84" >/dev/null
check_eq "a report sets condition and bumps the version" "emergency 2" \
  "$(python3 -c 'import json, sys; p = json.load(open(sys.argv[1]))["properties"]; print(p["condition"], p["version"])' "$T/body")"
check_true "and the item's ETag changes" test "$(header ETag)" != "$etag_other"
check_contains "and re-syncing clients see it" \
  "$(http "/collections/monuments/items?updated_since=$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)&properties=condition" >/dev/null; cat "$T/body")" "\"id\":$other,"

# Refusals write nothing.
check_eq "no token" 401 "$(http "$item" -X DELETE -H "If-Match: $etag")"
check_eq "an inspector" 403 "$(http "$item" -X DELETE -H "Authorization: Bearer $IVAN" -H "If-Match: $etag")"
check_contains "403 says why" "$(cat "$T/body")" "for the editor role"
check_eq "an admin" 403 "$(http "$item" -X DELETE -H "Authorization: Bearer $ROOT_T" -H "If-Match: $etag")"
check_eq "no If-Match" 428 "$(http "$item" -X DELETE -H "Authorization: Bearer $OLENA")"
check_eq "If-Match: *" 428 "$(http "$item" -X DELETE -H "Authorization: Bearer $OLENA" -H "If-Match: *")"
check_eq "a stale version" 412 "$(http "$item" -X DELETE -H "Authorization: Bearer $OLENA" -H "If-Match: \"m${id}v7-00000000\"")"
check_eq "another item's ETag" 412 "$(http "$item" -X DELETE -H "Authorization: Bearer $OLENA" -H "If-Match: \"m1v1-00000000\"")"
# If-None-Match on a write whose If-Match holds (RFC 9110 13.2.2): "*" or the current ETag
# makes it false, so nothing is written (the item exists in that version).
check_eq "If-None-Match: * with a good If-Match" 412 "$(http "$item" -X DELETE -H "Authorization: Bearer $OLENA" -H "If-Match: $etag" -H "If-None-Match: *")"
check_eq "If-None-Match: the current ETag" 412 "$(http "$item" -X PATCH -H "Authorization: Bearer $OLENA" -H "If-Match: $etag" -H "If-None-Match: $etag" -H 'Content-Type: application/merge-patch+json' --data-binary '{"properties": {"name_en": "never"}}')"
check_eq "... nothing was written" 200 "$(http "$item")"
check_true "... the item as it was" sh -c "! grep -q never '$T/body'"
check_eq "DELETE on a collection" 405 "$(http /collections/monuments/items -X DELETE -H "Authorization: Bearer $OLENA")"
check_eq "DELETE of a condition report" 405 "$(http /collections/condition_reports/items/1 -X DELETE -H "Authorization: Bearer $OLENA" -H "If-Match: $etag")"
check_eq "nothing written by the refusals" "$audit_before 0" \
  "$(sql "$DB" "SELECT count(*) FROM audit_log") $(sql "$DB" "SELECT count(*) FROM monument WHERE deleted_at IS NOT NULL")"

# The tile over the monument, before.
tile=$(python3 -c 'import math; lon, lat, z = 30.51333, 50.44889, 16; n = 2 ** z; print("%d/%d/%d" % (z, (lon + 180) / 360 * n, (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n))')
http "/tiles/monuments/$tile.png" >/dev/null
tile_etag=$(header ETag)
# The tile again, from the cache: the deletion below must still show on the next one.
http "/tiles/monuments/$tile.png" >/dev/null

# Two editors, the same ETag, at once: exactly one wins.
( http "$item" -X DELETE -H "Authorization: Bearer $OLENA" -H "If-Match: $etag" >"$T/a.status"; cp "$T/body" "$T/a.body" ) &
a=$!
( curl -s -o "$T/b.body" -w '%{http_code}' -X DELETE -H "Authorization: Bearer $TARAS" -H "If-Match: $etag" "$URL$item" >"$T/b.status" ) &
wait $a $!
check_eq "one 204 and one 412" "204 412" "$(printf '%s\n%s\n' "$(cat "$T/a.status")" "$(cat "$T/b.status")" | sort | paste -sd' ')"
check_eq "one audit row: the deletion, with who and the last state" "1|delete|editor|Золоті ворота" \
  "$(sql "$DB" "SELECT count(*), action, actor_role, json_extract(before, '\$.name_uk') FROM audit_log WHERE id > (SELECT max(id) - 1 FROM audit_log)")"
check_true "the actor is one of the two editors" \
  sh -c "sqlite3 '$DB' \"SELECT actor FROM audit_log ORDER BY id DESC LIMIT 1\" | grep -qE '^(olena|taras)$'"
check_eq "the item is gone" 404 "$(http "$item")"
check_eq "a DELETE of the tombstone finds nothing" 404 "$(http "$item" -X DELETE -H "Authorization: Bearer $OLENA" -H "If-Match: \"m${id}v2-00000000\"")"
http "/collections/monuments/items?updated_since=2000-01-01T00:00:00Z&limit=10000" >/dev/null
check_contains "re-syncing clients get the tombstone" "$(cat "$T/body")" "\"id\":$id,\"geometry\":null,\"properties\":{\"deleted\":true"
check_eq "version bumped" 2 "$(sql "$DB" "SELECT version FROM monument WHERE id = $id")"
http "/tiles/monuments/$tile.png" >/dev/null
check_true "the tile over it changed" test "$(header ETag)" != "$tile_etag"
check_eq "healthy" 200 "$(http /healthz)"
http /metrics >/dev/null
check_contains "/metrics counts deletions by route and status" "$(cat "$T/body")" 'route="item_delete",status="204"'
finish
