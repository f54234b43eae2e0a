#!/usr/bin/env bash
# schemas/current.sql matches a freshly migrated database (issue 21, item 5): a developer who
# adds a migration regenerates it with scripts/schema, and this test says so when they forgot.
source "$(dirname "$0")/lib.sh"
if out=$("$ROOT/scripts/schema" --check "$SPADOK" 2>&1); then
  ok
else
  printf '%s\n' "$out" >&2
  fail "schemas/current.sql is out of date: run scripts/schema (after building) and commit it"
fi
finish
