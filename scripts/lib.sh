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
