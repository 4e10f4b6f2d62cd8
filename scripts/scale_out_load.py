#!/usr/bin/env python3
"""HTTP side of scripts/scale_out_check.sh (Python standard library only).

  gateway --port P --log FILE     a fake SMS gateway: appends each message's `reference` to FILE
                                  and answers 200 {"id": …}
  setup   --lb URL --direct URL … sign in N web sessions through the load balancer, get an API
                                  token, file one report through the first instance directly and
                                  attach a PNG to it there; writes sessions.json, token,
                                  attachment.json into --out
  load    --lb URL …              writers file public reports (each with its own Idempotency-Key,
                                  retried with the same key after a failure), readers view pages
                                  with the sessions of `setup`; at --kill-at seconds the process
                                  --kill-pid is killed (SIGKILL); HAProxy's state of that server
                                  is followed on its stats page. Writes requests.jsonl, acked.tsv
                                  (key, tracking code) and summary.json into --out
  verify  --url URL …             the sessions still signed in, and the attachment's bytes the
                                  same, through each URL given
"""

import argparse
import collections
import http.client
import http.server
import json
import os
import signal
import socket
import struct
import sys
import threading
import time
import urllib.parse
import uuid
import zlib

SIGNED_IN_MARK = b'action="/keluar"'


def request(base, method, path, body=None, headers=None, timeout=30):
    """One request on a new connection: (status, headers, body). Raises on a network error."""
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        h = {"Connection": "close", "User-Agent": "benteng-scale-check"}
        h.update(headers or {})
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        return r.status, r.getheaders(), data
    finally:
        conn.close()


def cookies_of(headers):
    out = {}
    for k, v in headers:
        if k.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            out[name.strip()] = rest.split(";", 1)[0]
    return out


def cookie_header(jar):
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def sign_in(base, user, password):
    """Sign in through the web form (visitor cookie + CSRF token, then the form): the cookies."""
    status, headers, body = request(base, "GET", "/masuk")
    if status != 200:
        raise RuntimeError(f"GET /masuk answered {status}")
    jar = cookies_of(headers)
    marker = b'name="_csrf" value="'
    i = body.find(marker)
    if i < 0:
        raise RuntimeError("no CSRF field on /masuk")
    csrf = body[i + len(marker):body.index(b'"', i + len(marker))].decode()
    form = urllib.parse.urlencode(
        {"_csrf": csrf, "username": user, "password": password, "next": "/akun"})
    status, headers, body = request(base, "POST", "/masuk", form, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(jar)})
    jar.update(cookies_of(headers))
    if status != 303 or "benteng_sid" not in jar:
        raise RuntimeError(f"sign-in answered {status}: {body[:300]!r}")
    return jar


def page_signed_in(base, cookie, path="/akun"):
    status, _, body = request(base, "GET", path, headers={"Cookie": cookie})
    return status, status == 200 and SIGNED_IN_MARK in body


def png(width=64, height=48):
    """A small valid RGB PNG (a gradient), made without any imaging library."""
    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 4 % 256, y * 5 % 256, (x + y) * 2 % 256))
                           for x in range(width))
        for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


# --- gateway -----------------------------------------------------------------------------

