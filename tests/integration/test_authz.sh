#!/usr/bin/env bash
# The authorisation matrix: every write endpoint x {no token, an expired token, a revoked
# token, admin, editor, inspector} gets the right status, and a refused request writes
# nothing (the audit log, monuments, protection zones, reports, citizens' reports and photos
# are unchanged).
# Each endpoint is for exactly one role; POST /reports is open to everyone.
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
import_sample "$DB"
printf 'admin pass 2026!\n' | "$SPADOK" user add root --role admin --db "$DB" >/dev/null 2>&1
printf 'editor pass 2026\n' | "$SPADOK" user add olena --role editor --db "$DB" >/dev/null 2>&1
printf 'inspect pass 2026\n' | "$SPADOK" user add ivan --role inspector --db "$DB" >/dev/null 2>&1
printf 'editor pass 2027\n' | "$SPADOK" user add old --role editor --db "$DB" >/dev/null 2>&1
start_server "$DB"
declare -A TOK
TOK[admin]=$(token root "admin pass 2026!")
TOK[editor]=$(token olena "editor pass 2026")
TOK[inspector]=$(token ivan "inspect pass 2026")
TOK[expired]=$(token old "editor pass 2027")
sql "$DB" "UPDATE api_token SET expires_at = '2020-01-01T00:00:00Z' WHERE user_id = (SELECT id FROM app_user WHERE login = 'old')" >/dev/null
TOK[revoked]=$(token olena "editor pass 2026")
http /auth/logout -X POST -H "Authorization: Bearer ${TOK[revoked]}" >/dev/null
TOK[none]=""

mid=$(sql "$DB" "SELECT id FROM monument WHERE name_uk = 'Золоті ворота'")
# A pending citizen's report for the moderation rows.
http /reports -X POST -H 'Content-Type: application/json' --data-binary "{\"monument_id\": $mid, \"description\": \"тріщина\"}" >/dev/null
cid=$(sql "$DB" "SELECT max(id) FROM citizen_report")
state() {
  sql "$DB" "SELECT (SELECT count(*) FROM audit_log) || ' ' || (SELECT count(*) FROM monument) || ' ' ||
             (SELECT max(version) FROM monument) || ' ' || (SELECT count(*) FROM condition_report) || ' ' ||
             (SELECT count(*) FROM citizen_report WHERE status = 'pending') || ' ' || (SELECT count(*) FROM photo) || ' ' ||
             (SELECT count(*) FROM protection_zone) || ' ' || (SELECT coalesce(max(version), 0) FROM protection_zone)"
}
# etag PATH: the ETag of the monument or zone an edit of PATH needs.
etag() {
  case $1 in
    /collections/protection_zones/*) http "/collections/protection_zones/items/$zid" >/dev/null ;;
    *) http "/collections/monuments/items/$mid" >/dev/null ;;
  esac
  header ETag
}
feature='{"type": "Feature", "geometry": {"type": "Point", "coordinates": [30.5134, 50.4489]}, "properties": {"name_uk": "Матриця"}}'
patch='{"type": "Feature", "properties": {"name_en": "Golden Gate"}}'
report='{"report_type": "inspection", "condition": "good"}'
moderation='{"decision": "reject", "reason": "дубль"}'
zone='{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[30.512, 50.448], [30.515, 50.448], [30.515, 50.450], [30.512, 50.448]]]}, "properties": {"zone_type": "protection_zone", "monument_id": '$mid'}}'
zone2=${zone/protection_zone\"/historic_area\"}
zpatch='{"type": "Feature", "properties": {"name_uk": "Охоронна зона Золотих воріт"}}'
http /collections/protection_zones/items -X POST -H "Authorization: Bearer ${TOK[editor]}" -H 'Content-Type: application/geo+json' --data-binary "$zone" >/dev/null
zid=$(sql "$DB" "SELECT max(id) FROM protection_zone")
photo="$T/tiny.png"
python3 -c 'import zlib, struct, sys
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
raw = b"".join(b"\x00" + b"\x80\x20\x20" * 4 for _ in range(4))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))' "$photo"

# endpoint|method|path|role|success status|body (@file for a raw image)
ENDPOINTS=(
  "create|POST|/collections/monuments/items|editor|201|$feature"
  "replace|PUT|/collections/monuments/items/$mid|editor|200|$feature"
  "patch|PATCH|/collections/monuments/items/$mid|editor|200|$patch"
  "report|POST|/collections/monuments/items/$mid/reports|inspector|201|$report"
  "moderate|POST|/moderation/$cid|editor|200|$moderation"
  "moderation list|GET|/moderation|editor|200|"
)
ENDPOINTS+=("photo|POST|/collections/monuments/items/$mid/photos|inspector|201|@$photo")
ENDPOINTS+=(
  "zone create|POST|/collections/protection_zones/items|editor|201|$zone"
  "zone replace|PUT|/collections/protection_zones/items/$zid|editor|200|$zone2"
  "zone patch|PATCH|/collections/protection_zones/items/$zid|editor|200|$zpatch"
  "zone delete|DELETE|/collections/protection_zones/items/$zid|editor|204|"
)
# DELETE last: it ends the monument.
ENDPOINTS+=("delete|DELETE|/collections/monuments/items/$mid|editor|204|")

for row in "${ENDPOINTS[@]}"; do
  IFS='|' read -r name method path role ok body <<<"$row"
  for who in none expired revoked admin inspector editor; do
    [ "$who" = "$role" ] && continue
    want=403
    case $who in none | expired | revoked) want=401 ;; esac
    args=(-X "$method" -H "If-Match: $(etag "$path")")
    [ -n "${TOK[$who]}" ] && args+=(-H "Authorization: Bearer ${TOK[$who]}")
    if [ "${body:0:1}" = "@" ]; then args+=(-H 'Content-Type: image/png' --data-binary "$body")
    elif [ -n "$body" ]; then args+=(-H 'Content-Type: application/geo+json' --data-binary "$body"); fi
    before=$(state)
    check_eq "$name as $who" "$want" "$(http "$path" "${args[@]}")"
    check_eq "$name as $who writes nothing" "$before" "$(state)"
  done
  args=(-X "$method" -H "If-Match: $(etag "$path")" -H "Authorization: Bearer ${TOK[$role]}")
  if [ "${body:0:1}" = "@" ]; then args+=(-H 'Content-Type: image/png' --data-binary "$body")
  elif [ -n "$body" ]; then args+=(-H 'Content-Type: application/geo+json' --data-binary "$body"); fi
  before=$(state)
  check_eq "$name as $role" "$ok" "$(http "$path" "${args[@]}")"
  [ "$method" = GET ] || check_true "$name as $role writes" test "$before" != "$(state)"
done

# The public door is open to all, tokens or not.
for who in none expired admin editor inspector; do
  args=(-X POST -H 'Content-Type: application/json' --data-binary "{\"monument_id\": $(sql "$DB" "SELECT min(id) FROM monument WHERE deleted_at IS NULL"), \"description\": \"від $who\"}")
  [ -n "${TOK[$who]}" ] && args+=(-H "Authorization: Bearer ${TOK[$who]}")
  check_eq "citizen report as $who" 201 "$(http /reports "${args[@]}")"
done
check_eq "healthy" 200 "$(http /healthz)"
finish
