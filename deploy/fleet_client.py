#!/usr/bin/env python3
"""HTTP client of the fleet test (deploy/fleet-test): compares replicas, and runs bounded load.

    fleet_client.py compare URLS_FILE ORIGIN...
        Every path of URLS_FILE from every ORIGIN (a replica, directly), as plain text and
        gzip: the same status, bytes, ETag and Last-Modified from each, or exit 1.
    fleet_client.py hashes URLS_FILE ORIGIN OUT_JSON
        Each path's status and SHA-256 of its (decoded) body from ORIGIN, as JSON.
    fleet_client.py load URLS_FILE ORIGIN --seconds S --max-requests N --threads T
                         [--stop-file F] [--unique-share P] [--rate R] [--in-order]
                         [--versions OLD_JSON NEW_JSON] --report OUT_JSON
        Requests the paths from ORIGIN (the cache), at random or --in-order, at most R a second,
        until S seconds pass, N requests are made or F exists. A share P of the requests are
        searches no one made before (a long tail the cache cannot hold, so that load keeps
        reaching the replicas). About a third of repeated requests are conditional
        (If-None-Match). Any answer but 2xx, or 304 to a conditional request, is a failure.
        With --versions, every body must be wholly the old or wholly the new release's (by
        hash); the statuses recorded there are then expected too (a record that only the new
        release has is a 404 before it).

Standard library only: it runs wherever python3 does.
"""

import argparse
import gzip
import hashlib
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse

TIMEOUT = 10


