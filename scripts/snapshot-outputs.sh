#!/usr/bin/env bash
# Runs every command of obs over the bundled samples, the shared corpus traces and generated data,
# in each output format, and writes each run's stdout, stderr and exit status to OUTDIR. Run it
# with the binary before and after a refactor and `diff -r` the two folders: a change that should
# not change behaviour leaves no difference.
#
#   scripts/snapshot-outputs.sh OBS OUTDIR
#
# OBS is the binary to run. The generated data is made by the gen_logs/gen_spans examples of the
# debug build beside it (seeded, so the same on every run).
set -uo pipefail
obs=$1
out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=$root/../shared/corpus
gen=$(dirname "$obs")/examples
[ -x "$gen/gen_logs" ] || gen=${CARGO_TARGET_DIR:-$HOME/.cache/obs/target}/debug/examples
mkdir -p "$out"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
"$gen/gen_logs" --lines 20000 --seed 5 --hours 30 --bad-every 501 >"$data/logs.ndjson"
"$gen/gen_spans" --traces 800 --seed 5 >"$data/spans.ndjson"
cd "$root"

n=0
run() { # run ARGS...: one numbered case; the data folder is spelled $D in the recorded command
  n=$((n + 1))
  local name f
  name=$(printf '%03d' "$n")
  printf '%s\n' "$*" | sed "s#$data#\$D#g; s#$corpus#\$CORPUS#g" >"$out/$name.cmd"
  (cd "$data" && TZ=UTC NO_COLOR=1 "$obs" "$@" >"$out/$name.out" 2>"$out/$name.err" </dev/null)
  echo $? >"$out/$name.rc"
  # Files a case wrote into the data folder are kept under its number.
  for f in "$data"/out.* "$data"/rej.*; do
    [ -e "$f" ] && mv "$f" "$out/$name.$(basename "$f")"
  done
  if [ -d "$data/bulk" ]; then
    (cd "$data/bulk" && for f in *; do mv "$f" "$out/$name.bulk.$f"; done)
    rmdir "$data/bulk"
  fi
  sed -i "s#$data#\$D#g; s#$corpus#\$CORPUS#g" "$out/$name".* 2>/dev/null
}

S=$root/samples
L=$data/logs.ndjson
P=$data/spans.ndjson
# grep: every format, counts, stats, rejects, time windows, raw regex.
for f in ndjson table csv; do
  run grep 'level=ERROR and service=payment-service' "$S" --stats -f "$f"
  run grep 'amount>10000 and payment_method=UPI' "$L" -f "$f" --fields timestamp,amount,status,error_code -m 50
done
run grep -c 'level in (ERROR, WARN)' "$S" --since 2024-05-01T06:00 --until 2024-05-01T07:00 --tz Asia/Kolkata
run grep -e 'timeout|refused' --where 'level=ERROR' "$L" --stats --rejects rej.ndjson --rejects-reasons rej.reasons
run grep 'http.status>=500' "$L" -o out.ndjson --stats
run grep 'service=payment-service' "$L" --format es-bulk --index 'payment-logs-%{+yyyy.MM.dd}' --tz Asia/Kolkata --id-field payment_id --out-dir bulk
run grep 'level=ERROR' "$L" --format es-bulk --out-dir bulk --stats
run grep 'message~~="(?i)gateway timeout"' "$L" -c
run grep 'nosuchfield=1' "$S"
run grep 'level=' "$S"
# aggregate: table, csv, ndjson, chart, parquet, every, top, rates.
for f in table csv ndjson; do
  run aggregate "$L" --by service,payment_method -f "$f"
  run aggregate "$L" --where 'service=payment-service' --every 1h --by gateway -f "$f"
  run aggregate "$L" --by gateway --agg 'p99(response_time_ms)' --agg 'avg(amount)' --agg 'sum(amount)' --agg count -f "$f"
done
run aggregate "$L" --by payment_method,error_code --where 'level=ERROR' --top 10
run aggregate "$S" --every 15m --tz Asia/Kolkata --stats
run aggregate "$L" --by gateway -f parquet -o out.parquet
run aggregate "$L" --every 1h --by gateway --agg 'count, p95(response_time_ms), first(status)' --tz Asia/Kolkata -f parquet -o out.parquet
run aggregate "$L" --every 6h --by service --tz Asia/Kolkata -f es-bulk --index 'agg-%{+yyyy.MM.dd}' --out-dir bulk
run aggregate "$L" --by gateway -f es-bulk --id-field gateway -o out.bulk
run aggregate "$L" --by error_code --chart
run aggregate "$L" --every 2h --by gateway --chart
for f in table csv ndjson; do
  run aggregate "$L" --by error_code,card.network --agg 'count, sum(nosuch), first(http), max(amount)' -f "$f"
done
# trace: every subcommand and format, generated spans and each corpus format.
for f in table csv ndjson; do
  run trace list "$P" -f "$f" --sort duration --top 30
  run trace stats "$P" --by service,name -f "$f"
  run trace deps "$P" -f "$f"
  run trace check "$P" -f "$f"
done
run trace list "$P" --where 'duration>2s or error' --sort duration --top 20
run trace list "$P" --where 'any(service=upi-switch and http.status_code>=500)'
run trace deps "$P" --format dot
run trace deps "$P" --format mermaid
for to in jaeger otlp spans; do run trace export "$P" --to "$to"; done
first=$(head -c 4096 "$P" | grep -o '"trace_id":"[0-9a-f]*"' | head -1 | cut -d'"' -f4)
run trace show "$P" "$first" --width 120
run trace show "$P" "$first" -a --events --width 100 --logs "$L"
run trace check "$P" --skew-tolerance 5ms --stats
run trace show "$P" "$first" -f ndjson
run trace stats "$P" --by kind,service --sort p99_ms --top 5
run trace stats "$P" --by operation -f csv
run trace check "$P" --ignore skew,orphan -f csv
run trace export "$P" --to jaeger --where error --trace "$first"
for f in $(find "$corpus/traces" -name '*.json' | sort | head -40); do
  run trace list "$f" -f ndjson
  run trace check "$f" -f ndjson
  run trace stats "$f" -f csv
done
for f in $(find "$corpus/traces/zipkin" "$corpus/traces/jaeger-ui" -maxdepth 1 -name '*.json' | sort | head -6); do
  run trace export "$f" --to jaeger
  run trace deps "$f" -f table
done
echo "$n cases written to $out" >&2
