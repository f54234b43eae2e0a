#!/usr/bin/env bash
# bench/photos/derive.sh - deriving a photo's 320 px thumbnail: Spadok's photos module
# against vipsthumbnail (Debian libvips-tools), on the same files, same machine, in one run.
#   bench/photos/derive.sh [RUNS]       (in-process runs per file and tool; default 9)
# Files: the real camera photos of ../shared/data/photos_exif when present (DSCN0010.jpg
# 640x480, HMD_Nokia_8.3_5G.jpg 4608x1976), and photo-like pictures made here with the
# vips tool (so a clone without ../shared runs it too): 24 MP baseline and progressive JPEG,
# 12 MP PNG, WebP and HEIC.
# Two tables:
#  - in-process (bench/photos/photo_derive.c; median ms per photo, no process start-up):
#      finish      the module's whole sp_photo_upload_finish: sniff, header, EXIF, full
#                  decode, web copy (1600 px) AND thumbnail (320 px), fsyncs, renames
#      finish-tmpfs  the same with the photo folder on /dev/shm: without the fsyncs' cost
#      probe       its header read and pixel-limit check alone
#      decode      a full-resolution decode of every pixel: what a separate "is it an image"
#                  check would cost (the module folds the check into deriving the web copy)
#      vips320     vips_thumbnail(320) + JPEG save, what vipsthumbnail does
#      libjpeg320  libjpeg-turbo by hand (DCT-scaled decode, box filter, encode; JPEG only):
#                  the alternative to libvips that was measured
#  - whole processes (hyperfine, mean ms): `photo_derive finish 1 FILE` against
#    `vipsthumbnail FILE -s 320`, both paying their start-up and vips_init.
# Then peak RSS of one upload (streaming, then finish) of the Nokia photo and of a ~50 MB
# JPEG, each in a fresh process.
# Over HTTP (raw and multipart bodies POSTed to `spadok serve`: ms per photo, photos/s with 2
# clients, against vipsthumbnail run the same way; the server's peak RSS for a 50 MB body):
# bench/photos/upload.sh.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
RUNS=${1:-9}
case $RUNS in '' | *[!0-9]* | 0) echo "usage: bench/photos/derive.sh [RUNS]" >&2; exit 2 ;; esac
SHARED=$(cd "$SP_ROOT/.." && pwd)/shared/data/photos_exif
sp_install_deps gcc cmake pkg-config libvips-dev libvips-tools libexif-dev libsodium-dev \
  libjpeg-dev hyperfine

# ---- build: only the photos library (the server is not needed), then the driver ---------------
sp_install_node_deps # configuring the project needs Leaflet (the web pages embed it)
BUILD=$SP_ROOT/build/bench-photos
mkdir -p "$SP_ROOT/build"
if ! { cmake -S "$SP_ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
       cmake --build "$BUILD" --target sp_photos -j"$(nproc)"; } >"$BUILD.log" 2>&1; then
  tail -30 "$BUILD.log" >&2
  echo "bench/photos/derive.sh: build failed (log: $BUILD.log)" >&2
  exit 1
fi
W=$(mktemp -d /tmp/spadok-bench-photos-XXXXXX)
trap 'rm -rf "$W"' EXIT
DRIVER=$W/photo_derive
# shellcheck disable=SC2046
cc -std=c11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
  -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$SP_ROOT/photos" -I"$SP_ROOT/common" \
  $(pkg-config --cflags vips) "$SP_ROOT/bench/photos/photo_derive.c" \
  "$BUILD/libsp_photos.a" "$BUILD/libsp_common.a" \
  $(pkg-config --libs vips libexif libsodium libjpeg) -lpthread -o "$DRIVER"

