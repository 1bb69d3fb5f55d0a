#!/usr/bin/env bash
# Times `obs aggregate` against DuckDB and Polars (and jq with OBS_BENCH_JQ=1) on the same
# generated data, side by side in one run, and prints medians, ratios (obs time / peer time:
# below 1 means obs is faster) and peak memory.
#
#   scripts/compare-aggregate.sh [LINES]        default 1500000 lines (about 1.1 GB)
#
# Installs what is missing: hyperfine from Debian's packages (needs root), the DuckDB command line
# (duckdb-cli, run as its native binary: see duckdb-native.sh) and polars from PyPI. Polars runs
# from Python, so its times include the interpreter's start-up and `import polars`. Data and
# results go to $OBS_BENCH_DIR (default: a folder under ${TMPDIR:-/tmp}).
set -euo pipefail

lines=${1:-1500000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${OBS_BENCH_DIR:-${TMPDIR:-/tmp}/obs-bench}
mkdir -p "$work"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/obs/target}

command -v hyperfine >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; }
python3 -c 'import polars' 2>/dev/null || python3 -m pip install -q polars
source "$root/scripts/duckdb-native.sh"
duckdb=$(duckdb_native)

(cd "$root" && cargo build -q --profile release-lto --bin obs --example gen_logs)
obs=$CARGO_TARGET_DIR/release-lto/obs
data=$work/logs-$lines.ndjson
[ -s "$data" ] || "$CARGO_TARGET_DIR/release-lto/examples/gen_logs" --lines "$lines" --seed 11 --hours 24 >"$data"
size=$(stat -L -c %s "$data")
echo "data: $data, $size bytes, $(nproc) CPUs" >&2

src="read_json('$data', format='newline_delimited')"
sql_metrics="SELECT service, payment_method, count(*), sum(amount), avg(response_time_ms), quantile_cont(response_time_ms, 0.95) FROM $src GROUP BY ALL"
sql_errors="SELECT time_bucket(INTERVAL '5 minutes', \"timestamp\"::TIMESTAMPTZ) AS t, gateway, count(*) FROM $src WHERE level = 'ERROR' GROUP BY ALL"
cat >"$work/agg_polars.py" <<PY
import polars as pl, sys
q = sys.argv[1]
lf = pl.scan_ndjson("$data")
if q == "metrics":
    out = lf.group_by("service", "payment_method").agg(pl.len(), pl.col("amount").sum(), pl.col("response_time_ms").mean().alias("avg_rt"), pl.col("response_time_ms").quantile(0.95, interpolation="linear").alias("p95_rt")).collect()
else:
    out = (lf.filter(pl.col("level") == "ERROR")
             .with_columns(pl.col("timestamp").str.to_datetime(time_zone="UTC").dt.truncate("5m").alias("t"))
             .group_by("t", "gateway").agg(pl.len()).collect())
print(out.height)
PY

metrics="count, sum(amount), avg(response_time_ms), p95(response_time_ms)"
jq_args=()
if [ "${OBS_BENCH_JQ:-0}" = 1 ]; then
  jq_args=(-n jq "jq -s -c 'group_by([.service,.payment_method]) | map({k:.[0].service, m:.[0].payment_method, n:length, s:(map(.amount)|add)})' $data > /dev/null")
fi
hyperfine --style none --warmup 1 --runs 5 --export-json "$work/agg-metrics.json" \
  -n obs "$obs aggregate $data --by service,payment_method --agg '$metrics' -f ndjson > $work/agg-obs.out" \
  -n duckdb "$duckdb -c \"$sql_metrics\"" \
  -n polars "python3 $work/agg_polars.py metrics" "${jq_args[@]}" >/dev/null
hyperfine --style none --warmup 1 --runs 5 --export-json "$work/agg-errors.json" \
  -n obs "$obs aggregate $data --where 'level=ERROR' --every 5m --by gateway -f ndjson > $work/agg-obs2.out" \
  -n duckdb "$duckdb -c \"$sql_errors\"" \
  -n polars "python3 $work/agg_polars.py errors" >/dev/null

groups_obs=$(wc -l <"$work/agg-obs.out"); groups_duck=$("$duckdb" -csv -noheader -c "select count(*) from ($sql_metrics)")
[ "$groups_obs" = "$groups_duck" ] || { echo "group count mismatch: obs $groups_obs duckdb $groups_duck" >&2; exit 1; }

peak() { { /usr/bin/time -f '%M' "$@" >/dev/null; } 2>&1 | tail -1; }
mem_obs=$(peak "$obs" aggregate "$data" --no-mmap --by service,payment_method --agg "$metrics" -f ndjson)
mem_duck=$(peak "$duckdb" -c "$sql_metrics")

python3 - "$work" "$size" "$mem_obs" "$mem_duck" <<'PY' | tee "$work/aggregate-results.md"
import json, statistics, sys
work, size, mem_obs, mem_duck = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
for title, name in [("count, sum, avg, p95 by service, payment_method", "agg-metrics"),
                    ("5-minute histogram of errors by gateway", "agg-errors")]:
    t = {r["command"]: statistics.median(r["times"]) for r in json.load(open(f"{work}/{name}.json"))["results"]}
    print(f"\n### {title} — {size/1e9:.2f} GB\n")
    print("| tool | median s | obs / tool |\n|---|---|---|")
    for tool, sec in sorted(t.items(), key=lambda kv: kv[1]):
        print(f"| {tool} | {sec:.3f} | {t['obs']/sec:.2f} |")
print(f"\npeak RSS, metrics query: obs (--no-mmap, so no mapped file) {mem_obs/1024:.0f} MiB, "
      f"DuckDB {mem_duck/1024:.0f} MiB")
PY
