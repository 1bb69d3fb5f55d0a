#!/usr/bin/env bash
# obs trace stats / show against DuckDB and Polars grouping spans by trace id, side by side.
# Usage: scripts/compare-trace.sh [TRACES] (default 60000 traces ≈ 1 M spans ≈ 310 MB)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-60000}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/obs-bench}
mkdir -p "$DIR"
DATA="$DIR/spans-$N.ndjson"
[ -s "$DATA" ] || python3 scripts/gen-spans.py "$N" 7 > "$DATA"
command -v hyperfine >/dev/null || { apt-get update && apt-get install -y hyperfine; }
python3 -c 'import duckdb, polars' 2>/dev/null || pip install --quiet duckdb polars
cargo build --release --quiet
OBS=${CARGO_TARGET_DIR:-target}/release/obs
ID=$(head -c 200000 "$DATA" | tail -n 2 | head -n 1 | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["trace_id"])')
ls -l "$DATA"
hyperfine -w 1 -r 5 --export-markdown "$DIR/trace.md" \
  -n "obs trace stats --by service,name" "$OBS trace stats $DATA -f ndjson -o /dev/null" \
  -n "obs trace list --where 'duration>2s or error'" "$OBS trace list $DATA --where 'duration>2s or error' -f ndjson -o /dev/null" \
  -n "obs trace show <id>" "$OBS trace show $DATA $ID --color never > /dev/null" \
  -n "duckdb group by trace_id" "python3 -c \"import duckdb; duckdb.sql(\\\"select trace_id, min(start_time) s, max(start_time + duration_ms) e, count(*) n from read_json('$DATA', format='newline_delimited') group by trace_id\\\").fetchall()\"" \
  -n "polars group by trace_id" "python3 -c \"import polars as pl; pl.scan_ndjson('$DATA').group_by('trace_id').agg(pl.col('start_time').min(), (pl.col('start_time')+pl.col('duration_ms')).max(), pl.len()).collect()\""
cat "$DIR/trace.md"
