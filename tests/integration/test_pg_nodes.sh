#!/usr/bin/env bash
# Issue 23, several serving nodes: two `spadok serve` processes on one PostGIS database
# behind nginx behave as one service. Nothing a node keeps for itself may make it answer
# from before another node's write: a token issued by node A works on node B (and its
# revocation too); an edit through A (POST, PUT, PATCH of a monument, a condition report)
# shows on the very next request to B: in the items, in the item's ETag (the old one gets
# 200, not 304, from If-None-Match), in B's cached tile over the monument (B's tile cache
# and hot tiles are its own; the map_change log in the database tells it which to drop). A
# photo uploaded through A is served by B (one photo folder every node mounts), and a node
# that starts leaves alone what another node is writing there.
# Rate limits are per node: each node counts login attempts and citizens' reports in its
# own memory, so behind N nodes a client gets up to N times the limit (10 login attempts a
# minute per node; nginx spreads a client's attempts over the nodes). Checked below: 10 on A
# make A refuse, B still lets that client try.
source "$(dirname "$0")/lib.sh"
pg_two_nodes
jq_() { python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print($1)" "$T/body"; }
# on URL PATH [curl args]: http against one node (or nginx).
on() { local u=$1; shift; URL=$u http "$@"; }
JSON=(-H "Content-Type: application/json")
GEOJSON=(-H "Content-Type: application/geo+json")

# 1. A token issued by A works on B and through nginx; revoked on A, it fails on B.
OLENA=$(URL=$URL_A token olena "editor pass 2026")
IVAN=$(URL=$URL_A token ivan "inspect pass 2026")
check_eq "1.1 A's token on B" "200 olena" \
  "$(on "$URL_B" /auth/me -H "Authorization: Bearer $OLENA") $(jq_ 'd["login"]')"
check_eq "1.2 A's token through nginx" 200 "$(on "$NGINX_URL" /auth/me -H "Authorization: Bearer $IVAN")"
SPARE=$(URL=$URL_B token olena "editor pass 2026")
check_eq "1.3 B's token revoked on A" 200 "$(on "$URL_A" /auth/logout -X POST -H "Authorization: Bearer $SPARE")"
check_eq "1.4 ... is refused on B at once" 401 "$(on "$URL_B" /auth/me -H "Authorization: Bearer $SPARE")"
ED=(-H "Authorization: Bearer $OLENA")
INSP=(-H "Authorization: Bearer $IVAN")

# 2. An edit through A shows on the very next request to B.
id=$(pg -c "SELECT id FROM monument WHERE name_uk = 'Золоті ворота'")
item=/collections/monuments/items/$id
read -r lon lat <<<"$(pg -c "SELECT ST_X(marker), ST_Y(marker) FROM monument WHERE id = $id" | tr '|' ' ')"
zxy=$(tile 17 "$lon" "$lat")
# B draws the tile over the monument and keeps it (asked twice: the second from its cache).
check_eq "2.1 B draws the tile over the monument" 200 "$(on "$URL_B" "/tiles/monuments/$zxy.png")"
cp "$T/body" "$T/tile0.png"
on "$URL_B" "/tiles/monuments/$zxy.png" >/dev/null
check_true "2.1 ... and answers it again the same" cmp -s "$T/body" "$T/tile0.png"
# The item and a page of items, on B, before.
check_eq "2.2 B: the item" 200 "$(on "$URL_B" "$item")"
etag_b=$(header ETag)
on "$URL_B" "/collections/monuments/items?q=%D0%B2%D0%BE%D1%80%D0%BE%D1%82%D0%B0&limit=50" >/dev/null
list_etag=$(header ETag)
check_eq "2.3 B: 304 on the ETag it gave" 304 "$(on "$URL_B" "$item" -H "If-None-Match: $etag_b")"
# PATCH through A (A's own ETag: the same one, nodes compute it alike), moving the monument
# a few metres within the tile and renaming it in English.
check_eq "2.4 A's ETag for the item is B's" 200 "$(on "$URL_A" "$item")"
check_eq "2.4 ..." "$etag_b" "$(header ETag)"
nlon=$(python3 -c "print($lon + 0.0004)")
check_eq "2.5 PATCH through A" 200 "$(on "$URL_A" "$item" -X PATCH "${ED[@]}" -H "If-Match: $etag_b" "${GEOJSON[@]}" \
  --data-binary "{\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", \"coordinates\": [$nlon, $lat]}, \"properties\": {\"name_en\": \"Golden Gate (node A)\"}}")"
check_eq "2.6 B's next answer has it" "200 Golden Gate (node A)" \
  "$(on "$URL_B" "$item") $(jq_ 'd["properties"]["name_en"]')"
etag_b2=$(header ETag)
check_true "2.7 B's ETag for the item changed ($etag_b -> $etag_b2)" test "$etag_b" != "$etag_b2"
check_eq "2.8 B: If-None-Match with the old ETag is 200, not 304" 200 \
  "$(on "$URL_B" "$item" -H "If-None-Match: $etag_b")"
check_eq "2.9 B: the page of items changed" 200 \
  "$(on "$URL_B" "/collections/monuments/items?q=%D0%B2%D0%BE%D1%80%D0%BE%D1%82%D0%B0&limit=50" -H "If-None-Match: $list_etag")"
check_contains "2.9 ... with the new name" "$(cat "$T/body")" "Golden Gate (node A)"
check_eq "2.10 B: the tile over the monument is drawn again" 200 "$(on "$URL_B" "/tiles/monuments/$zxy.png")"
check_true "2.10 ... and differs (the marker moved)" sh -c "! cmp -s '$T/body' '$T/tile0.png'"
cp "$T/body" "$T/tile1.png"

# A condition report through A: the condition (the marker's colour) and version, on B.
check_eq "2.11 a condition report through A" 201 "$(on "$URL_A" "$item/reports" -X POST "${INSP[@]}" "${JSON[@]}" \
  --data-binary '{"report_type": "damage", "observed_on": "2026-11-20", "condition": "emergency", "damage_level": "severe", "causes": ["drone"]}')"
check_eq "2.12 B: the item's condition" "200 emergency" "$(on "$URL_B" "$item") $(jq_ 'd["properties"]["condition"]')"
check_true "2.13 B: its ETag changed again" test "$(header ETag)" != "$etag_b2"
check_eq "2.14 B: the tile again" 200 "$(on "$URL_B" "/tiles/monuments/$zxy.png")"
check_true "2.14 ... in the new colour" sh -c "! cmp -s '$T/body' '$T/tile1.png'"

# PUT through B, read on A; POST (a new monument) through nginx, read on both nodes.
on "$URL_B" "$item" >/dev/null
etag=$(header ETag)
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
d["properties"] = {k: v for k, v in d["properties"].items() if k in ("name_uk", "significance", "object_kind", "kinds")}
d["properties"]["name_en"] = "Golden Gate (node B)"
d.pop("id", None); d.pop("links", None)
json.dump(d, open(sys.argv[2], "w"))' "$T/body" "$T/put.json"
check_eq "2.15 PUT through B" 200 "$(on "$URL_B" "$item" -X PUT "${ED[@]}" "${GEOJSON[@]}" -H "If-Match: $etag" --data-binary "@$T/put.json")"
check_eq "2.16 A's next answer has it" "200 Golden Gate (node B)" "$(on "$URL_A" "$item") $(jq_ 'd["properties"]["name_en"]')"
new='{"type": "Feature", "geometry": {"type": "Point", "coordinates": [30.5131, 50.4489]},
  "properties": {"name_uk": "Будинок двох вузлів", "significance": "місцевого значення", "kinds": ["architecture"]}}'
