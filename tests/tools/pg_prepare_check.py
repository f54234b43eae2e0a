#!/usr/bin/env python3
"""tests/tools/pg_prepare_check.py - does PostgreSQL accept every statement of a query file?

The PostgreSQL twins of schemas/queries.sql (schemas/pg/queries*.sql, issue 23) are text that
only the engine layer would otherwise first run. This splits a file on its "-- name: x"
markers, numbers the parameters as SQLite does and the engine layer will (?N is $N; a :name
takes the next number at its first appearance; a plain ? takes the largest so far + 1), and
runs PREPARE for each statement through psql against a database that has
schemas/pg/001_init.sql applied: exec_* ones (several statements, no values) run inside
BEGIN ... ROLLBACK; empty ones (only a comment: SQLite-only) are listed. Fragments (frag_*) are checked as
the statements storage/items.c composes from them (COMPOSED below), taking each name from the
files given (a name none of them has is left out of the compositions that use it).

  pg_prepare_check.py --db "host=/tmp/pg port=5432 dbname=x user=spadok" FILE...

Prints one line per statement that fails and a summary; exit 1 when any failed.
Standard library only; needs psql on PATH.
"""
import argparse
import re
import subprocess
import sys

MARKER = re.compile(r"^-- name: (\w+)\s*$", re.M)

# Statements storage/items.c puts together (conditions(), order_by(), fast_count(),
# sp_db_items()). A string in the list is literal SQL, as the C writes it itself.
COMPOSED = [
    ("page", ["frag_monuments_select", "frag_monuments_from", "frag_not_deleted",
              "frag_order_by_id"]),
    ("page bbox kind", ["frag_monuments_select", "frag_monuments_from", "frag_not_deleted",
                        "frag_monuments_bbox", "frag_monuments_kind", "frag_order_by_id"]),
    ("page q search only", ["frag_monuments_select", "frag_monuments_from_fts",
                            "frag_not_deleted", "frag_monuments_q_driving",
                            "frag_order_by_hit"]),
    ("page since questions q", ["frag_monuments_select", "frag_monuments_from",
                                "frag_changed_since", "frag_monuments_id",
                                " AND m.district = ?", "frag_damaged_since",
                                "frag_act_overdue", "frag_hit_again", "frag_has_photo",
                                "frag_has_agreement", "frag_monuments_q", "frag_order_by_id"]),
    ("page no photo no agreement sorted", ["frag_monuments_select", "frag_monuments_from",
                                           "frag_not_deleted", "frag_no_photo",
                                           "frag_no_agreement", "frag_order_by", " m.name_uk",
                                           "frag_is_null", " m.name_uk", "frag_desc",
                                           "frag_then_id"]),
    ("count", ["frag_monuments_count", "frag_not_deleted", "frag_monuments_bbox",
               "frag_monuments_kind", "frag_monuments_q"]),
    ("count all", ["frag_monuments_count_all"]),
    ("count rtree", ["frag_monuments_count_rtree"]),
    ("count rtree q", ["frag_monuments_count_rtree", "frag_count_rtree_q"]),
    ("count fts", ["frag_monuments_count_fts"]),
]


def split(text):
    """[(name, sql)] in file order; a block runs from its marker to the next one."""
    parts = MARKER.split(text)
    return [(parts[i], parts[i + 1]) for i in range(1, len(parts), 2)]


def strip_comments(sql):
    return "\n".join(l for l in sql.splitlines() if not l.strip().startswith("--")).strip()


