#!/usr/bin/env bash
# bench/scale.d/qcpu.sh - the work of q= searches, for a machine too busy for bench/scale's
# latencies: the words of bench/scale (5+ letters from the names of 5,000 monuments spread as
# the data is) asked one at a time with curl at offsets 0 and 20, after a pass at offset 40
# that warms the page cache without priming the response cache; prints the server's CPU time
# over the timed pass (from /proc) and the requests' latency percentiles.
#   bench/scale.d/qcpu.sh SPADOK DB LABEL
set -euo pipefail
BIN=$1 DB=$2 LABEL=$3
W=$(mktemp -d /tmp/spadok-qcpu-XXXXXX)
PID=""
trap '[ -z "$PID" ] || kill "$PID" 2>/dev/null; rm -rf "$W"' EXIT
sqlite3 -batch "$DB" "SELECT name_uk FROM monument WHERE deleted_at IS NULL AND NOT location_sensitive
                      ORDER BY (id * 2654435761) % 1000003 LIMIT 5000" >"$W/names.txt"
/usr/bin/python3 - "$W/names.txt" >"$W/words.txt" <<'EOF'
import re, sys, urllib.parse
words = set()
for name in open(sys.argv[1], encoding="utf-8"):
    if len(words) < 300:
        words.update(w for w in re.findall(r"\w{5,}", name) if not w.isdigit())
print("\n".join(urllib.parse.quote(w) for w in sorted(words)[:300]))
EOF
"$BIN" serve --db "$DB" --port 0 --tile-cache-mb 0 --threads 2 >"$W/log" 2>&1 &
PID=$!
PORT=""
for _ in $(seq 300); do
  PORT=$(grep -o 'msg=listening [^ ]* port=[0-9]*' "$W/log" | grep -o '[0-9]*$' || true)
  [ -n "$PORT" ] && break
  sleep 0.1
done
U=http://127.0.0.1:$PORT/collections/monuments/items
while read -r w; do curl -s -o /dev/null "$U?limit=20&offset=40&q=$w"; done <"$W/words.txt"
cpu0=$(awk '{print $14 + $15}' "/proc/$PID/stat")
while read -r w; do
  for off in 0 20; do curl -s -o /dev/null -w '%{time_total}\n' "$U?limit=20&offset=$off&q=$w"; done
done <"$W/words.txt" >"$W/times"
cpu1=$(awk '{print $14 + $15}' "/proc/$PID/stat")
/usr/bin/python3 - "$W/times" "$LABEL" "$(((cpu1 - cpu0) * 1000 / $(getconf CLK_TCK)))" <<'EOF'
import sys
t = sorted(float(x) * 1000 for x in open(sys.argv[1]))
p = lambda q: t[min(len(t) - 1, int(q * len(t)))]
print("%s: %d requests, server CPU %s ms; latency p50 %.1f p90 %.1f p99 %.1f max %.1f ms"
      % (sys.argv[2], len(t), sys.argv[3], p(.5), p(.9), p(.99), t[-1]))
EOF
