# scripts/lib.sh - shared by scripts/demo, scripts/test and bench/*: install what is missing
# (Debian packages only, never anything fetched by hand), build, find the binary.
# Sourced, not run.

SP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian packages the build, the tests and the demo need.
SP_DEB_PACKAGES=(
  gcc make cmake pkg-config clang-format clang libclang-rt-14-dev
  libgdal-dev gdal-bin libproj-dev proj-bin
  libsqlite3-dev sqlite3 libspatialite-dev libsqlite3-mod-spatialite libpq-dev
  libjansson-dev libmicrohttpd-dev zlib1g-dev
  libcairo2-dev libpango1.0-dev libpng-dev fonts-dejavu-core libsodium-dev
  libvips-dev libvips-tools libexif-dev
  libhunspell-dev hunspell-uk libstemmer-dev
  python3 time curl chromium groff-base man-db
)

sp_log() { printf '%s\n' "== $*" >&2; }

# PostgreSQL + PostGIS for the second storage engine (issue 23) and nginx for the tests that
# put several servers behind one address: scripts/test installs them, scripts/demo does not.
SP_DEB_PG_PACKAGES=(postgresql-15 postgresql-15-postgis-3 postgresql-client-15 nginx)

# The PostgreSQL server programs (initdb, pg_ctl): Debian keeps them out of PATH.
sp_pg_bindir() {
  local d
  for d in "$(pg_config --bindir 2>/dev/null)" /usr/lib/postgresql/15/bin; do
    [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  return 1
}

# Runs a PostgreSQL server program as the user that owns the cluster: initdb refuses root, so
# as root it is the unprivileged `postgres`, otherwise the current user.
sp_pg_as() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# sp_pg_start DIR PORT: a throwaway cluster in DIR (made on first use: superuser spadok, trust
# authentication, UTF-8, bytewise collation as SQLite compares text), listening on a Unix
# socket in DIR and on 127.0.0.1:PORT only; fsync on, and wal_level=replica with WAL senders
# so a streaming replica can be made from it. Prints its libpq URI. Waits for the server to
# accept connections (2 minutes at most, for a loaded machine) or fails with the log's tail.
sp_pg_start() {
  local dir=${1:?usage: sp_pg_start DIR PORT} port=${2:?usage: sp_pg_start DIR PORT} bin
  bin=$(sp_pg_bindir) || { sp_log "PostgreSQL server programs not found (initdb, pg_ctl; Debian: ${SP_DEB_PG_PACKAGES[*]})"; return 1; }
  mkdir -p "$dir" || return 1
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || { sp_log "running as root and there is no user postgres to run PostgreSQL as"; return 1; }
    chown postgres "$dir" || return 1
  fi
  if ! sp_pg_as test -w "$dir"; then
    sp_log "$dir is not writable by $(if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi) (a parent folder may be private)"
    return 1
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    sp_pg_as "$bin/initdb" -D "$dir/data" -A trust -U spadok -E UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1 || { tail -20 "$dir/initdb.log" >&2; sp_log "initdb failed in $dir"; return 1; }
  fi
  if ! sp_pg_as "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 120 start -o \
       "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on -c wal_level=replica -c max_wal_senders=4" \
       >/dev/null; then
    tail -20 "$dir/log" >&2
    sp_log "PostgreSQL did not start in $dir on port $port (log above: $dir/log)"
    return 1
  fi
  echo "postgresql://spadok@127.0.0.1:$port/postgres"
}

# sp_pg_createdb URI NAME: a new database NAME on the server of URI (bytewise text order,
# C.UTF-8, as schemas/pg/001_init.sql asks); prints its URI. One that exists is an error.
sp_pg_createdb() {
  local uri=${1:?usage: sp_pg_createdb URI NAME} name=${2:?usage: sp_pg_createdb URI NAME}
  psql -X -q -v ON_ERROR_STOP=1 "$uri" \
    -c "CREATE DATABASE $name TEMPLATE template0 LOCALE 'C.UTF-8'" >&2 || return 1
  echo "${uri%/*}/$name"
}

# sp_pg_stop DIR: stops the cluster sp_pg_start made in DIR (fast: open sessions are ended).
# A cluster that is not running is not an error.
sp_pg_stop() {
  local dir=${1:?usage: sp_pg_stop DIR} bin
  bin=$(sp_pg_bindir) || return 1
  [ -f "$dir/data/postmaster.pid" ] || return 0
  sp_pg_as "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 120 stop >/dev/null
}

# sp_import_sample SPADOK DB [IMPORT OPTIONS...]: the bundled sample (data/sample/), in the
# order scripts/demo loads it: Kyiv's districts, the monument list, the OSM historic
# buildings, then the documented damage events as condition reports of those monuments.
sp_import_sample() {
  local spadok=$1 db=$2 m=$SP_ROOT/importers/mappings s=$SP_ROOT/data/sample
  shift 2
  "$spadok" import "$@" --db "$db" --mapping "$m/kyiv_raions_osm.json" "$s/kyiv_raions.geojson" &&
    "$spadok" import "$@" --db "$db" --mapping "$m/kyiv_sample_monuments.json" "$s/kyiv_monuments.csv" &&
    "$spadok" import "$@" --db "$db" --mapping "$m/kyiv_abandoned_buildings_osm.json" \
      "$s/kyiv_osm_historic_buildings.geojson" &&
    "$spadok" import "$@" --db "$db" --mapping "$m/kyiv_sample_damage_reports.json" \
      "$s/kyiv_damage_reports.csv"
}

# Installs the Debian packages given (default: SP_DEB_PACKAGES) that are not installed yet.
sp_install_deps() {
  local want=("$@") missing=() p
  [ ${#want[@]} -gt 0 ] || want=("${SP_DEB_PACKAGES[@]}")
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  sp_log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Installs the JavaScript from npm (package-lock.json) when node_modules is missing or older:
# Leaflet, which the build embeds in the binary for the web pages, and the browser tests'
# packages.
sp_install_node_deps() {
  # Node.js may come from Debian (nodejs + npm) or be on the machine already: check commands.
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    sp_install_deps nodejs npm
  fi
  if [ ! -d "$SP_ROOT/node_modules" ] || [ "$SP_ROOT/package-lock.json" -nt "$SP_ROOT/node_modules" ]; then
    sp_log "installing JavaScript from package-lock.json (npm ci: Leaflet, test packages)"
    (cd "$SP_ROOT" && npm ci --no-audit --no-fund --loglevel=error >&2) && touch "$SP_ROOT/node_modules"
  fi
}

# Configures and builds into build/NAME with extra cmake arguments; prints the binary path.
sp_build() {
  local name=$1; shift
  local log="$SP_ROOT/build/$name.log"
  mkdir -p "$SP_ROOT/build"
  sp_install_node_deps # the web pages embed Leaflet from node_modules
  sp_log "building build/$name ($*)"
  if ! { cmake -S "$SP_ROOT" -B "$SP_ROOT/build/$name" "$@" &&
         cmake --build "$SP_ROOT/build/$name" -j"$(nproc)"; } >"$log" 2>&1; then
    tail -40 "$log" >&2
    sp_log "build failed (whole log: $log)"
    return 1
  fi
  echo "$SP_ROOT/build/$name/spadok"
}