# ---- files ---------------------------------------------------------------------------------
source "$SP_ROOT/bench/photos/pictures.sh"
synth 6000 4000 "$W/s24.v"
synth 4000 3000 "$W/s12.v"
vips copy "$W/s24.v" "$W/synth-24mp.jpg[Q=90]"
vips copy "$W/s24.v" "$W/synth-24mp-progressive.jpg[Q=90,interlace]"
vips copy "$W/s12.v" "$W/synth-12mp.png"
vips copy "$W/s12.v" "$W/synth-12mp.webp[Q=85]"
HEIC=""
if vips copy "$W/s12.v" "$W/synth-12mp.heic[Q=60]" 2>/dev/null; then HEIC=$W/synth-12mp.heic; fi
FILES+=("$W/synth-24mp.jpg" "$W/synth-24mp-progressive.jpg" "$W/synth-12mp.png" "$W/synth-12mp.webp")
[ -z "$HEIC" ] || FILES+=("$HEIC")
# A ~50 MB JPEG for the memory check (9000 x 7500, 67 MP, Q 95).
synth 9000 7500 "$W/s67.v"
vips copy "$W/s67.v" "$W/synth-67mp.jpg[Q=95]"
rm -f "$W"/s*.v

# ---- run -----------------------------------------------------------------------------------
commit=$(git -C "$SP_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
echo "# bench/photos/derive.sh  commit $commit  $(date -u +%Y-%m-%dT%H:%MZ)"
echo "# machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)," \
  "Linux $(uname -r); $(vips --version); $(dpkg-query -W -f='libjpeg-turbo ${Version}' libjpeg62-turbo 2>/dev/null)"
echo "# in-process: median of $RUNS runs per file and tool"
printf '%-30s %-10s %-12s %10s\n' case pixels tool "ms/photo"
for f in "${FILES[@]}"; do
  px=$(vipsheader -f width "$f")x$(vipsheader -f height "$f")
  tools=(finish finish-tmpfs probe decode vips320)
  case $f in *.jpg) tools+=(libjpeg320) ;; esac
  for t in "${tools[@]}"; do
    if [ "$t" = finish-tmpfs ]; then # the same on tmpfs, where fsync costs nothing
      TMPDIR=/dev/shm "$DRIVER" finish "$RUNS" "$f" | sed 's/ finish /finish-tmpfs/'
    else
      "$DRIVER" "$t" "$RUNS" "$f"
    fi | awk -v px="$px" '{printf "%-30s %-10s %-12s %10.1f\n", $1, px, $2, $3}'
  done
done

echo
echo "# whole processes: hyperfine, 2 warm-ups, mean of $RUNS runs (start-up and vips_init included)"
printf '%-30s %-22s %10s\n' case tool "ms/photo"
for f in "${FILES[@]}"; do
  name=$(basename "$f")
  hyperfine -N --style none --warmup 2 --runs "$RUNS" --export-json "$W/h.json" \
    -n spadok-finish "$DRIVER finish 1 $f" \
    -n vipsthumbnail-320 "vipsthumbnail $f -s 320 -o $W/tn_%s.jpg[Q=82,strip]" \
    >/dev/null 2>"$W/hyperfine.log"
  python3 - "$W/h.json" "$name" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("%-30s %-22s %10.1f" % (sys.argv[2], r["command"], r["mean"] * 1000))
PY
done

echo
echo "# peak RSS of one upload in a fresh process (streamed in 64 KB writes, then finish)"
RSS_FILES=("$W/synth-67mp.jpg" "$W/synth-24mp-progressive.jpg")
[ ! -f "$SHARED/HMD_Nokia_8.3_5G.jpg" ] || RSS_FILES=("$SHARED/HMD_Nokia_8.3_5G.jpg" "${RSS_FILES[@]}")
for f in "${RSS_FILES[@]}"; do
  printf '%-30s %6.1f MB  ' "$(basename "$f")" "$(($(stat -c %s "$f") / 1000))e-3"
  "$DRIVER" rss 1 "$f" | sed 's/^[^ ]* *rss *//'
done
