#!/usr/bin/env bash
# Slow clients cannot starve the others (issue 8): one address opening hundreds of
# connections and trickling their headers (or a body) gets no more than --max-per-ip of them,
# and while it does, every request of an ordinary client is answered; a connection that
# goes silent mid-request is closed after --timeout. The attacker speaks from 127.0.0.2 (any
# 127/8 address reaches the loopback server), the ordinary client from 127.0.0.1.
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
import_sample "$DB"
start_server "$DB" --timeout 3 --max-per-ip 40
probe() { python3 "$ROOT/tests/integration/slowloris.py" 127.0.0.1 "$PORT" "$@"; }
val() { python3 -c "import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

# 1. 300 connections from one address, each sending a header line a second for 12 s.
probe 127.0.0.2 300 12 1 >"$T/attack.json" &
attack=$!
sleep 2
ok_count=0
for i in $(seq 40); do
  code=$(curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$URL/collections/monuments/items?limit=5&offset=$i")
  [ "$code" = 200 ] && ok_count=$((ok_count + 1))
  sleep 0.2
done
wait $attack
res=$(cat "$T/attack.json")
check_eq "1.1 every ordinary request answered during the attack" 40 "$ok_count"
check_true "1.2 the attacker opened its 300 connections ($res)" test "$(val "$res" opened)" -ge 290
check_true "1.3 but the server held no more than 40 of them ($res)" test "$(val "$res" first)" -le 40
check_true "1.4 those it held it kept while they moved ($res)" test "$(val "$res" held)" -ge 1

# 2. A body promised and trickled: the same limit.
probe 127.0.0.3 100 6 1 --body >"$T/body.json"
res=$(cat "$T/body.json")
check_true "2.1 slow bodies: no more than 40 held ($res)" test "$(val "$res" first)" -le 40

# 3. Connections that go silent mid-request are closed after --timeout (3 s).
probe 127.0.0.4 20 5 5 >"$T/idle.json"
res=$(cat "$T/idle.json")
check_eq "3.1 silent for 5 s: all 20 closed ($res)" 0 "$(val "$res" first)"

# 4. The limit is per address: another address is served at once, and the server is healthy.
check_eq "4.1 another address" 200 "$(curl -s -o /dev/null --max-time 5 --interface 127.0.0.5 -w '%{http_code}' "$URL/healthz")"
check_eq "4.2 bad options refused" 2 "$("$SPADOK" serve --db "$DB" --max-per-ip 0 >/dev/null 2>&1; echo $?)"
finish
