#!/usr/bin/env bash
# bench/photos/upload.sh - photo uploads over HTTP: `spadok serve` receiving, checking and
# deriving each photo, against vipsthumbnail (Debian libvips-tools) run on the same files,
# one at a time and two at once, on the same machine, in one run; then the server's peak
# RSS while it receives a ~50 MB body. The in-process side (no HTTP) is bench/photos/derive.sh.
#   bench/photos/upload.sh [RUNS]      (uploads per file and case; default 12)
# Uses the binary as it is built (build/release/spadok; SPADOK=path to use another), with a
# fresh registry of the bundled Kyiv sample and an inspector, on 127.0.0.1.
# Files: the real camera photos of ../shared/data/photos_exif when present (DSCN0010.jpg
# 640x480, HMD_Nokia_8.3_5G.jpg 4608x1976), and photo-like pictures made here with the vips
# tool as derive.sh makes them: 24 MP JPEG, 12 MP PNG, 12 MP WebP.
# The photo store keeps one copy per SHA-256, so every timed upload sends distinct bytes:
# variants of each file with one comment more (a JPEG COM segment, a PNG tEXt chunk, an
# unknown RIFF chunk in a WebP), the same compressed pixels; the first is checked to decode to
# the same pixels, and every upload must be answered 201.
# Two tables:
#  - per file: Spadok's POST /collections/monuments/items/{id}/photos, the raw body
#      (Content-Type image/...), all of it (receive to a temp file, SHA-256, sniff, header,
#      EXIF, full decode, 1600 px web copy and 320 px thumbnail, fsyncs, the row):
#      ms/photo: median of RUNS uploads by one curl on one keep-alive connection (time_total);
#      photos/s: RUNS uploads by 2 curl clients at once over the server's 2 threads, wall clock;
#    against `vipsthumbnail FILE -s 320` and the fair peer, two calls (-s 320 and -s 1600; Spadok
#    makes both copies), JPEG Q 82 stripped as Spadok saves them: ms = hyperfine mean of RUNS
#    runs (process start-up included), photos/s = RUNS files through xargs -P2, wall clock.
#  - details: the same upload as multipart/form-data (field `file`), and the receive alone
#    (random bytes of the same size as image/jpeg: streamed to disk, then 415).
# Then peak RSS, each case in a fresh server (--max-photo-mb 60): VmRSS before the upload
# (after login; the peak is reset there through /proc/PID/clear_refs) and VmHWM after, for
# a ~50 MB body of random bytes (received, then 415: the streaming target, under 10 MB), a
# ~48 MB 24 MP PNG and a ~47 MB 67 MP JPEG, each raw and as multipart (received AND decoded).
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
RUNS=${1:-12}
case $RUNS in '' | *[!0-9]* | 0 | 1) echo "usage: bench/photos/upload.sh [RUNS >= 2]" >&2; exit 2 ;; esac
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg) # before this script's own work
SHARED=$(cd "$SP_ROOT/.." && pwd)/shared/data/photos_exif
SPADOK=${SPADOK:-$SP_ROOT/build/release/spadok}
sp_install_deps libvips-tools hyperfine curl python3
[ -x "$SPADOK" ] || { echo "bench/photos/upload.sh: $SPADOK is not built (scripts/demo or cmake)" >&2; exit 1; }

W=$(mktemp -d /tmp/spadok-bench-upload-XXXXXX)
SRV_PID=""
stop_server() {
  [ -n "$SRV_PID" ] || return 0
  kill -TERM "$SRV_PID" 2>/dev/null || true
  wait "$SRV_PID" 2>/dev/null || true
  SRV_PID=""
}
cleanup() {
  local rc=$?
  if [ $rc != 0 ] && [ -s "$W/server.log" ]; then
    echo "== tail of the server's log:" >&2
    tail -5 "$W/server.log" >&2
  fi
  stop_server
  rm -rf "$W"
}
trap cleanup EXIT

