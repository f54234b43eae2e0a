#!/usr/bin/env bash
# Issue 21: the login and citizens' report limits key on the client's whole address (not a
# slot shared with others, which reset each other), and X-Forwarded-For is the client's
# address only from --trusted-proxy. Two loopback source addresses stand for two clients
# (curl --interface). Attempts with a malformed body are counted too (the limit comes
# first) and cost no Argon2id, so the attempts take well under the minute they are
# limited in; where in a minute they run does not matter (the limiter's unit test,
# test_limit__issue21_no_window_boundary, covers every offset without a clock).
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
"$SPADOK" migrate --db "$DB" >/dev/null 2>&1

# attempt FROM [curl args]: one login attempt from source address FROM; prints the status.
attempt() {
  local from=$1; shift
  curl -s -o /dev/null -w '%{http_code}' --interface "$from" "$@" -X POST \
    --data-binary 'not json' "$URL/auth/login"
}

start_server "$DB"
if [ "$(attempt 127.0.0.2)" = 000 ]; then
  skip_part "no loopback address 127.0.0.2 to connect from here"
  finish
fi
# 24 attempts alternating two addresses (one was made above): each is limited on its own,
# after its 10th; neither resets the other's count.
codes2="400" codes6=""
for i in $(seq 23); do
  if [ $((i % 2)) = 1 ]; then codes6="$codes6 $(attempt 127.0.0.6)"; else codes2="$codes2 $(attempt 127.0.0.2)"; fi
done
check_eq "127.0.0.2: 10 attempts, then 429" "400 400 400 400 400 400 400 400 400 400 429 429" "$codes2"
check_eq "127.0.0.6: 10 attempts, then 429, not reset by 127.0.0.2" \
  "400 400 400 400 400 400 400 400 400 400 429 429" "$(echo $codes6)"
attempt 127.0.0.2 -D "$T/headers" >/dev/null
retry=$(header Retry-After)
check_true "a 429 says when to retry (1 to 60 s: $retry)" test "${retry:-0}" -ge 1 -a "${retry:-0}" -le 60
check_eq "a third address is not limited" 400 "$(attempt 127.0.0.7)"

# Without --trusted-proxy, X-Forwarded-For is the client's claim and ignored.
codes=""
for i in $(seq 11); do codes="$codes $(attempt 127.0.0.3 -H "X-Forwarded-For: 198.51.100.$i")"; done
check_eq "X-Forwarded-For ignored without --trusted-proxy" \
  "400 400 400 400 400 400 400 400 400 400 429" "$(echo $codes)"
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null

# From the trusted proxy, the address it forwards is the client.
start_server "$DB" --trusted-proxy 127.0.0.4/32
codes=""
for i in $(seq 11); do codes="$codes $(attempt 127.0.0.4 -H "X-Forwarded-For: 203.0.113.9, 198.51.100.1")"; done
check_eq "through the proxy: 198.51.100.1 limited" "400 400 400 400 400 400 400 400 400 400 429" "$(echo $codes)"
check_eq "through the proxy: another client is not" 400 \
  "$(attempt 127.0.0.4 -H "X-Forwarded-For: 198.51.100.2")"
check_eq "through the proxy: an IPv6 client" 400 "$(attempt 127.0.0.4 -H "X-Forwarded-For: 2001:db8::1")"
codes=""
for i in $(seq 11); do codes="$codes $(attempt 127.0.0.5 -H "X-Forwarded-For: 198.51.100.$((i + 20))")"; done
check_eq "from elsewhere the header is still ignored" "400 400 400 400 400 400 400 400 400 400 429" "$(echo $codes)"
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null

printf 'db = %s\ntrusted-proxy = 10.0.0.0/33\n' "$DB" >"$T/spadok.conf"
"$SPADOK" serve --config "$T/spadok.conf" --port 0 >/dev/null 2>"$T/err"
check_contains "a bad --trusted-proxy in the config file is refused" "$(cat "$T/err")" "10.0.0.0/33"
finish
