#!/usr/bin/env bash
# An import into PostgreSQL sends the statements whose answer it does not wait for ahead, in
# libpq's pipeline mode (storage/pg.c, sp_pg_defer; issue 23's import speed): the kinds,
# causes, index rows, search words and error rows of a bulk run. (a) The bundled sample
# imported into PostgreSQL holds what the same import writes into SQLite, row for row where
# the engines agree on ids. (b) A statement sent ahead that the database refuses fails the
# whole import with the database's reason, and nothing of it is committed: a late error is
# never taken for the next record's rejection, nor dropped. A throwaway cluster on a free port.
source "$(dirname "$0")/lib.sh"

pg_cluster import
pg() { psql -X -q -At -F '|' -v ON_ERROR_STOP=1 "$1" -c "$2"; }
lite() { sql "$REG" "$1"; }

# ---- (a) the sample, both engines --------------------------------------------------------
DB=$(pg_database sample) || { fail "create database"; finish; }
REG=$T/registry.sqlite
sp_import_sample "$SPADOK" "$DB" --quiet >"$T/pg.out" 2>&1 || { cat "$T/pg.out" >&2; fail "import the sample into PostgreSQL"; }
sp_import_sample "$SPADOK" "$REG" --quiet >"$T/lite.out" 2>&1 || { cat "$T/lite.out" >&2; fail "import the sample into SQLite"; }
# The summary lines (read = inserted + ...) are the same on both engines.
check_eq "import summaries" "$(grep -o '^read .* missing [0-9]*)' "$T/lite.out")" \
  "$(grep -o '^read .* missing [0-9]*)' "$T/pg.out")"
# Rows every statement sent ahead writes, by what they belong to (ids are the same: both
# engines number a new registry's rows from 1 in import order); the search words are folded
# on PostgreSQL (storage/db.c, search_fill), so only which rows have them is compared.
for q in "SELECT monument_id || ':' || kind FROM monument_kind ORDER BY 1" \
  "SELECT report_id || ':' || cause FROM report_cause ORDER BY 1" \
  "SELECT action || ':' || entity || ':' || entity_id FROM audit_log ORDER BY entity, entity_id, action" \
  "SELECT rowid FROM monument_fts WHERE words <> '' ORDER BY rowid" \
  "SELECT count(*) FROM idx_monument_geom" "SELECT count(*) FROM idx_monument_pub" \
  "SELECT count(*) FROM idx_map_point" "SELECT count(*) FROM import_error" \
  "SELECT id || ':' || coalesce(condition, '-') || ':' || version FROM monument ORDER BY id"; do
  a=$(lite "$q") b=$(pg "$DB" "$q")
  if [ "$a" = "$b" ] && [ -n "$a" ]; then ok; else
    diff <(printf '%s\n' "$a") <(printf '%s\n' "$b") | head -5 >&2
    fail "SQLite and PostgreSQL differ after the same import: $q"
  fi
done
check_true "the sample has kinds and causes" test "$(pg "$DB" "SELECT count(*) FROM monument_kind")" -gt 50 -a \
  "$(pg "$DB" "SELECT count(*) FROM report_cause")" -gt 0

# ---- (b) a refused statement sent ahead fails the import, nothing committed ---------------
DB2=$(pg_database refused) || { fail "create database"; finish; }
"$SPADOK" migrate --db "$DB2" >/dev/null 2>&1 || fail "migrate"
# One kind the sample's monuments have (the importer checks kinds against the vocabulary, so
# only the database refuses it): its insert is sent ahead, its error comes later.
pg "$DB2" "ALTER TABLE monument_kind ADD CONSTRAINT test_no_architecture CHECK (kind <> 'architecture')"
M=$ROOT/importers/mappings S=$ROOT/data/sample
if "$SPADOK" import --quiet --db "$DB2" --mapping "$M/kyiv_sample_monuments.json" \
  "$S/kyiv_monuments.csv" >"$T/refused.out" 2>&1; then
  fail "an import whose kind the database refuses succeeded"
else
  ok
fi
check_contains "the database's reason" "$(cat "$T/refused.out")" "test_no_architecture"
check_eq "no monument committed" 0 "$(pg "$DB2" "SELECT count(*) FROM monument")"
check_eq "no kind committed" 0 "$(pg "$DB2" "SELECT count(*) FROM monument_kind")"
check_eq "no rejection rows pinned on other records" 0 "$(pg "$DB2" "SELECT count(*) FROM import_error")"
# Without the constraint the same import goes through on the same connection settings.
pg "$DB2" "ALTER TABLE monument_kind DROP CONSTRAINT test_no_architecture"
"$SPADOK" import --quiet --db "$DB2" --mapping "$M/kyiv_sample_monuments.json" \
  "$S/kyiv_monuments.csv" >"$T/again.out" 2>&1 || { cat "$T/again.out" >&2; fail "the import again"; }
check_eq "the import again" "$(lite "SELECT count(*) FROM monument_kind WHERE monument_id IN (SELECT id FROM monument WHERE dataset = 'kyiv_sample_monuments')")" \
  "$(pg "$DB2" "SELECT count(*) FROM monument_kind")"
finish