# ---- a registry with monuments and an inspector ----------------------------------------------
DB=$W/registry.sqlite
"$SPADOK" import --quiet --db "$DB" --mapping "$SP_ROOT/importers/mappings/kyiv_sample_monuments.json" \
  "$SP_ROOT/data/sample/kyiv_monuments.csv" >"$W/import.log" 2>&1 ||
  { cat "$W/import.log" >&2; exit 1; }
printf 'inspect pass 2026\n' | "$SPADOK" user add ivan --role inspector --db "$DB" >/dev/null 2>>"$W/import.log"

# start_server PHOTOS_DIR: a fresh `spadok serve`; sets SRV_PID, URL, TOKEN, UPLOAD
start_server() {
  local i port=""
  "$SPADOK" serve --db "$DB" --port 0 --photos "$1" --max-photo-mb 60 2>"$W/server.log" &
  SRV_PID=$!
  for i in $(seq 100); do
    port=$(sed -n 's/.*msg=listening .*port=\([0-9]*\).*/\1/p' "$W/server.log")
    [ -n "$port" ] && break
    kill -0 "$SRV_PID" 2>/dev/null || { cat "$W/server.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$port" ] || { echo "bench/photos/upload.sh: spadok serve did not start" >&2; exit 1; }
  URL=http://127.0.0.1:$port
  TOKEN=$(curl -sf -X POST "$URL/auth/login" -d '{"login":"ivan","password":"inspect pass 2026"}' |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
  UPLOAD=$URL/collections/monuments/items/1/photos
}

# ---- files -------------------------------------------------------------------------------------
source "$SP_ROOT/bench/photos/pictures.sh"
sp_log "making the pictures (24 MP, 12 MP, 67 MP)"
synth 6000 4000 "$W/s24.v"
synth 4000 3000 "$W/s12.v"
synth 9000 7500 "$W/s67.v"
vips copy "$W/s24.v" "$W/synth-24mp.jpg[Q=90]"
vips copy "$W/s12.v" "$W/synth-12mp.png"
vips copy "$W/s12.v" "$W/synth-12mp.webp[Q=85]"
FILES+=("$W/synth-24mp.jpg" "$W/synth-12mp.png" "$W/synth-12mp.webp")
vips copy "$W/s24.v" "$W/big-24mp.png"      # ~48 MB: the RSS cases
vips copy "$W/s67.v" "$W/big-67mp.jpg[Q=95]" # ~47 MB
rm -f "$W"/s*.v

# variants SRC DIR COUNT: DIR/v1.EXT ... with the same pixels and one distinct comment each
variants() {
  mkdir -p "$2"
  python3 - "$@" <<'PY'
import os, struct, sys, zlib
src, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
d = open(src, "rb").read()
ext = os.path.splitext(src)[1]
for n in range(1, count + 1):
    tag = b"spadok bench variant %d" % n
    if d[:2] == b"\xff\xd8":  # JPEG: a COM segment right after SOI
        v = d[:2] + b"\xff\xfe" + struct.pack(">H", len(tag) + 2) + tag + d[2:]
    elif d[:8] == b"\x89PNG\r\n\x1a\n":  # PNG: a tEXt chunk after IHDR
        end = 8 + 8 + struct.unpack(">I", d[8:12])[0] + 4
        body = b"tEXtComment\x00" + tag
        v = d[:end] + struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body)) + d[end:]
    elif d[:4] == b"RIFF" and d[8:12] == b"WEBP":  # WebP: an unknown chunk at the end
        tag += b" " * (len(tag) % 2)
        rest = d[12:] + b"SPDK" + struct.pack("<I", len(tag)) + tag
        v = b"RIFF" + struct.pack("<I", 4 + len(rest)) + b"WEBP" + rest
    else:
        sys.exit("variants: not a JPEG, PNG or WebP: " + src)
    open(os.path.join(out, "v%d%s" % (n, ext)), "wb").write(v)
PY
  local first
  first=$(ls "$2"/v1.*)
  [ "$(vips avg "$1")" = "$(vips avg "$first")" ] ||
    { echo "bench/photos/upload.sh: $first does not decode to the pixels of $1" >&2; exit 1; }
}
media_type() {
  case $1 in *.png) echo image/png ;; *.webp) echo image/webp ;; *) echo image/jpeg ;; esac
}

