#!/usr/bin/env bash
# Browser-side checks against a real server: the OpenAPI document under an npm validator
# (@apidevtools/swagger-parser), and the HTML pages in Debian's Chromium via playwright-core
# (tests/browser/*.test.mjs, node's test runner).
source "$(dirname "$0")/lib.sh"
if [ ! -d "$ROOT/node_modules/playwright-core" ] || [ ! -x /usr/bin/chromium ]; then
  echo "SKIPPED: node_modules or /usr/bin/chromium missing (scripts/test installs them)"
  exit 77
fi
DB=$T/r.sqlite
"$SPADOK" import --quiet --db "$DB" --mapping "$ROOT/importers/mappings/kyiv_sample_monuments.json" \
  "$ROOT/data/sample/kyiv_monuments.csv" >/dev/null 2>&1
start_server "$DB"
(cd "$ROOT" && SPADOK_URL=$URL node --test tests/browser/) >"$T/node.log" 2>&1
status=$?
cat "$T/node.log"
check_eq "node --test tests/browser passes" 0 $status
finish
