#!/usr/bin/env python3
"""tests/integration/slowloris.py - a slow client attack for test_slowloris.sh: from its own
source address, opens N connections to the server and keeps each alive by sending a request
one header line at a time, a line every INTERVAL seconds, never finishing it (or, with
--body, a POST whose promised body comes a few bytes at a time). Runs for DURATION seconds,
then prints as JSON how many connections it opened, how many the server still held after the
first interval ("first") and at the end ("held"), each probed with one more line.

Usage: slowloris.py HOST PORT SOURCE_ADDR N DURATION INTERVAL [--body]"""
import json
import socket
import sys
import time

host, port, source, n, duration, interval = (sys.argv[1], int(sys.argv[2]), sys.argv[3],
                                             int(sys.argv[4]), float(sys.argv[5]),
                                             float(sys.argv[6]))
body = "--body" in sys.argv
socks = []
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.bind((source, 0))
        s.connect((host, port))
        if body:
            s.sendall(b"POST /reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 100000\r\n\r\n{")
        else:
            s.sendall(b"GET /collections/monuments/items HTTP/1.1\r\nHost: x\r\n")
        socks.append(s)
    except OSError:
        s.close()
opened = len(socks)


def alive(s, line):
    """Sends one more piece; False once the server has closed the connection."""
    try:
        s.setblocking(False)
        try:
            if s.recv(1, socket.MSG_PEEK) == b"":
                return False  # closed by the server
        except BlockingIOError:
            pass  # nothing to read: still open
        s.setblocking(True)
        s.sendall(line)
        return True
    except OSError:
        return False


end = time.time() + duration
i = 0
first = None
while time.time() < end:
    time.sleep(interval)
    i += 1
    line = b"x" * 8 if body else b"X-Slow-%d: %d\r\n" % (i, i)
    socks = [s for s in socks if alive(s, line) or s.close()]
    if first is None:
        first = len(socks)
held = sum(1 for s in socks if alive(s, b"y" if body else b"X-End: 1\r\n"))
for s in socks:
    s.close()
print(json.dumps({"opened": opened, "first": first, "held": held}))
