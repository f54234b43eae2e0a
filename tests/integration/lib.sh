# tests/integration/lib.sh - helpers for the integration scripts (sourced).
# Each script gets the spadok binary and the source root, runs real GDAL/SQLite tools on
# real files in a temp folder, counts checks and ends with "N passed, N failed".
set -uo pipefail
SPADOK=$(readlink -f "${1:?usage: test_x.sh SPADOK_BINARY SOURCE_ROOT}")
ROOT=$(cd "${2:?usage: test_x.sh SPADOK_BINARY SOURCE_ROOT}" && pwd)
SHARED=$(cd "$ROOT/.." && pwd)/shared/data
T=$(mktemp -d /tmp/spadok-it-XXXXXX)
# at_exit CMD: runs CMD when the test ends (newest first), before the temp folder goes.
SP_AT_EXIT=()
at_exit() { SP_AT_EXIT=("$1" "${SP_AT_EXIT[@]}"); }
sp_run_at_exit() {
  local c
  for c in "${SP_AT_EXIT[@]}"; do eval "$c"; done
  rm -rf "$T"
}
trap sp_run_at_exit EXIT
PASSED=0
FAILED=0
export LC_ALL=C.UTF-8

ok() { PASSED=$((PASSED + 1)); }
fail() { FAILED=$((FAILED + 1)); printf 'FAIL: %s\n' "$*" >&2; }

# check_eq WHAT EXPECTED ACTUAL
check_eq() {
  if [ "$2" == "$3" ]; then ok; else fail "$1: expected [$2], got [$3]"; fi
}
# check_contains WHAT HAYSTACK NEEDLE
check_contains() {
  case "$2" in *"$3"*) ok ;; *) fail "$1: [$2] does not contain [$3]" ;; esac
}
check_true() {
  local what=$1; shift
  if "$@"; then ok; else fail "$what"; fi
}

# sql DB QUERY: one query through sqlite3 with SpatiaLite loaded; '|'-separated output.
sql() {
  sqlite3 -batch -noheader -cmd ".load mod_spatialite" "$1" "$2" 2>&1 | grep -v '^$'
}

# feature_count FILE [LAYER]: what ogrinfo -so says the source holds.
feature_count() {
  ogrinfo -ro -so -al "$@" 2>/dev/null | awk -F': ' '/^Feature Count/ {s += $2} END {print s+0}'
}

# q TEXT: TEXT as an SQL string literal.
q() { printf "'%s'" "${1//\'/\'\'}"; }

need_shared() {
  if [ ! -d "$SHARED" ]; then
    echo "SKIPPED: $SHARED is absent (only a developer or CI checkout beside shared/ has it)"
    exit 77
  fi
}

# skip_part WHY: some checks cannot run here (WHY says what they need). The others still
# run and a failure still fails; without one, finish exits 77 and ctest reports the test
# skipped, not passed, since not everything was checked.
SKIPPED_PARTS=()
skip_part() {
  SKIPPED_PARTS+=("$1")
  echo "SKIPPED (part): $1"
}

finish() {
  echo "$PASSED passed, $FAILED failed, ${#SKIPPED_PARTS[@]} parts skipped"
  [ "$FAILED" -eq 0 ] || exit 1
  if [ "${#SKIPPED_PARTS[@]}" -gt 0 ]; then
    printf 'SKIPPED: %s\n' "${SKIPPED_PARTS[@]}"
    exit 77
  fi
  exit 0
}

# start_server DB [serve options]: runs spadok serve --port 0 in the background; sets PORT,
# URL, SERVER_PID. Its log is $SERVER_LOG (default $T/server.log: set it to run several).
# port_of LOG: the port a server started with --port 0 says it listens on (10 s at most).
port_of() {
  local port=""
  for _ in $(seq 100); do
    port=$(grep -o 'msg=listening [^ ]* port=[0-9]*' "$1" | grep -o '[0-9]*$')
    [ -n "$port" ] && break
    sleep 0.1
  done
  echo "$port"
}

start_server() {
  local db=$1 log=${SERVER_LOG:-$T/server.log}; shift
  PORT=
  # Emptied here, not only by the redirection below: that runs in the background child, and
  # port_of could read the last server's port from the old log before the child opens it.
  : >"$log"
  "$SPADOK" serve --db "$db" --port 0 "$@" >"$log" 2>&1 &
  SERVER_PID=$!
  at_exit "kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null"
  PORT=$(port_of "$log")
  if [ -z "$PORT" ]; then
    cat "$log" >&2
    fail "server did not start"
    finish
  fi
  URL=http://127.0.0.1:$PORT
}