def gateway(args):
    lock = threading.Lock()
    log = open(args.log, "a", buffering=1)
    count = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n)
            try:
                ref = json.loads(body).get("reference", "?")
            except ValueError:
                ref = "?"
            with lock:
                count[0] += 1
                log.write(f"{ref}\n")
                answer = json.dumps({"id": f"gw-{count[0]}"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    server.serve_forever()


# --- setup -------------------------------------------------------------------------------

def setup(args):
    sessions = [cookie_header(sign_in(args.lb, args.user, args.password))
                for _ in range(args.sessions)]
    for c in sessions:
        status, ok = page_signed_in(args.lb, c)
        if not ok:
            raise RuntimeError(f"a new session is not signed in ({status})")
    json.dump(sessions, open(os.path.join(args.out, "sessions.json"), "w"))
    status, _, body = request(args.lb, "POST", "/api/v1/auth/token",
                              json.dumps({"username": args.user, "password": args.password}),
                              {"Content-Type": "application/json"})
    if status != 200:
        raise RuntimeError(f"token: {status} {body[:300]!r}")
    token = json.loads(body)["token"]
    open(os.path.join(args.out, "token"), "w").write(token)
    auth = {"Authorization": f"Bearer {token}"}
    # One report with a photo, filed and uploaded through the first instance directly.
    a = args.direct[0]
    status, _, body = request(a, "POST", "/api/v1/reports", json.dumps({
        "category": "iklan", "description": f"{args.tag} lampiran: foto dari instans A",
        "region_code": args.village}), dict(auth, **{"Content-Type": "application/json"}))
    if status != 201:
        raise RuntimeError(f"report via A: {status} {body[:300]!r}")
    report = json.loads(body)["id"]
    status, _, body = request(a, "POST", f"/api/v1/reports/{report}/attachments?name=foto.png",
                              png(), dict(auth, **{"Content-Type": "application/octet-stream"}))
    if status != 204:
        raise RuntimeError(f"upload via A: {status} {body[:300]!r}")
    status, _, body = request(a, "GET", f"/api/v1/reports/{report}", headers=auth)
    attachment = json.loads(body)["attachments"][0]["id"]
    status, _, data = request(a, "GET", f"/api/v1/reports/{report}/attachments/{attachment}",
                              headers=auth)
    if status != 200 or not data:
        raise RuntimeError(f"download via A: {status}")
    json.dump({"report": report, "attachment": attachment, "bytes": len(data),
               "crc": zlib.crc32(data)}, open(os.path.join(args.out, "attachment.json"), "w"))
    # The public intake answers through the load balancer before the load starts.
    status, _, body = post_report(args.lb, args.village, args.tag, "setup-" + uuid.uuid4().hex)
    if status != 201:
        raise RuntimeError(f"public report: {status} {body[:300]!r}")
    print(f"setup: {len(sessions)} sessions, report {report} with attachment {attachment} "
          f"({len(data)} bytes) via A")


# --- load --------------------------------------------------------------------------------

CATEGORIES = ["rekrutmen", "nonprosedural", "korban", "dokumen", "iklan", "wna"]


def post_report(base, village, tag, key, n=0):
    body = json.dumps({
        "category": CATEGORIES[n % len(CATEGORIES)],
        "description": f"{tag} {key}: tawaran kerja ke luar negeri tanpa prosedur",
        "region_code": village, "anonymous": True})
    return request(base, "POST", "/api/v1/public/reports", body,
                   {"Content-Type": "application/json", "Idempotency-Key": key})


def haproxy_state(stats_url, server):
    """(status of `server`, backend retries, backend redispatches) from HAProxy's CSV."""
    status, _, body = request(stats_url, "GET", "/stats;csv", timeout=2)
    lines = body.decode().splitlines()
    names = lines[0].lstrip("# ").split(",")
    col = {n: i for i, n in enumerate(names)}
    state, retries, redisp = "?", 0, 0
    for line in lines[1:]:
        f = line.split(",")
        if len(f) < len(names) - 1:
            continue
        if f[col["pxname"]] != "benteng":
            continue
        if f[col["svname"]] == server:
            state = f[col["status"]]
        if f[col["svname"]] == "BACKEND":
            retries = int(f[col["wretr"]] or 0)
            redisp = int(f[col["wredis"]] or 0)
    return state, retries, redisp


def load(args):
    stop = threading.Event()
    lock = threading.Lock()
    records = []
    acked = {}
    sessions = json.load(open(args.sessions))
    t_start = time.time()

    def note(rec):
        with lock:
            records.append(rec)

    def writer(w):
        n = 0
        while not stop.is_set():
            key = f"scale-{uuid.uuid4()}"
            n += 1
            for attempt in range(6):
                t0 = time.time()
                try:
                    status, _, body = post_report(args.lb, args.village, args.tag, key, n)
                    err = None
                except Exception as e:  # noqa: BLE001 - every failure is a figure here
                    status, body, err = 0, b"", f"{type(e).__name__}: {e}"
                t1 = time.time()
                ok = status == 201
                note({"kind": "report", "attempt": attempt, "t0": t0, "t1": t1,
                      "status": status, "ok": ok, "err": err, "key": key})
                if ok:
                    with lock:
                        acked[key] = json.loads(body)["tracking_code"]
                    break
                # Retried with the same key: a report that was stored answers its code again.
                time.sleep(0.3)

    def reader(r, cookie):
        paths = ["/laporan", "/akun", "/laporan-bulanan"]
        i = 0
        while not stop.is_set():
            path = paths[i % len(paths)]
            i += 1
            t0 = time.time()
            try:
                status, signed = page_signed_in(args.lb, cookie, path)
                err = None
            except Exception as e:  # noqa: BLE001
                status, signed, err = 0, False, f"{type(e).__name__}: {e}"
            t1 = time.time()
            note({"kind": "page", "session": r, "path": path, "t0": t0, "t1": t1,
                  "status": status, "ok": signed, "err": err,
                  "signed_out": status == 303})
            if not signed:
                time.sleep(0.1)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(args.writers)]
    threads += [threading.Thread(target=reader, args=(r, c)) for r, c in enumerate(sessions)]
    for t in threads:
        t.start()
    # The main thread kills the instance and follows HAProxy's view of it.
    t_kill = t_gone = t_down = t_up = None
    states = []
    last = None
    while time.time() - t_start < args.duration:
        now = time.time()
        if t_kill is None and now - t_start >= args.kill_at:
            t_kill = time.time()
            os.kill(args.kill_pid, signal.SIGKILL)
            # kill(2) returns before the process is gone: until the kernel has torn it down,
            # its listening socket still completes connections, which then break. The instance
            # is gone when its port refuses.
            while time.time() - t_kill < 5:
                try:
                    socket.create_connection(("127.0.0.1", args.kill_port), timeout=0.5).close()
                except ConnectionRefusedError:
                    break
                except OSError:
                    pass
                time.sleep(0.001)
            t_gone = time.time()
        try:
            state, _, _ = haproxy_state(args.stats, args.server)
        except Exception:  # noqa: BLE001
            state = "?"
        if state != last:
            states.append((round(time.time() - t_start, 3), state))
            last = state
        if t_kill and t_down is None and state.startswith("DOWN"):
            t_down = time.time()
        if t_down and t_up is None and state.startswith("UP"):
            t_up = time.time()
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join(timeout=40)
    t_end = time.time()
    _, retries, redisp = haproxy_state(args.stats, args.server)

    with open(os.path.join(args.out, "requests.jsonl"), "w") as f:
        for rec in records:
            f.write(json.dumps(rec) + "\n")
    with open(os.path.join(args.out, "acked.tsv"), "w") as f:
        for k, c in acked.items():
            f.write(f"{k}\t{c}\n")

    failed = [r for r in records if not r["ok"]]
    # In flight at the kill: started before the instance was gone, ended after the kill.
    in_flight = [r for r in failed if t_kill and r["t0"] <= t_gone and r["t1"] >= t_kill]
    before = [r for r in failed if not t_kill or r["t1"] < t_kill]
    after = [r for r in failed if t_kill and r["t0"] > t_gone]
    keys = {r["key"] for r in records if r["kind"] == "report"}
    first_failed = {r["key"] for r in failed if r["kind"] == "report" and r["attempt"] == 0}
    summary = {
        "duration_s": round(t_end - t_start, 1),
        "requests": len(records),
        "req_per_s": round(len(records) / (t_end - t_start), 1),
        "report_posts": sum(r["kind"] == "report" for r in records),
        "report_keys": len(keys),
        "acknowledged": len(acked),
        "retried_keys": len(first_failed),
        "retried_keys_acknowledged": len(first_failed & acked.keys()),
        "page_views": sum(r["kind"] == "page" for r in records),
        "page_views_signed_out": sum(r.get("signed_out", False) for r in records),
        "failed": len(failed),
        "failed_in_flight_at_kill": len(in_flight),
        "failed_before_kill": len(before),
        "failed_after_kill": len(after),
        "failed_by_answer": dict(collections.Counter(
            f"{r['kind']} {r['status'] or r['err'].split(':')[0]}" for r in failed)),
        "failed_started_while_dying": sum(t_kill < r["t0"] <= t_gone for r in in_flight),
        "failed_after_kill_detail": [
            {k: r.get(k) for k in ("kind", "path", "status", "err")}
            | {"t0": round(r["t0"] - t_start, 3)} for r in after[:10]],
        "failed_detail": [
            {k: r.get(k) for k in ("kind", "path", "status", "err")}
            | {"t0": round(r["t0"] - t_start, 3), "t1": round(r["t1"] - t_start, 3)}
            for r in failed[:12]],
        "concurrency": args.writers + len(sessions),
        "kill_at_s": round(t_kill - t_start, 3) if t_kill else None,
        "gone_after_kill_ms": round((t_gone - t_kill) * 1000, 1) if t_kill else None,
        "down_after_kill_s": round(t_down - t_kill, 3) if t_down else None,
        "up_after_kill_s": round(t_up - t_kill, 3) if t_up else None,
        "haproxy_states": states,
        "haproxy_retries": retries,
        "haproxy_redispatches": redisp,
        "p50_ms": pct([r["t1"] - r["t0"] for r in records if r["ok"]], 50),
        "p99_ms": pct([r["t1"] - r["t0"] for r in records if r["ok"]], 99),
        "max_ms": pct([r["t1"] - r["t0"] for r in records if r["ok"]], 100),
    }
    json.dump(summary, open(os.path.join(args.out, "summary.json"), "w"), indent=1)
    print(json.dumps(summary, indent=1))


def pct(values, p):
    if not values:
        return None
    values = sorted(values)
    i = min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))
    return round(values[i] * 1000, 1)


