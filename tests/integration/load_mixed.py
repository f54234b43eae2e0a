#!/usr/bin/env python3
"""tests/integration/load_mixed.py - a small mixed read/write load for the fault tests of
several nodes (test_pg_faults.sh, issue 23): it runs until STOP_FILE exists and writes one
line per answer to OUT, as the answer arrives, so that the test knows every write that was
acknowledged before a node or the database went away.

Threads: READERS readers (a page of items, one item, the collections), one that files condition reports with
distinct descriptions ("load <n>"), one that PATCHes one monument's address to distinct
values with the ETag of its last change. Every request has a timeout (TIMEOUT s): a hang
shows as status 0. Lines: "<seconds since start> <kind> <status> <detail>", where detail is
the report's id and description, the address written, or the answer's Retry-After and
whether its body was JSON with a code (for 503s).

Usage: load_mixed.py BASE_URL EDITOR_TOKEN INSPECTOR_TOKEN REPORT_MONUMENT_ID EDIT_MONUMENT_ID
                     OUT STOP_FILE"""
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

BASE, EDITOR, INSPECTOR, REPORT_ID, EDIT_ID, OUT, STOP = sys.argv[1:8]
URL = urllib.parse.urlsplit(BASE)
READERS = 2
TIMEOUT = 20
PAUSE = 0.02  # between one thread's requests: a load, not a flood, on a shared 2-core machine
START = time.monotonic()
lock = threading.Lock()
out = open(OUT, "a", buffering=1, encoding="utf-8")


def log(kind, status, detail=""):
    with lock:
        out.write("%.3f %s %d %s\n" % (time.monotonic() - START, kind, status, detail))


def request(method, path, body=None, headers=None):
    """(status, headers, body); status 0 when no answer came (refused, reset, timeout)."""
    c = http.client.HTTPConnection(URL.hostname, URL.port, timeout=TIMEOUT)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()
    except (OSError, http.client.HTTPException):
        return 0, {}, b""
    finally:
        c.close()


def shape(status, h, body):
    """For an error answer: its Retry-After and whether the body is JSON with a code."""
    if status < 400:
        return ""
    try:
        is_json = "code" in json.loads(body)
    except ValueError:
        is_json = False
    return "retry-after=%s json=%d" % (h.get("retry-after", "-"), is_json)


def reader(n):
    paths = ["/collections/monuments/items?limit=20&offset=%d" % (n * 20),
             "/collections/monuments/items/%s" % EDIT_ID, "/collections?f=json"]
    i = 0
    while not os.path.exists(STOP):
        s, h, b = request("GET", paths[i % len(paths)])
        log("read", s, shape(s, h, b))
        i += 1
        time.sleep(PAUSE)


def reporter():
    auth = {"Authorization": "Bearer " + INSPECTOR, "Content-Type": "application/json"}
    i = 0
    while not os.path.exists(STOP):
        i += 1
        desc = "load %d" % i
        body = json.dumps({"report_type": "inspection", "description": desc})
        s, h, b = request("POST", "/collections/monuments/items/%s/reports" % REPORT_ID,
                          body.encode(), auth)
        log("report", s, ("%s %s" % (json.loads(b)["id"], desc)) if s == 201 else shape(s, h, b))
        time.sleep(PAUSE if s == 201 else 0.3)


def editor():
    item = "/collections/monuments/items/%s" % EDIT_ID
    etag, i = None, 0
    while not os.path.exists(STOP):
        if not etag:
            s, h, _ = request("GET", item)
            etag = h.get("etag") if s == 200 else None
            if not etag:
                time.sleep(0.3)
                continue
        i += 1
        value = "вул. Навантажувальна, %d" % i
        body = json.dumps({"type": "Feature", "properties": {"address": value}})
        s, h, b = request("PATCH", item, body.encode("utf-8"),
                          {"Authorization": "Bearer " + EDITOR, "If-Match": etag,
                           "Content-Type": "application/geo+json"})
        log("edit", s, value if s == 200 else shape(s, h, b))
        etag = h.get("etag") if s == 200 else None
        time.sleep(PAUSE if s == 200 else 0.3)


threads = [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
threads += [threading.Thread(target=reporter), threading.Thread(target=editor)]
for t in threads:
    t.start()
for t in threads:
    t.join()
