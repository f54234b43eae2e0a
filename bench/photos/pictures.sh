# bench/photos/pictures.sh - the pictures both photo benchmarks (derive.sh, upload.sh) use.
# Sourced, with W (a scratch folder) and SHARED (../shared/data/photos_exif) set: FILES starts
# with the real camera photos when present; synth W H OUT makes a photo-like picture.
FILES=()
if [ -f "$SHARED/SOURCE.txt" ]; then
  FILES+=("$SHARED/DSCN0010.jpg" "$SHARED/HMD_Nokia_8.3_5G.jpg")
else
  echo "note: $SHARED absent, synthetic pictures only" >&2
fi
# A photo-like picture: smooth random colour fields with fine grain, w x h.
synth() {
  local w=$1 h=$2 out=$3 b
  for b in 1 2 3; do
    vips gaussnoise "$W/n$b.v" "$w" "$h" --sigma 80 --mean 128 --seed "$b"
    vips gaussblur "$W/n$b.v" "$W/b$b.v" 6
    vips gaussnoise "$W/g$b.v" "$w" "$h" --sigma 6 --mean 0 --seed "$((b + 10))"
    vips add "$W/b$b.v" "$W/g$b.v" "$W/c$b.v"
  done
  vips bandjoin "$W/c1.v $W/c2.v $W/c3.v" "$W/rgb.v"
  vips cast "$W/rgb.v" "$out" uchar
  rm -f "$W"/[nbgc][0-9]*.v "$W/rgb.v"
}