# token LOGIN PASSWORD: prints a bearer token from POST /auth/login.
token() {
  http /auth/login -X POST --data-binary "{\"login\": \"$1\", \"password\": \"$2\"}" >/dev/null
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["token"])' "$T/body"
}

# http PATH [curl args]: prints "STATUS BODY"; the body also lands in $T/body, headers in $T/headers.
http() {
  local path=$1; shift
  curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' "$@" "$URL$path"
}
header() { grep -i "^$1:" "$T/headers" | head -1 | cut -d' ' -f2- | tr -d '\r'; }

# tile Z LON LAT: "z/x/y" of the tile holding the point
tile() {
  python3 -c 'import math, sys
z, lon, lat = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
n = 2 ** z
print("%d/%d/%d" % (z, (lon + 180) / 360 * n, (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n))' "$@"
}

# same_as_reference NAME: the last body ($T/body) against tests/data/tiles/NAME, within the
# tolerance of anti-aliasing (a channel may move a few levels between builds of Cairo; a
# changed symbol, line or label changes hundreds of pixels by far more).
# SPADOK_UPDATE_REFERENCE=1 rewrites the reference from this run (then look at it).
same_as_reference() {
  local ref=$ROOT/tests/data/tiles/$1 size differing maxdiff
  if [ "${SPADOK_UPDATE_REFERENCE:-0}" = 1 ]; then
    cp "$T/body" "$ref"
    echo "wrote $ref"
  fi
  read -r size differing maxdiff <<<"$("$(dirname "$SPADOK")/tests/tools/pngdiff" "$ref" "$T/body" 24 2>&1)"
  check_eq "$1 equals the reference within tolerance ($size $maxdiff)" "differing=0" "$differing"
}

# import_sample DB: Kyiv's districts, the monument list and the OSM historic buildings.
import_sample() {
  local m=$ROOT/importers/mappings s=$ROOT/data/sample
  "$SPADOK" import --quiet --db "$1" --mapping "$m/kyiv_raions_osm.json" "$s/kyiv_raions.geojson" >/dev/null 2>&1
  "$SPADOK" import --quiet --db "$1" --mapping "$m/kyiv_sample_monuments.json" "$s/kyiv_monuments.csv" >/dev/null 2>&1
  "$SPADOK" import --quiet --db "$1" --mapping "$m/kyiv_abandoned_buildings_osm.json" "$s/kyiv_osm_historic_buildings.geojson" >/dev/null 2>&1
}

# ---- PostgreSQL + PostGIS (issue 23) -----------------------------------------------------
# need_pg: exits 77 (SKIPPED) when the PostgreSQL server programs are not installed.
need_pg() {
  source "$ROOT/scripts/lib.sh"
  if ! sp_pg_bindir >/dev/null || ! command -v psql >/dev/null; then
    echo "SKIPPED: the PostgreSQL programs are not installed (Debian: ${SP_DEB_PG_PACKAGES[*]})"
    exit 77
  fi
}

# free_port: a port the kernel has just given out and taken back (another taker in between
# makes a start fail, so callers try again).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# pg_cluster [NAME]: a throwaway cluster of this test, stopped when it ends; sets PG_URI (its
# postgres database) and PG_DIR. Its folder is outside $T: as root the server runs as
# `postgres`, which cannot enter the private temp folder.
pg_cluster() {
  need_pg
  PG_DIR=$(mktemp -d "/tmp/spadok-pg-${1:-test}-XXXXXX")
  at_exit "sp_pg_stop '$PG_DIR'; rm -rf '$PG_DIR'"
  PG_URI=""
  for _ in 1 2 3; do
    PG_URI=$(sp_pg_start "$PG_DIR" "$(free_port)") && break
    PG_URI=""
  done
  [ -n "$PG_URI" ] || { fail "could not start PostgreSQL (sp_pg_start)"; finish; }
}

# pg_database NAME: a new database NAME in the test's cluster (bytewise text order, as
# schemas/pg/001_init.sql asks); prints its URI.
pg_database() {
  sp_pg_createdb "$PG_URI" "$1"
}

# nginx_front PORT NODE_A NODE_B: Debian's nginx on 127.0.0.1:PORT in front of two nodes
# (host:port), with tests/integration/nginx_nodes.conf.in, in the foreground of a background
# job, everything in $T; stopped at exit. Sets NGINX_URL, NGINX_PID. Exits 77 (SKIPPED) when
# nginx is not installed.
nginx_front() {
  local bin user=""
  bin=$(command -v nginx || echo /usr/sbin/nginx)
  if [ ! -x "$bin" ]; then
    echo "SKIPPED: nginx is not installed (Debian: nginx)"
    exit 77
  fi
  # As root the workers would be `nobody`, who cannot enter the private $T.
  [ "$(id -u)" -ne 0 ] || user="user root root;"
  mkdir -p "$T/nginx-tmp"
  sed -e "s|@DIR@|$T|g" -e "s|@PORT@|$1|" -e "s|@NODE_A@|$2|" -e "s|@NODE_B@|$3|" \
    -e "s|@USER@|$user|" "$ROOT/tests/integration/nginx_nodes.conf.in" >"$T/nginx.conf"
  "$bin" -p "$T" -e "$T/nginx-error.log" -c "$T/nginx.conf" >"$T/nginx.out" 2>&1 &
  NGINX_PID=$!
  at_exit "kill $NGINX_PID 2>/dev/null; wait $NGINX_PID 2>/dev/null"
  for _ in $(seq 100); do
    kill -0 "$NGINX_PID" 2>/dev/null || break
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/healthz")" != 000 ]; then
      NGINX_URL=http://127.0.0.1:$1
      return 0
    fi
    sleep 0.1
  done
  cat "$T/nginx.out" "$T/nginx-error.log" >&2 2>/dev/null
  fail "nginx did not start on port $1"
  finish
}

