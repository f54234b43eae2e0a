#!/usr/bin/env python3
"""tests/integration/security_probe.py - sends SQL injection strings (and other hostile text)
through every query parameter of every collection, the tile filters, every path segment and
the headers a request may carry, against a real server. Used by test_security.sh.

Each answer must be a 2xx/3xx, or a 4xx with a JSON {"code", "description"} body: never a 5xx,
never a dropped connection. An equality filter fed an injection must match nothing (it would
match everything if the text had become SQL). Prints one line per problem and, last,
"probed N requests, M problems"; exits 1 on any problem.

Usage: security_probe.py BASE_URL MONUMENT_ID"""
import http.client
import json
import sys
import urllib.parse

BASE, MID = sys.argv[1], sys.argv[2]
HOST = urllib.parse.urlsplit(BASE)

PAYLOADS = [
    "' OR '1'='1", "1' OR 1=1 --", '" OR ""="', "1; DROP TABLE monument; --",
    "') UNION SELECT sql, name FROM sqlite_master --", "1 OR 1=1", "%' --", "*", "\\", "'",
    '"', "`", "?1", ":name", "NULL", "x'); DELETE FROM monument; --", "1e309", "-1",
    "99999999999999999999999", "\x00", "Софія' OR 'а'='а", "<script>alert(1)</script>",
    "../../etc/passwd", "%s%s%n", "name_uk LIKE '%'", "1)) OR ((1=1", "a" * 3000,
]
ITEM_ARGS = [
    "limit", "q", "updated_since", "sortby", "offset", "bbox", "bbox-crs", "datetime", "filter",
    "filter-lang", "filter-crs", "crs", "properties", "significance", "kind", "object_kind",
    "condition", "district", "damaged_since", "act_overdue", "hit_again", "has_photo",
    "has_agreement", "zone_type", "monument_id", "f",
]
# Parameters that select by equality: an injection in them must match no feature.
EQUALITY = {"significance", "kind", "object_kind", "condition", "district", "zone_type"}
COLLECTIONS = ["monuments", "protection_zones", "condition_reports"]
TILE_ARGS = ["significance", "kind", "condition", "district", "damaged_since"]

problems = 0
requests = 0


def problem(what):
    global problems
    problems += 1
    print("PROBLEM: " + what)


def get(path, headers=None, method="GET"):
    """(status, content type, body bytes); status 0 when the connection failed."""
    global requests
    requests += 1
    conn = http.client.HTTPConnection(HOST.hostname, HOST.port, timeout=30)
    try:
        conn.request(method, path, headers={k: v.encode() for k, v in (headers or {}).items()})
        resp = conn.getresponse()
        return resp.status, resp.getheader("Content-Type") or "", resp.read()
    except (OSError, http.client.HTTPException) as e:
        return 0, "", str(e).encode()
    finally:
        conn.close()


def judge(label, status, ctype, body):
    """Checks the answer's kind; returns the parsed JSON of a 200 when it is JSON."""
    if status == 0:
        problem("%s: connection failed (%s)" % (label, body[:100]))
    elif status >= 500:
        problem("%s: %d %s" % (label, status, body[:200]))
    elif 400 <= status < 500:
        try:
            err = json.loads(body)
            if not (isinstance(err, dict) and err.get("code") and err.get("description")):
                problem("%s: %d without code and description: %s" % (label, status, body[:200]))
        except ValueError:
            problem("%s: %d is not JSON: %s" % (label, status, body[:200]))
    elif status == 200 and "json" in ctype:
        try:
            return json.loads(body)
        except ValueError:
            problem("%s: 200 %s that does not parse" % (label, ctype))
    return None


def q(s):
    return urllib.parse.quote(s, safe="")


for coll in COLLECTIONS:
    for arg in ITEM_ARGS:
        for p in PAYLOADS:
            label = "/collections/%s/items?%s=%r" % (coll, arg, p[:40])
            status, ctype, body = get("/collections/%s/items?%s=%s" % (coll, arg, q(p)))
            doc = judge(label, status, ctype, body)
            if doc is not None and arg in EQUALITY and doc.get("features"):
                problem("%s: an injection matched %d features" % (label, len(doc["features"])))
    # CQL2: the payload inside a string literal (escaped as CQL2 wants) must match nothing.
    for p in PAYLOADS:
        if "\x00" in p:
            continue
        prop = {"monuments": "name_uk", "protection_zones": "name_uk",
                "condition_reports": "report_type"}[coll]
        cql = "%s = '%s'" % (prop, p.replace("'", "''"))
        label = "%s filter %r" % (coll, cql[:50])
        status, ctype, body = get("/collections/%s/items?filter=%s" % (coll, q(cql)))
        doc = judge(label, status, ctype, body)
        if doc is not None and doc.get("features"):
            problem("%s: matched %d features" % (label, len(doc["features"])))
    # Path segments.
    for p in PAYLOADS:
        for path in ("/collections/%s/items/%s" % (coll, q(p)),
                     "/collections/%s/items/%s/history" % (coll, q(p)),
                     "/collections/%s/items" % q(coll + p),
                     "/collections/%s/queryables" % q(coll + p)):
            judge(path[:80], *get(path))

for layer in ("monuments", "damage", "zones"):
    for arg in TILE_ARGS:
        for p in PAYLOADS:
            path = "/tiles/%s/12/2396/1381.png?%s=%s" % (layer, arg, q(p))
            judge(path[:90], *get(path))
for p in PAYLOADS:
    for path in ("/tiles/%s/12/2396/1381.png" % q(p), "/tiles/monuments/%s/2396/1381.png" % q(p),
                 "/tiles/%s.json" % q(p), "/photos/%s" % q(p), "/photos/1/%s" % q(p),
                 "/monuments/%s" % q(p), "/exports/%s" % q(p),
                 "/collections/monuments/items/%s/photos" % q(p),
                 "/collections/monuments/items/%s/reports" % q(p),
                 "/static/%s" % q(p), "/moderation?status=%s" % q(p)):
        judge(path[:90], *get(path))
    # Headers: a token, an If-None-Match, an Accept, a language, a forwarded host.
    for h in ("Authorization", "If-None-Match", "Accept", "Accept-Language", "X-Forwarded-Host",
              "X-Forwarded-Proto", "Accept-Crs"):
        value = p.replace("\x00", "")
        if h == "Authorization":
            value = "Bearer " + value
        status, ctype, body = get("/collections/monuments/items/%s" % MID, {h: value})
        judge("header %s: %r" % (h, p[:40]), status, ctype, body)
        status, ctype, body = get("/auth/me", {h: value})
        judge("header %s on /auth/me: %r" % (h, p[:40]), status, ctype, body)
        if h == "Authorization" and status != 401:
            problem("a bearer token %r was accepted: %d" % (p[:40], status))
    # Writes without a token: refused before anything is read.
    for path in ("/collections/monuments/items/%s" % MID,):
        status, ctype, body = get(path + "?x=" + q(p), method="DELETE")
        judge("DELETE with %r" % p[:30], status, ctype, body)

print("probed %d requests, %d problems" % (requests, problems))
sys.exit(1 if problems else 0)
