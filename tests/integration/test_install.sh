#!/usr/bin/env bash
# `cmake --install` as a Debian service needs it (issue 21, item 8): into a temporary DESTDIR
# with prefix /usr, the binary lands in bin and runs, every command has a man page that
# groff renders without a warning and whose options are those of its --help, the systemd unit
# passes `systemd-analyze verify` (skipped where that tool is absent), and the example
# configuration is accepted by `spadok serve --config` (the installed binary then serves).
source "$(dirname "$0")/lib.sh"
BUILD=$(dirname "$SPADOK")
D=$T/destdir
if ! DESTDIR=$D cmake --install "$BUILD" --prefix /usr >"$T/install.log" 2>&1; then
  cat "$T/install.log" >&2
  fail "cmake --install failed"
  finish
fi

# 1. the binary is in the path's bin and runs
BIN=$D/usr/bin/spadok
check_true "spadok installed in usr/bin" test -x "$BIN"
check_contains "installed spadok --version" "$("$BIN" --version 2>&1)" "spadok "

# 2. a man page per command, rendered cleanly, naming every option of its --help
for c in "" import export migrate backup serve tiles user; do
  page=$D/usr/share/man/man1/spadok${c:+-$c}.1
  if [ ! -f "$page" ]; then
    fail "no man page $page"
    continue
  fi
  out=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
  check_eq "groff warnings for $(basename "$page")" "" "$out"
  text=$(groff -man -Tutf8 "$page" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g; s/  */ /g')
  check_contains "$(basename "$page") has its NAME" "$text" "spadok${c:+-$c} - "
  [ -n "$c" ] || continue
  for opt in $("$BIN" "$c" --help | grep -o '^  --[a-z-]*'); do
    check_contains "$(basename "$page") documents $opt" "$text" "$opt"
  done
done
if command -v man >/dev/null; then
  check_contains "man -l renders spadok-serve.1" \
    "$(MANPAGER=cat MANWIDTH=100 man -l "$D/usr/share/man/man1/spadok-serve.1" 2>&1)" "--config"
else
  skip_part "man is not installed (groff rendered the pages)"
fi

# 3. the systemd unit and the example configuration
UNIT=$D/usr/lib/systemd/system/spadok.service
check_true "unit installed" test -f "$UNIT"
check_contains "unit runs serve with the config file" "$(cat "$UNIT")" \
  "ExecStart=/usr/bin/spadok serve --config /etc/spadok/spadok.conf"
if command -v systemd-analyze >/dev/null; then
  # verify checks every directive and that ExecStart's binary exists: a copy of the unit
  # names the installed one.
  sed "s|/usr/bin/spadok|$BIN|" "$UNIT" >"$T/spadok.service"
  out=$(systemd-analyze verify --man=no "$T/spadok.service" 2>&1)
  check_eq "systemd-analyze verify spadok.service" "" "$out"
else
  skip_part "systemd-analyze is not installed (the unit was not verified)"
fi
CONF=$D/usr/share/doc/spadok/spadok.conf
check_true "example spadok.conf installed" test -f "$CONF"
check_true "example nginx site installed" test -f "$D/usr/share/doc/spadok/nginx-spadok.conf"
# the example's settings are serve's own: each name is an option of serve
for name in $(grep -o '^[a-z-]* *=' "$CONF" | tr -d ' ='); do
  check_contains "spadok.conf setting $name is an option of serve" \
    "$("$BIN" serve --help)" "--$name "
done
# and the installed binary serves with it (the command line's --db, --port, --photos win)
SPADOK=$BIN
"$BIN" migrate --db "$T/r.sqlite" >/dev/null 2>&1
start_server "$T/r.sqlite" --config "$CONF" --photos "$T/photos"
check_eq "installed spadok serves with the example spadok.conf" 200 "$(http /healthz)"
finish