# curl_config MODE TAG FILE...: a curl config of one POST per file (MODE raw, form or junk: raw
# body as image/jpeg, expected 415); each prints "status seconds", the body goes to resp-TAG-N
curl_config() {
  local mode=$1 tag=$2 f n=0
  shift 2
  for f in "$@"; do
    n=$((n + 1))
    [ $n = 1 ] || echo next
    printf 'url = "%s"\nheader = "Authorization: Bearer %s"\nheader = "Expect:"\n' "$UPLOAD" "$TOKEN"
    case $mode in
      raw) printf 'header = "Content-Type: %s"\ndata-binary = "@%s"\n' "$(media_type "$f")" "$f" ;;
      junk) printf 'header = "Content-Type: image/jpeg"\ndata-binary = "@%s"\n' "$f" ;;
      form) printf 'form = "file=@%s;type=%s"\n' "$f" "$(media_type "$f")" ;;
    esac
    printf 'output = "%s/resp-%s-%d"\nwrite-out = "%%{http_code} %%{time_total}\\n"\n' "$W" "$tag" "$n"
  done
}
# check_status WANT FILE: every line of FILE ("status seconds") has status WANT
check_status() {
  local bad
  bad=$(awk -v w="$1" '$1 != w' "$2")
  [ -z "$bad" ] && return 0
  echo "bench/photos/upload.sh: expected $1, got: $(echo "$bad" | head -3 | tr '\n' ' ')" >&2
  cat "$W"/resp-* 2>/dev/null | head -c 600 >&2
  exit 1
}
median_ms() { sort -n -k2 "$1" | awk '{t[NR] = $2} END {printf "%.1f", 1000 * t[int((NR + 1) / 2)]}'; }
# one_client MODE WANT FILE...: the uploads on one connection; prints the median ms
one_client() {
  local mode=$1 want=$2
  shift 2
  curl_config "$mode" one "$@" >"$W/one.cfg"
  curl -s -K "$W/one.cfg" >"$W/one.out"
  check_status "$want" "$W/one.out"
  rm -f "$W"/resp-*
  median_ms "$W/one.out"
}
# two_clients FILE...: half the files each, 2 curl processes at once; prints photos/s
two_clients() {
  local n=$# half=$(($# / 2)) t0 t1
  curl_config raw two1 "${@:1:half}" >"$W/two1.cfg"
  curl_config raw two2 "${@:half+1}" >"$W/two2.cfg"
  t0=$EPOCHREALTIME
  curl -s -K "$W/two1.cfg" >"$W/two1.out" &
  local c1=$!
  curl -s -K "$W/two2.cfg" >"$W/two2.out" &
  local c2=$!
  wait $c1 $c2
  t1=$EPOCHREALTIME
  cat "$W/two1.out" "$W/two2.out" >"$W/two.out"
  check_status 201 "$W/two.out"
  rm -f "$W"/resp-*
  awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", n / (b - a)}'
}
# vt_mean FILE SIZE: hyperfine mean ms of `vipsthumbnail FILE -s SIZE`
vt_mean() {
  hyperfine -N --style none --warmup 2 --runs "$RUNS" --export-json "$W/h.json" \
    "vipsthumbnail $1 -s $2 -o $W/out/tn_%s_$2.jpg[Q=82,strip]" >/dev/null 2>"$W/hyperfine.log"
  python3 -c 'import json, sys; print("%.1f" % (1000 * json.load(open(sys.argv[1]))["results"][0]["mean"]))' "$W/h.json"
}
# vt_two SIZES FILE...: every file at every size ("320" or "320 1600"), xargs -P2; photos/s
vt_two() {
  local sizes=$1 f s t0 t1 n
  shift
  n=$#
  for f in "$@"; do for s in $sizes; do echo "$f $s"; done; done >"$W/jobs"
  t0=$EPOCHREALTIME
  # shellcheck disable=SC2016 # expanded by sh, for each job
  OUT=$W/out xargs -P2 -n2 sh -c 'exec vipsthumbnail "$0" -s "$1" -o "$OUT/tn_%s_$1.jpg[Q=82,strip]"' <"$W/jobs"
  t1=$EPOCHREALTIME
  awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", n / (b - a)}'
}
mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN {printf "%.1f", b / 1e6}'; }