# --- verify ------------------------------------------------------------------------------

def verify(args):
    sessions = json.load(open(os.path.join(args.out, "sessions.json")))
    token = open(os.path.join(args.out, "token")).read().strip()
    att = json.load(open(os.path.join(args.out, "attachment.json")))
    bad = 0
    for url in args.url:
        ok = sum(page_signed_in(url, c)[1] for c in sessions)
        status, _, data = request(
            url, "GET", f"/api/v1/reports/{att['report']}/attachments/{att['attachment']}",
            headers={"Authorization": f"Bearer {token}"})
        same = status == 200 and zlib.crc32(data) == att["crc"] and len(data) == att["bytes"]
        print(f"  {url}: sessions from before the kill signed in: {ok}/{len(sessions)}; "
              f"photo uploaded through A: {'same bytes' if same else f'NOT the same ({status})'}")
        bad += (ok != len(sessions)) + (not same)
    sys.exit(1 if bad else 0)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gateway")
    g.add_argument("--port", type=int, required=True)
    g.add_argument("--log", required=True)
    s = sub.add_parser("setup")
    s.add_argument("--lb", required=True)
    s.add_argument("--direct", nargs="+", required=True)
    s.add_argument("--user", required=True)
    s.add_argument("--password", required=True)
    s.add_argument("--village", required=True)
    s.add_argument("--sessions", type=int, default=4)
    s.add_argument("--tag", required=True)
    s.add_argument("--out", required=True)
    lo = sub.add_parser("load")
    lo.add_argument("--lb", required=True)
    lo.add_argument("--stats", required=True)
    lo.add_argument("--server", default="a")
    lo.add_argument("--duration", type=float, default=24)
    lo.add_argument("--kill-at", type=float, default=8)
    lo.add_argument("--kill-pid", type=int, required=True)
    lo.add_argument("--kill-port", type=int, required=True)
    lo.add_argument("--writers", type=int, default=6)
    lo.add_argument("--sessions", required=True)
    lo.add_argument("--village", required=True)
    lo.add_argument("--tag", required=True)
    lo.add_argument("--out", required=True)
    v = sub.add_parser("verify")
    v.add_argument("--url", nargs="+", required=True)
    v.add_argument("--out", required=True)
    args = p.parse_args()
    {"gateway": gateway, "setup": setup, "load": load, "verify": verify}[args.cmd](args)


if __name__ == "__main__":
    main()
