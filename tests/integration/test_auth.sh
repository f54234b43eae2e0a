#!/usr/bin/env bash
# Staff accounts and bearer tokens against a real server: `spadok user` (password from
# standard input, Argon2id stored), POST /auth/login, GET /auth/me, POST /auth/logout, and
# every way a token stops working (logout, expiry, a disabled account, a new password: it
# revokes the tokens and keeps a disabled account disabled, issue 21); wrong password and unknown login answered
# alike; bodies too large, bad JSON, wrong methods; login attempts limited per address.
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
"$SPADOK" migrate --db "$DB" >/dev/null 2>&1
PW="вишиванка-1918 kyiv"
out=$(printf '%s\n' "$PW" | "$SPADOK" user add olena --role editor --name "Олена К." --db "$DB" 2>&1)
check_eq "user add" "olena: added" "$out"
check_contains "only an Argon2id string is stored" "$(sql "$DB" "SELECT password_hash FROM app_user WHERE login = 'olena'")" '$argon2id$'
check_true "the password itself is nowhere in the database" sh -c "! sqlite3 '$DB' .dump | grep -q 'вишиванка'"
printf '%s\n' "$PW" | "$SPADOK" user add olena --role editor --db "$DB" >/dev/null 2>"$T/err"
check_eq "a second olena is refused" 1 $?
check_contains "and says why" "$(cat "$T/err")" "exists already"
printf 'short\n' | "$SPADOK" user add ivan --role inspector --db "$DB" >/dev/null 2>"$T/err"
check_contains "a short password is refused" "$(cat "$T/err")" "10 to 256 characters"
printf '%s\n' "$PW" | "$SPADOK" user add ivan --role boss --db "$DB" >/dev/null 2>"$T/err"
check_contains "an unknown role is refused" "$(cat "$T/err")" "role 'boss'"
"$SPADOK" user add ivan --role inspector --password x --db "$DB" >/dev/null 2>&1
check_eq "no password on the command line" 2 $?
printf '%s\n' "inspector pass 2026" | "$SPADOK" user add ivan --role inspector --db "$DB" >/dev/null 2>&1
check_eq "the accounts" "ivan|inspector|0 olena|editor|0" \
  "$(sql "$DB" "SELECT login, role, disabled FROM app_user ORDER BY login" | paste -sd' ')"
start_server "$DB"

login() { # LOGIN PASSWORD: prints the status; the body in $T/body
  http /auth/login -X POST -H 'Content-Type: application/json' \
    --data-binary "$(python3 -c 'import json, sys; print(json.dumps({"login": sys.argv[1], "password": sys.argv[2]}))' "$1" "$2")"
}
field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$T/body" "$1"; }
check_eq "login" 200 "$(login olena "$PW")"
TOKEN=$(field token)
check_eq "login: role" editor "$(field role)"
check_contains "login: expiry in 12 hours" "$(field expires)" "$(date -u -d '+12 hours' +%Y-%m-%dT%H)"
check_eq "login: not cached" "no-store" "$(header Cache-Control)"
check_true "the token is not stored, only its hash" sh -c "! sqlite3 '$DB' .dump | grep -q '$TOKEN'"
check_eq "me with the token" 200 "$(http /auth/me -H "Authorization: Bearer $TOKEN")"
check_eq "me: who" "olena editor" "$(field login) $(field role)"
check_eq "me without a token" 401 "$(http /auth/me)"
check_contains "401 says how to authenticate" "$(header WWW-Authenticate)" "Bearer"
check_contains "401 is JSON" "$(cat "$T/body")" '"code":"Unauthorized"'
check_eq "me with a made-up token" 401 "$(http /auth/me -H "Authorization: Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")"
check_eq "wrong password" 401 "$(login olena "wrong password 1")"
wrong=$(cat "$T/body")
check_eq "unknown login" 401 "$(login nobody "$PW")"
check_eq "unknown login and wrong password answered alike" "$wrong" "$(cat "$T/body")"
check_eq "bad JSON" 400 "$(http /auth/login -X POST --data-binary 'login=olena')"
check_eq "GET /auth/login" 405 "$(http /auth/login)"
check_eq "POST elsewhere" 405 "$(http /collections -X POST --data-binary '{}')"
head -c 70000 /dev/zero | tr '\0' 'a' >"$T/big"
check_eq "a body over 64 KiB" 413 "$(http /auth/login -X POST --data-binary @"$T/big")"

# Ways a token stops working.
check_eq "logout" 200 "$(http /auth/logout -X POST -H "Authorization: Bearer $TOKEN")"
check_eq "after logout the token is refused" 401 "$(http /auth/me -H "Authorization: Bearer $TOKEN")"
login olena "$PW" >/dev/null
T2=$(field token)
sql "$DB" "UPDATE api_token SET expires_at = '2020-01-01T00:00:00Z' WHERE revoked_at IS NULL" >/dev/null
check_eq "an expired token is refused" 401 "$(http /auth/me -H "Authorization: Bearer $T2")"
login ivan "inspector pass 2026" >/dev/null
T3=$(field token)
check_eq "ivan's token works" 200 "$(http /auth/me -H "Authorization: Bearer $T3")"
out=$(printf '%s\n' "inspector pass 2027" | "$SPADOK" user passwd ivan --db "$DB" 2>&1)
check_eq "user passwd says the tokens are revoked" "ivan: password set, its tokens revoked" "$out"
check_eq "issue 21: a new password revokes the account's tokens" 401 \
  "$(http /auth/me -H "Authorization: Bearer $T3")"
check_eq "the old password stops working" 401 "$(login ivan "inspector pass 2026")"
check_eq "the new one works" 200 "$(login ivan "inspector pass 2027")"
out=$("$SPADOK" user disable ivan --db "$DB" 2>&1)
check_contains "user disable" "$out" "disabled"
check_eq "a disabled account's token is refused" 401 "$(http /auth/me -H "Authorization: Bearer $T3")"
check_eq "a disabled account cannot log in" 401 "$(login ivan "inspector pass 2027")"
out=$(printf '%s\n' "inspector pass 2028" | "$SPADOK" user passwd ivan --db "$DB" 2>&1)
check_contains "issue 21: passwd says a disabled account stays disabled" "$out" "stays disabled"
check_eq "issue 21: ... and it does" 1 "$(sql "$DB" "SELECT disabled FROM app_user WHERE login = 'ivan'")"
check_eq "issue 21: a disabled account still cannot log in with the new password" 401 \
  "$(login ivan "inspector pass 2028")"
"$SPADOK" user disable nobody --db "$DB" >/dev/null 2>"$T/err"
check_contains "disabling an unknown login fails clearly" "$(cat "$T/err")" "no login 'nobody'"

# Attempts are limited per address: within a minute, the limit is reached and answered 429.
limited=0
for i in $(seq 12); do
  [ "$(login olena "guess number $i")" = 429 ] && { limited=$i; break; }
done
check_true "login attempts are limited (429 after at most 11 in a minute: got $limited)" \
  test "$limited" -gt 0 -a "$limited" -le 11
check_eq "healthy" 200 "$(http /healthz)"
http /metrics >/dev/null
check_contains "/metrics counts sign-in by route and status" "$(cat "$T/body")" 'route="auth",status="401"'
finish