check_eq "2.17 POST through nginx" 201 "$(on "$NGINX_URL" /collections/monuments/items -X POST "${ED[@]}" "${GEOJSON[@]}" --data-binary "$new")"
nid=$(header Location)
nid=${nid##*/}
check_eq "2.18 A and B both have it at once" "200 200" \
  "$(on "$URL_A" "/collections/monuments/items/$nid") $(on "$URL_B" "/collections/monuments/items/$nid")"

# 3. A photo uploaded through A is served by B (and through nginx).
python3 - "$T/ph.png" <<'EOF'
import struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
w, h = 200, 150
rows = b"".join(b"\0" + bytes(v for x in range(w) for v in (x % 256, y % 256, (x * y) % 256)) for y in range(h))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                              + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
EOF
check_eq "3.1 a photo through A" 201 "$(on "$URL_A" "$item/photos" -X POST "${INSP[@]}" -F "file=@$T/ph.png;type=image/png")"
pid=$(jq_ 'd["id"]')
check_eq "3.2 B serves its thumbnail" "200 image/jpeg" "$(on "$URL_B" "/photos/$pid/thumb") $(header Content-Type)"
check_eq "3.3 B serves the original to staff, the same bytes" "200 same" \
  "$(on "$URL_B" "/photos/$pid" "${INSP[@]}") $(cmp -s "$T/body" "$T/ph.png" && echo same)"
check_eq "3.4 nginx too" 200 "$(on "$NGINX_URL" "/photos/$pid/web")"

# 4. Rate limits are per node (see the top): 10 login attempts on A, then 429 on A; B
# still lets the same client try. Through nginx, as the same X-Forwarded-For client.
attempt() { curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary 'not json' "$@"; }
codes=""
for _ in $(seq 11); do codes="$codes $(attempt -H 'X-Forwarded-For: 198.51.100.7' "$URL_A/auth/login")"; done
check_eq "4.1 A limits the client after 10 attempts" "400 400 400 400 400 400 400 400 400 400 429" "$(echo $codes)"
check_eq "4.2 B does not know of them (per node)" 400 \
  "$(attempt -H 'X-Forwarded-For: 198.51.100.7' "$URL_B/auth/login")"
# Through nginx, whose attempts alternate between the nodes, a client gets more than one
# node's 10 (the token logins above count too).
codes=""
for _ in $(seq 24); do codes="$codes $(attempt "$NGINX_URL/auth/login")"; done
tried=$(echo $codes | tr ' ' '\n' | grep -c 400)
check_true "4.3 through nginx: more than 10 attempts, at most 20 ($tried: $codes)" test "$tried" -gt 10 -a "$tried" -le 20
check_contains "4.3 ... then 429" "$codes" "429"

# 5. Each node keeps its own tile cache.
check_true "5.1 B's tile cache file" test -s "$T/B.tiles"
check_eq "5.2 nothing went wrong on either node" "" \
  "$(grep -h 'status=5' "$T/node-A.log" "$T/node-B.log" | head -3)"

# 6. A node that starts sweeps the photo folder of what a crash left only when it has the
# folder to itself: here A has it open and may be writing an upload (a temp file) or have
# moved one into place before committing its row (a stored file no row names yet).
sha=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
mkdir -p "$PH/01"
echo "an upload under way on A" >"$PH/tmp/upload-under-way"
echo "stored, its row not yet committed" >"$PH/01/$sha"
kill "$PID_B"
wait "$PID_B" 2>/dev/null
start_node B
check_eq "6.1 B starts again" 200 "$(on "$URL_B" "/photos/$pid/thumb")"
check_true "6.2 A's upload under way is left alone" test -f "$PH/tmp/upload-under-way"
check_true "6.3 A's stored photo without its row yet too" test -f "$PH/01/$sha"
finish