class Origin:
    """A keep-alive connection to one origin, opened again after any failure."""

    def __init__(self, origin):
        parsed = urllib.parse.urlsplit(origin)
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.conn = None

    def get(self, path, headers=None):
        """(status, headers as a dict of lower-case names, decoded body bytes)."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        try:
            self.conn.request("GET", path, headers=headers or {})
            response = self.conn.getresponse()
            body = response.read()
        except Exception:
            self.conn.close()
            self.conn = None
            raise
        result_headers = {k.lower(): v for k, v in response.getheaders()}
        if result_headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        if response.will_close:
            self.conn.close()
            self.conn = None
        return response.status, result_headers, body


def read_paths(path):
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


def sha256(body):
    return hashlib.sha256(body).hexdigest()


def compare(args):
    paths = read_paths(args.urls)
    origins = [Origin(o) for o in args.origins]
    differing = 0
    kinds = {}
    for path in paths:
        for encoding in ("identity", "gzip"):
            seen = []
            for origin in origins:
                status, headers, body = origin.get(path, {"Accept-Encoding": encoding})
                seen.append(
                    (
                        status,
                        sha256(body),
                        headers.get("etag"),
                        headers.get("last-modified"),
                        headers.get("content-encoding"),
                    )
                )
            kind = headers.get("content-type", "?").split(";")[0]
            kinds[kind] = kinds.get(kind, 0) + 1
            if seen[0][0] != 200 or seen[0][2] is None or seen[0][3] is None:
                print(f"  FAIL {path} ({encoding}): {seen[0]} lacks a 200, an ETag or Last-Modified")
                differing += 1
            elif len(set(seen)) != 1:
                if differing < 6:
                    print(f"  FAIL {path} ({encoding}) differs between replicas:")
                    for origin, s in zip(args.origins, seen):
                        print(f"       {origin}: {s}")
                differing += 1
    print(
        f"  {len(paths)} paths x 2 encodings from {len(origins)} replicas: "
        f"{len(paths) * 2 - differing} identical (status, bytes, ETag, Last-Modified), "
        f"{differing} differing"
    )
    print("  types: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    return 1 if differing else 0


def hashes(args):
    origin = Origin(args.origin)
    out = {}
    for path in read_paths(args.urls):
        status, _, body = origin.get(path, {"Accept-Encoding": "identity"})
        out[path] = {"status": status, "sha256": sha256(body)}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, sort_keys=True)
    return 0


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.statuses = {}
        self.cache = {}
        self.failures = []
        self.failed = 0
        self.old = 0
        self.new = 0
        self.both = 0
        self.latencies = []

    def add(self, status, x_cache, latency, failure=None, version=None):
        with self.lock:
            self.requests += 1
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if x_cache:
                self.cache[x_cache] = self.cache.get(x_cache, 0) + 1
            self.latencies.append(latency)
            if failure:
                self.failed += 1
                if len(self.failures) < 20:
                    self.failures.append(failure)
            if version == "old":
                self.old += 1
            elif version == "new":
                self.new += 1
            elif version == "both":
                self.both += 1


def load(args):
    paths = read_paths(args.urls)
    versions = None
    if args.versions:
        with open(args.versions[0], encoding="utf-8") as f:
            old = json.load(f)
        with open(args.versions[1], encoding="utf-8") as f:
            new = json.load(f)
        versions = (old, new)
    tally = Tally()
    begun = time.monotonic()
    deadline = begun + args.seconds
    issued = [0]
    issue_lock = threading.Lock()

    def next_request():
        """The number of the next request, after waiting for its turn; None when it is over."""
        with issue_lock:
            n = issued[0]
            if n >= args.max_requests:
                return None
            issued[0] += 1
        if args.rate:
            time.sleep(max(0.0, begun + n / args.rate - time.monotonic()))
        if time.monotonic() >= deadline:
            return None
        if args.stop_file and os.path.exists(args.stop_file):
            return None
        return n

    def worker(seed):
        rng = random.Random(seed)
        origin = Origin(args.origin)
        etags = {}
        while (n := next_request()) is not None:
            if rng.random() < args.unique_share:
                endpoint = rng.choice(("/search", "/api/v1/search"))
                path = f"{endpoint}?q=fleet{seed}x{n}"
            elif args.in_order:
                path = paths[n % len(paths)]
            else:
                path = rng.choice(paths)
            headers = {"Accept-Encoding": rng.choice(("identity", "gzip"))}
            conditional = versions is None and path in etags and rng.random() < 0.3
            if conditional:
                headers["If-None-Match"] = etags[path]
            started = time.monotonic()
            try:
                status, got, body = origin.get(path, headers)
            except Exception as e:  # refused, reset, timed out: all failures
                tally.add("error", None, time.monotonic() - started, f"{path}: {e!r}")
                continue
            latency = time.monotonic() - started
            x_cache = got.get("x-cache")
            if versions is not None:
                digest = sha256(body)
                was = versions[0].get(path)
                now = versions[1].get(path)
                is_old = was and (status, digest) == (was["status"], was["sha256"])
                is_new = now and (status, digest) == (now["status"], now["sha256"])
                if is_old and is_new:
                    tally.add(status, x_cache, latency, version="both")
                elif is_old or is_new:
                    tally.add(status, x_cache, latency, version="old" if is_old else "new")
                else:
                    tally.add(
                        status,
                        x_cache,
                        latency,
                        f"{path}: {status}, {len(body)} bytes, neither the old release's "
                        f"nor the new's",
                    )
                continue
            ok = 200 <= status < 300 or (status == 304 and conditional)
            if not ok:
                tally.add(status, x_cache, latency, f"{path}: {status} {body[:120]!r}")
                continue
            if status == 200 and "etag" in got:
                etags[path] = got["etag"]
            tally.add(status, x_cache, latency)

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies = sorted(tally.latencies) or [0.0]
    report = {
        "requests": tally.requests,
        "failed": tally.failed,
        "seconds": round(elapsed, 1),
        "per_second": round(tally.requests / elapsed, 1) if elapsed else 0,
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items(), key=str)},
        "x_cache": tally.cache,
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
        "p99_ms": round(latencies[min(len(latencies) - 1, len(latencies) * 99 // 100)] * 1000, 1),
        "max_ms": round(latencies[-1] * 1000, 1),
        "failures": tally.failures,
    }
    if versions is not None:
        report.update({"old": tally.old, "new": tally.new, "unchanged": tally.both})
    with open(args.report, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("compare")
    p.add_argument("urls")
    p.add_argument("origins", nargs="+")
    p = sub.add_parser("hashes")
    p.add_argument("urls")
    p.add_argument("origin")
    p.add_argument("out")
    p = sub.add_parser("load")
    p.add_argument("urls")
    p.add_argument("origin")
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--max-requests", type=int, required=True)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--stop-file")
    p.add_argument("--unique-share", type=float, default=0.0)
    p.add_argument("--rate", type=float)
    p.add_argument("--in-order", action="store_true")
    p.add_argument("--versions", nargs=2)
    p.add_argument("--report", required=True)
    args = parser.parse_args()
    return {"compare": compare, "hashes": hashes, "load": load}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