# ---- run ---------------------------------------------------------------------------------------
mkdir -p "$W/out"
built=$(stat -c %Y "$SPADOK")
commit=$(git -C "$SP_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$SP_ROOT" diff --quiet HEAD -- . ':!bench' 2>/dev/null || echo " + uncommitted changes")
echo "# bench/photos/upload.sh  commit $commit$dirty  $(date -u +%Y-%m-%dT%H:%MZ)"
echo "# machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)," \
  "Linux $(uname -r); $(vips --version); $(curl --version | head -1 | cut -d' ' -f1-2);" \
  "load average at the start $LOAD0"
echo "# spadok: $SPADOK (built $(date -u -r "$SPADOK" +%Y-%m-%dT%H:%MZ)), serve --threads default ($(nproc)), photo folder on $(df --output=source "$W" | tail -1), 127.0.0.1"
echo "# Spadok ms/photo: median of $RUNS uploads, one curl, one keep-alive connection; photos/s: $RUNS uploads by 2 curl clients at once, wall clock"
echo "# vipsthumbnail ms: hyperfine mean of $RUNS runs after 2 warm-ups (start-up included; 320+1600 = the sum of the two calls); photos/s: $RUNS files, xargs -P2, wall clock"
echo "# ratio: Spadok ms / vipsthumbnail 320+1600 ms (1), vipsthumbnail 320+1600 photos/s / Spadok photos/s (2): above 1 = Spadok slower"
start_server "$W/photos"
declare -A MP RECV VT2A VT2B RATIO2
printf '%-22s %-10s %6s %12s %13s %9s %14s %9s %9s\n' file pixels MB "spadok ms/1" "spadok /s(2)" \
  "vt320 ms" "vt320+1600 ms" "ratio(1)" "ratio(2)"