def translate(sql, sig=None):
    """(sql with $n, parameter count) numbered as sqlite3_bind_parameter_index would; each
    parameter's (number, spelling) is added to the set sig when one is given."""
    out, names, top, i, n = [], {}, 0, 0, len(sql)
    sig = set() if sig is None else sig
    while i < n:
        c = sql[i]
        if c in "'\"":  # a string literal or quoted identifier, '' or "" inside
            j = i + 1
            while j < n and not (sql[j] == c and (j + 1 >= n or sql[j + 1] != c)):
                j += 2 if sql[j] == c else 1
            out.append(sql[i:j + 1])
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            j = n if j < 0 else j
            out.append(sql[i:j])
            i = j
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(sql[i:j])
            i = j
        elif sql.startswith("::", i):
            out.append("::")
            i += 2
        elif c == "?":
            m = re.match(r"\?(\d*)", sql[i:])
            if m.group(1):
                k = int(m.group(1))
                names.setdefault(m.group(0), k)
            else:
                k = top + 1
            sig.add((k, m.group(0)))
            top = max(top, k)
            out.append("$%d" % k)
            i += len(m.group(0))
        elif c == ":" and re.match(r":[A-Za-z_]", sql[i:i + 2]):
            m = re.match(r":\w+", sql[i:])
            if m.group(0) not in names:
                top += 1
                names[m.group(0)] = top
            sig.add((names[m.group(0)], m.group(0)))
            out.append("$%d" % names[m.group(0)])
            i += len(m.group(0))
        else:
            out.append(c)
            i += 1
    return "".join(out), top


def psql(db, script):
    """(ok, error text) of running script in one psql session that stops at an error."""
    p = subprocess.run(["psql", db, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"],
                       input=script, capture_output=True, text=True)
    return p.returncode == 0, (p.stderr.strip() or p.stdout.strip())


def check_prepare(db, sql):
    body, _ = translate(sql.strip().rstrip(";"))
    return psql(db, "PREPARE sp_check AS " + body + ";\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--db", required=True, help="libpq connection string")
    ap.add_argument("--fragments-from", help="a query file to take missing fragments from")
    ap.add_argument("--twin", help="the SQLite query file: each statement must have the same "
                    "parameters (numbers and spellings) as its twin there")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    stmts = []
    for f in args.files:
        with open(f, encoding="utf-8") as fh:
            stmts += split(fh.read())
    by_name = dict(stmts)
    borrowed = {}
    if args.fragments_from:
        with open(args.fragments_from, encoding="utf-8") as fh:
            borrowed = {n: q for n, q in split(fh.read()) if n.startswith("frag_")}
    failed, empty, checked = [], [], 0
    for name, sql in stmts:
        if name.startswith("frag_"):
            continue
        checked += 1
        if not strip_comments(sql):
            empty.append(name)
            continue
        if name.startswith("exec_"):
            ok, msg = psql(args.db, "BEGIN;\n" + sql + "\nROLLBACK;\n")
        else:
            ok, msg = check_prepare(args.db, sql)
        if not ok:
            failed.append((name, msg))
    if args.twin:
        with open(args.twin, encoding="utf-8") as fh:
            twins = dict(split(fh.read()))
        for name, sql in stmts:
            if not strip_comments(sql):  # SQLite-only: no statement, no parameters
                continue
            mine, theirs = set(), set()
            translate(sql, mine)
            translate(twins.get(name, ""), theirs)
            if name not in twins:
                failed.append((name, "no twin of that name in " + args.twin))
            elif mine != theirs:
                failed.append((name, "parameters %s, its twin's %s" %
                               (sorted(mine - theirs), sorted(theirs - mine))))
    frags = {n for n, _ in stmts if n.startswith("frag_")}
    used, skipped, took = set(), [], set()
    for label, pieces in COMPOSED:
        missing = [p for p in pieces
                   if p.startswith("frag_") and p not in by_name and p not in borrowed]
        if missing:
            skipped.append("%s (no %s)" % (label, ", ".join(missing)))
            continue
        took |= {p for p in pieces if p.startswith("frag_") and p not in by_name}
        text = "".join(by_name.get(p, borrowed.get(p)) if p.startswith("frag_") else p
                       for p in pieces)
        used |= {p for p in pieces if p in by_name}
        checked += 1
        ok, msg = check_prepare(args.db, text)
        if not ok:
            failed.append(("composed: " + label, msg))
    for name, msg in failed:
        print("FAIL %s: %s" % (name, msg.splitlines()[0] if msg else "?"))
        for line in msg.splitlines()[1:4]:
            print("     " + line)
    if empty:
        print("empty (a comment only): " + ", ".join(empty))
    if took:
        print("fragments taken from %s: %s" % (args.fragments_from, ", ".join(sorted(took))))
    if skipped:
        print("compositions skipped: " + "; ".join(skipped))
    if frags - used:
        print("fragments in no composition: " + ", ".join(sorted(frags - used)))
    print("%d statements and compositions checked, %d failed" % (checked, len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
