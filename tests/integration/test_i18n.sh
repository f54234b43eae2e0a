#!/usr/bin/env bash
# The pages' word catalogues (web/i18n/uk.json, en.json; issue 22) under node's test runner:
# the same keys in both, every key a page names present (tests/web/catalogue.test.mjs).
source "$(dirname "$0")/lib.sh"
if ! command -v node >/dev/null; then
  echo "SKIPPED: node is missing (scripts/test installs it)"
  exit 77
fi
(cd "$ROOT" && node --test tests/web/) >"$T/node.log" 2>&1
status=$?
cat "$T/node.log"
check_eq "node --test tests/web passes" 0 $status
finish
