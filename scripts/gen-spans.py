#!/usr/bin/env python3
"""Deterministic span-per-line NDJSON for `obs trace` benchmarks.

Traces of 3-30 spans over payment services, written in export order: each trace's spans are
emitted children-first (as a batching exporter flushes finished spans), and 64 traces are in
flight at once, so traces interleave. Usage: gen-spans.py TRACES SEED > spans.ndjson
"""
import json
import random
import sys

SERVICES = ["api-gateway", "checkout", "payment-service", "upi-switch", "fraud-engine",
            "card-vault", "ledger", "notification", "cart", "inventory"]
OPS = ["POST /pay", "GET /cart", "charge", "authorize", "risk-score", "debit", "credit",
       "SELECT payments", "publish event", "lookup vpa", "tokenize", "GET /status"]


def trace(rng, n_spans, t0):
    tid = "%032x" % rng.getrandbits(128)
    spans = []
    root = {"id": "%016x" % rng.getrandbits(64), "parent": None, "start": t0,
            "dur": rng.randint(5_000_000, 3_000_000_000), "depth": 0}
    spans.append(root)
    while len(spans) < n_spans:
        p = rng.choice(spans)
        off = rng.randint(0, max(1, p["dur"] // 2))
        dur = rng.randint(100_000, max(100_001, p["dur"] - off))
        spans.append({"id": "%016x" % rng.getrandbits(64), "parent": p["id"],
                      "start": p["start"] + off, "dur": dur, "depth": p["depth"] + 1})
    out = []
    for s in sorted(spans, key=lambda s: -s["depth"]):  # children before parents
        line = {"trace_id": tid, "span_id": s["id"], "name": rng.choice(OPS),
                "service": rng.choice(SERVICES), "start_time": s["start"] // 1_000_000,
                "duration_ms": round(s["dur"] / 1e6, 3),
                "status": "ERROR" if rng.random() < 0.02 else "OK",
                "kind": "server" if s["parent"] is None else rng.choice(["client", "internal", "server"]),
                "attributes": {"http.status_code": rng.choice([200, 200, 200, 201, 400, 502]),
                               "payment.method": rng.choice(["UPI", "CARD", "NETBANKING"]),
                               "amount": round(rng.uniform(10, 50000), 2)}}
        if s["parent"]:
            line["parent_span_id"] = s["parent"]
        out.append(json.dumps(line, separators=(",", ":")))
    return out


def main():
    n, seed = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    t = 1_764_000_000_000_000_000
    pending = []
    w = sys.stdout.write
    for _ in range(n):
        t += rng.randint(1_000_000, 50_000_000)
        pending.append(trace(rng, rng.randint(3, 30), t))
        if len(pending) >= 64:  # 64 traces in flight: their lines interleave
            while pending:
                for p in list(pending):
                    w(p.pop(0) + "\n")
                    if not p:
                        pending.remove(p)
                if len(pending) < 32:
                    break
    for p in pending:
        for line in p:
            w(line + "\n")


if __name__ == "__main__":
    main()
