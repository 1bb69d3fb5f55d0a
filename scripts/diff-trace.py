#!/usr/bin/env python3
"""Differential check: `obs trace list` and `obs trace stats` against DuckDB on the same spans.

    scripts/diff-trace.py OBS_BINARY SPANS.ndjson

The spans are what `examples/gen_spans.rs` writes (start_time in epoch ms, duration_ms). DuckDB
groups them by trace and by (service, name) in plain SQL; the check fails unless obs finds the
same traces with the same span and error counts and durations, and the same per-operation span,
trace and error counts, mean, maximum and quantiles (DuckDB's quantile_cont) to the microsecond
obs prints.
"""
import json
import subprocess
import sys

import duckdb

OBS, DATA = sys.argv[1], sys.argv[2]
SRC = f"read_json('{DATA}', format='newline_delimited')"
TOL_MS = 0.0006  # obs prints milliseconds with three decimals
failures = []


def obs(*args):
    out = subprocess.run([OBS, "trace", *args, DATA, "-f", "ndjson"], check=True,
                         capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def close(a, b):
    return a is not None and b is not None and abs(a - b) <= TOL_MS + 1e-9 * abs(b)


# Per trace: span count, failed spans, duration from the earliest start to the latest end.
want = {r[0]: r[1:] for r in duckdb.sql(f"""
    SELECT trace_id, count(*), count(*) FILTER (status = 'ERROR'),
           max(start_time + duration_ms) - min(start_time)
    FROM {SRC} GROUP BY trace_id""").fetchall()}
got = {t["trace_id"]: (t["spans"], t["errors"], t["duration_ms"]) for t in obs("list")}
n_traces = len(want)
if set(got) != set(want):
    failures.append(f"traces: {len(set(got) ^ set(want))} differ")
for tid, (spans, errors, dur) in want.items():
    g = got.get(tid)
    if g and (g[0] != spans or g[1] != errors or not close(g[2], dur)):
        failures.append(f"trace {tid}: obs {g}, duckdb {(spans, errors, dur)}")

# Per operation: spans, traces, errors, mean, max and quantiles of span duration.
want = {(r[0], r[1]): r[2:] for r in duckdb.sql(f"""
    SELECT service, name, count(*), count(DISTINCT trace_id), count(*) FILTER (status = 'ERROR'),
           avg(duration_ms), max(duration_ms), quantile_cont(duration_ms, 0.5),
           quantile_cont(duration_ms, 0.95), quantile_cont(duration_ms, 0.99)
    FROM {SRC} GROUP BY service, name""").fetchall()}
cols = ["spans", "traces", "errors", "avg_ms", "max_ms", "p50_ms", "p95_ms", "p99_ms"]
got = {(s["service"], s["name"]): tuple(s[c] for c in cols) for s in obs("stats", "--by", "service,name")}
if set(got) != set(want):
    failures.append(f"operations: {sorted(set(got) ^ set(want))} differ")
for key, w in want.items():
    g = got.get(key)
    if g and (g[:3] != w[:3] or not all(close(a, b) for a, b in zip(g[3:], w[3:]))):
        failures.append(f"operation {key}: obs {g}, duckdb {w}")

n_ops = len(want)
for f in failures[:20]:
    print("FAIL", f, file=sys.stderr)
print(f"diff-trace: {n_traces} traces and {n_ops} operations compared, {len(failures)} differences")
sys.exit(1 if failures else 0)