for f in "${FILES[@]}"; do
  name=$(basename "$f")
  V=$W/var/$name
  variants "$f" "$V" $((3 * RUNS + 2))
  ext=${f##*.}
  warm=("$V/v1.$ext" "$V/v2.$ext")
  seq_=() two=() form=()
  for i in $(seq "$RUNS"); do
    seq_+=("$V/v$((i + 2)).$ext")
    two+=("$V/v$((i + 2 + RUNS)).$ext")
    form+=("$V/v$((i + 2 + 2 * RUNS)).$ext")
  done
  head -c "$(stat -c %s "$f")" /dev/urandom >"$W/junk.bin"
  one_client raw 201 "${warm[@]}" >/dev/null
  s1=$(one_client raw 201 "${seq_[@]}")
  s2=$(two_clients "${two[@]}")
  MP[$name]=$(one_client form 201 "${form[@]}")
  junk=()
  for i in $(seq "$RUNS"); do junk+=("$W/junk.bin"); done
  RECV[$name]=$(one_client junk 415 "${junk[@]}")
  v320=$(vt_mean "$f" 320)
  v1600=$(vt_mean "$f" 1600)
  VT2A[$name]=$(vt_two 320 "${two[@]}")
  VT2B[$name]=$(vt_two "320 1600" "${two[@]}")
  vboth=$(awk -v a="$v320" -v b="$v1600" 'BEGIN {printf "%.1f", a + b}')
  r1=$(awk -v a="$s1" -v b="$vboth" 'BEGIN {printf "%.2f", a / b}')
  RATIO2[$name]=$(awk -v a="$s2" -v b="${VT2B[$name]}" 'BEGIN {printf "%.2f", b / a}')
  px=$(vipsheader -f width "$f")x$(vipsheader -f height "$f")
  printf '%-22s %-10s %6s %12s %13s %9s %14s %9s %9s\n' "$name" "$px" "$(mb "$f")" "$s1" "$s2" \
    "$v320" "$vboth" "$r1" "${RATIO2[$name]}"
  rm -rf "$V" "$W/out"/*
done
stop_server

echo
echo "# details: Spadok as multipart/form-data (field file) and the receive alone (random bytes of the"
echo "# file's size as image/jpeg: streamed to a temp file, then 415), median ms of $RUNS, one client;"
echo "# vipsthumbnail photos/s with 2 processes at once (xargs -P2)"
printf '%-22s %14s %11s %13s %18s\n' file "multipart ms/1" "receive ms" "vt320 /s(2)" "vt320+1600 /s(2)"
for f in "${FILES[@]}"; do
  name=$(basename "$f")
  printf '%-22s %14s %11s %13s %18s\n' "$name" "${MP[$name]}" "${RECV[$name]}" "${VT2A[$name]}" "${VT2B[$name]}"
done

# ---- peak RSS of one ~50 MB upload, each in a fresh server -------------------------------------
kb() { awk -v k="$2" '$1 == k ":" {print $2}' "/proc/$1/status"; }
echo
echo "# peak RSS of one upload, fresh server each (--max-photo-mb 60): MB = VmHWM after - VmRSS before"
echo "# (before: after login, peak reset by clear_refs); target: under 10 MB to receive a 50 MB body"
printf '%-34s %-9s %8s %7s %11s %10s %10s %8s\n' case body "body MB" status "RSS before" "HWM after" \
  "RSS after" "growth"
head -c $((50 * 1048576)) /dev/urandom >"$W/random-50MiB.bin"
n=0
rss_case() { # LABEL MODE WANT FILE
  n=$((n + 1))
  start_server "$W/photos-rss$n"
  local pid=$SRV_PID before hwm0 after hwm status
  before=$(kb "$pid" VmRSS)
  echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || echo "note: clear_refs not writable: the peak includes start-up" >&2
  hwm0=$(kb "$pid" VmHWM)
  [ "$hwm0" -le $((before + 1024)) ] || echo "note: $1: VmHWM $hwm0 kB before the upload (RSS $before kB)" >&2
  curl_config "$2" rss "$4" >"$W/rss.cfg"
  curl -s -K "$W/rss.cfg" >"$W/rss.out"
  check_status "$3" "$W/rss.out"
  status=$(cut -d' ' -f1 "$W/rss.out")
  rm -f "$W"/resp-*
  hwm=$(kb "$pid" VmHWM)
  after=$(kb "$pid" VmRSS)
  stop_server
  rm -rf "$W/photos-rss$n"
  printf '%-34s %-9s %8s %7s %11.1f %10.1f %10.1f %8.1f\n' "$1" "$2" "$(mb "$4")" "$status" \
    "$(awk -v k="$before" 'BEGIN {print k / 1024}')" "$(awk -v k="$hwm" 'BEGIN {print k / 1024}')" \
    "$(awk -v k="$after" 'BEGIN {print k / 1024}')" "$(awk -v a="$hwm" -v b="$before" 'BEGIN {print (a - b) / 1024}')"
}
rss_case "(a) random bytes as image/jpeg" junk 415 "$W/random-50MiB.bin"
rss_case "(a') random bytes, multipart" form 415 "$W/random-50MiB.bin"
rss_case "(b) 24 MP PNG $(vipsheader -f width "$W/big-24mp.png")x$(vipsheader -f height "$W/big-24mp.png"), raw" raw 201 "$W/big-24mp.png"
rss_case "(c) 24 MP PNG, multipart" form 201 "$W/big-24mp.png"
rss_case "(b) 67 MP JPEG Q95 9000x7500, raw" raw 201 "$W/big-67mp.jpg"
rss_case "(c) 67 MP JPEG Q95, multipart" form 201 "$W/big-67mp.jpg"

echo
echo "# load average after the runs $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$(stat -c %Y "$SPADOK")" = "$built" ] ||
  echo "# WARNING: $SPADOK was rebuilt during the run: the servers above may be of different builds"
