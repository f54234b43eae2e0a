#!/usr/bin/env bash
# Issue 21: a photo upload is checked on its headers (token, role, monument) before its body
# is read: a refused upload answers at once and nothing of it reaches the photo folder. The
# body is sent slowly (1 MB/s, 8 MB, no Expect: 100-continue), so reading it would take 8 s
# and fill DIR/tmp meanwhile; the bound asserted is a generous 4 s.
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
import_sample "$DB"
printf 'editor pass 2026\n' | "$SPADOK" user add olena --role editor --db "$DB" >/dev/null 2>&1
printf 'inspect pass 2026\n' | "$SPADOK" user add ivan --role inspector --db "$DB" >/dev/null 2>&1
start_server "$DB" --photos "$T/photos"
OLENA=$(token olena "editor pass 2026")
IVAN=$(token ivan "inspect pass 2026")
mid=$(sql "$DB" "SELECT id FROM monument WHERE name_uk = 'Софійський собор'")
head -c 8000000 /dev/zero >"$T/big.bin"

# refused WHAT EXPECTED PATH [curl args]: the upload is answered EXPECTED before curl has sent
# its whole body (sent slowly), and the photo folder's temp files never grew while it ran.
refused() {
  local what=$1 want=$2 path=$3; shift 3
  curl -s -o "$T/body" -w '%{http_code} %{size_upload}' --limit-rate 1M -H 'Expect:' -X POST \
    -H 'Content-Type: image/png' --data-binary "@$T/big.bin" "$@" "$URL$path" >"$T/code" &
  local pid=$! most=0 used
  while kill -0 "$pid" 2>/dev/null; do
    used=$(du -sb "$T/photos/tmp" | cut -f1)
    [ "$used" -gt "$most" ] && most=$used
    sleep 0.2
  done
  wait "$pid"
  local code sent
  read -r code sent <"$T/code"
  check_eq "issue 21: $what: $want" "$want" "$code"
  check_true "issue 21: $what: answered before the body was read ($sent of 8000000 bytes sent)" \
    test "$sent" -lt 8000000
  check_true "issue 21: $what: nothing reached the photo folder ($most bytes in tmp/)" \
    test "$most" -le 4096
}
base=$(du -sb "$T/photos/tmp" | cut -f1)
check_true "the photo folder's temp files are empty to begin with ($base)" test "$base" -le 4096
refused "no token" 401 "/collections/monuments/items/$mid/photos"
refused "a wrong token" 401 "/collections/monuments/items/$mid/photos" -H "Authorization: Bearer nonsense"
refused "the wrong role" 403 "/collections/monuments/items/$mid/photos" -H "Authorization: Bearer $OLENA"
refused "an unknown monument" 404 "/collections/monuments/items/999999/photos" -H "Authorization: Bearer $IVAN"
check_eq "the server is well after all that" 200 "$(http /healthz)"
finish
