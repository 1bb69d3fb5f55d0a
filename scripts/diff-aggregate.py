#!/usr/bin/env python3
"""Differential check: `obs aggregate` against DuckDB on the same generated data.

    scripts/diff-aggregate.py OBS_BINARY DATA.ndjson

For each query both engines group the same records; the check fails unless the groups are the
same, counts are equal, and every other metric (sums, means, extremes, sample stddev, distinct
counts, quantiles as DuckDB's quantile_cont) agrees to 1e-9 relative. With --every, obs also
reports empty buckets (count 0) that DuckDB has no row for: those must be exactly the missing ones.
"""
import json
import subprocess
import sys

import duckdb

OBS, DATA = sys.argv[1], sys.argv[2]
TZ = "Asia/Kolkata"
SRC = f"""(SELECT *, "timestamp"::TIMESTAMPTZ AS ts FROM read_json('{DATA}', format='newline_delimited',
  columns={{"timestamp":'VARCHAR',"level":'VARCHAR',"service":'VARCHAR',"payment_method":'VARCHAR',
  "gateway":'VARCHAR',"status":'VARCHAR',"error_code":'VARCHAR',"city":'VARCHAR',
  "amount":'DOUBLE',"response_time_ms":'DOUBLE'}}))"""
duckdb.sql(f"SET TimeZone='{TZ}'")

# (name, obs args, DuckDB key expressions, DuckDB WHERE, [(obs metric, DuckDB expression)])
QUERIES = [
    ("metrics by service and method",
     ["--by", "service,payment_method", "--agg",
      "count, sum(amount), avg(response_time_ms), min(amount), max(amount), stddev(amount), "
      "p50(response_time_ms), p95(response_time_ms), p99(response_time_ms), median(amount), "
      "count_distinct(gateway)"],
     ["service", "payment_method"], "TRUE",
     [("count", "count(*)"), ("sum(amount)", "sum(amount)"),
      ("avg(response_time_ms)", "avg(response_time_ms)"), ("min(amount)", "min(amount)"),
      ("max(amount)", "max(amount)"), ("stddev(amount)", "stddev_samp(amount)"),
      ("p50(response_time_ms)", "quantile_cont(response_time_ms, 0.5)"),
      ("p95(response_time_ms)", "quantile_cont(response_time_ms, 0.95)"),
      ("p99(response_time_ms)", "quantile_cont(response_time_ms, 0.99)"),
      ("median(amount)", "median(amount)"), ("count_distinct(gateway)", "count(DISTINCT gateway)")]),
    ("errors by method and code",
     ["--where", "level=ERROR", "--by", "payment_method,error_code", "--agg", "count, sum(amount)"],
     ["payment_method", "error_code"], "level = 'ERROR'",
     [("count", "count(*)"), ("sum(amount)", "sum(amount)")]),
    ("success rate by gateway per 5 minutes in IST",
     ["--where", "service=payment-service", "--every", "5m", "--tz", TZ, "--by", "gateway",
      "--agg", "count, rate(status=success) as success_rate"],
     ["strftime(time_bucket(INTERVAL '5 minutes', timezone('" + TZ + "', ts)), '%Y-%m-%dT%H:%M:%S')",
      "gateway"], "service = 'payment-service'",
     [("count", "count(*)"), ("success_rate", "avg(CASE WHEN status = 'success' THEN 1.0 ELSE 0.0 END)")]),
    ("amount by IST hour and range",
     ["--by", "hour(),bucket(amount, 1000, 10000, 50000)", "--tz", TZ, "--agg", "count, sum(amount), avg(amount)"],
     ["hour(timezone('" + TZ + "', ts))",
      "CASE WHEN amount < 1000 THEN '<1000' WHEN amount < 10000 THEN '1000-10000' "
      "WHEN amount < 50000 THEN '10000-50000' ELSE '>=50000' END"], "TRUE",
     [("count", "count(*)"), ("sum(amount)", "sum(amount)"), ("avg(amount)", "avg(amount)")]),
    ("amount by city per IST day",
     ["--every", "1d", "--tz", TZ, "--by", "city", "--agg", "count, sum(amount), max(response_time_ms)"],
     ["strftime(date_trunc('day', timezone('" + TZ + "', ts)), '%Y-%m-%dT%H:%M:%S')", "city"], "TRUE",
     [("count", "count(*)"), ("sum(amount)", "sum(amount)"), ("max(response_time_ms)", "max(response_time_ms)")]),
]


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def norm_key(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


failures = 0
for name, args, keys, where, metrics in QUERIES:
    out = subprocess.run([OBS, "aggregate", DATA, *args, "-f", "ndjson"], capture_output=True, text=True)
    if out.returncode != 0:
        print(f"FAIL {name}: obs exited {out.returncode}: {out.stderr}")
        failures += 1
        continue
    obs_rows = {}
    for line in out.stdout.splitlines():
        row = json.loads(line)
        key = tuple(norm_key(row[k]) for k in row if k not in dict(metrics))
        if "time" in row:
            key = (row["time"][:19],) + key[1:]
        obs_rows[key] = row
    sql = (f"SELECT {', '.join(keys)}, {', '.join(e for _, e in metrics)} FROM {SRC} "
           f"WHERE {where} GROUP BY ALL")
    duck_rows = {tuple(norm_key(v) for v in r[:len(keys)]): r[len(keys):] for r in duckdb.sql(sql).fetchall()}
    bad = []
    for key, values in duck_rows.items():
        row = obs_rows.get(key)
        if row is None:
            bad.append(f"group {key} missing in obs")
            continue
        for (metric, _), v in zip(metrics, values):
            if not close(row[metric], None if v is None else float(v)):
                bad.append(f"group {key}: {metric} obs {row[metric]} duckdb {v}")
    for key, row in obs_rows.items():
        if key not in duck_rows and row["count"] != 0:
            bad.append(f"group {key} only in obs, with count {row['count']}")
    status = "ok  " if not bad else "FAIL"
    print(f"{status} {name}: {len(duck_rows)} groups, {len(obs_rows) - len(duck_rows)} empty buckets filled")
    for b in bad[:10]:
        print("     ", b)
    failures += bool(bad)

print(f"diff-aggregate: {len(QUERIES) - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