# sample_with_staff DB: the bundled sample (sp_import_sample) and two staff accounts, the
# editor olena (password "editor pass 2026") and the inspector ivan ("inspect pass 2026");
# a failed import ends the test.
sample_with_staff() {
  if ! sp_import_sample "$SPADOK" "$1" --quiet >"$T/import.log" 2>&1; then
    cat "$T/import.log" >&2
    fail "the sample does not import into $1"
    finish
  fi
  printf 'editor pass 2026\n' | "$SPADOK" user add olena --role editor --db "$1" >/dev/null 2>&1
  printf 'inspect pass 2026\n' | "$SPADOK" user add ivan --role inspector --db "$1" >/dev/null 2>&1
}

# pg_two_nodes: the setup of the multi-node tests (issue 23): a throwaway cluster with one
# PostGIS registry (the bundled sample, an editor olena and an inspector ivan), two nodes on
# it (start_node A, start_node B) and nginx in front of them. Sets DB (its URI), PH (the
# photo folder both nodes use), URL_A, URL_B, PID_A, PID_B, NGINX_URL. pg QUERY... runs psql
# on DB ('|'-separated, no headers).
pg() { psql -X -q -At -F '|' -v ON_ERROR_STOP=1 "$DB" "$@"; }
pg_two_nodes() {
  pg_cluster nodes
  DB=$(pg_database spadok_nodes) || { fail "create database"; finish; }
  PH=$T/photos
  sample_with_staff "$DB"
  NGINX_PORT=$(free_port)
  start_node A
  start_node B
  nginx_front "$NGINX_PORT" "127.0.0.1:$PORT_A" "127.0.0.1:$PORT_B"
}

# start_node NAME [serve options]: a node on DB: its own tile cache and exports, the shared
# photo folder, nginx (127.0.0.1) trusted for X-Forwarded-For, nginx's address as the public
# URL (links and ETags are the same whichever node answers). Sets URL_NAME, PID_NAME,
# PORT_NAME; its log is $T/node-NAME.log.
start_node() {
  local name=$1; shift
  SERVER_LOG=$T/node-$name.log start_server "$DB" --photos "$PH" --tile-cache "$T/$name.tiles" \
    --exports "$T/$name.exports" --trusted-proxy 127.0.0.1 --max-per-ip 1024 \
    --public-url "http://127.0.0.1:$NGINX_PORT" "$@"
  printf -v "URL_$name" '%s' "$URL"
  printf -v "PID_$name" '%s' "$SERVER_PID"
  printf -v "PORT_$name" '%s' "$PORT"
}
