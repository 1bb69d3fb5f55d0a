#!/usr/bin/env bash
# Times `obs trace` against DuckDB and Polars grouping the same span NDJSON by trace id (duration
# and span count per trace), side by side in one run, and prints medians, ratios (obs time / peer
# time: below 1 means obs is faster), peak memory, and `obs trace show` on a second, larger file.
#
#   scripts/compare-trace.sh [TRACES] [SHOW_TRACES]
#       TRACES       default 60000 (about 1 M spans, 310 MB) for stats/list against the peers
#       SHOW_TRACES  default 200000 (about 1 GB) for `obs trace show <id>`
#
# Installs what is missing: hyperfine from Debian's packages (needs root), the DuckDB command
# line (duckdb-cli) and polars from PyPI. DuckDB's native binary is run directly (see
# duckdb-native.sh), so its time has no Python start-up in it; Polars runs from Python, and the
# script times `import polars` alone so that cost can be told apart. Data and results go to
# $OBS_BENCH_DIR (default: a folder under ${TMPDIR:-/tmp}).
set -euo pipefail

traces=${1:-60000}
show_traces=${2:-200000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${OBS_BENCH_DIR:-${TMPDIR:-/tmp}/obs-bench}
mkdir -p "$work"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/obs/target}

command -v hyperfine >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; }
source "$root/scripts/duckdb-native.sh"
duckdb=$(duckdb_native)
python3 -c 'import polars' 2>/dev/null || python3 -m pip install -q polars

(cd "$root" && cargo build -q --profile release-lto --bin obs --example gen_spans)
obs=$CARGO_TARGET_DIR/release-lto/obs
gen=$CARGO_TARGET_DIR/release-lto/examples/gen_spans
data=$work/spans-$traces.ndjson
big=$work/spans-$show_traces.ndjson
[ -s "$data" ] || "$gen" --traces "$traces" --seed 7 >"$data"
[ -s "$big" ] || "$gen" --traces "$show_traces" --seed 8 >"$big"
echo "data: $data, $(stat -L -c %s "$data") bytes, $(wc -l <"$data") spans; $(nproc) CPUs" >&2

duck_sql="select trace_id, min(start_time) s, max(start_time + duration_ms) e, count(*) n from read_json('$data', format='newline_delimited') group by trace_id"
cat >"$work/trace_polars.py" <<PY
import polars as pl
out = (pl.scan_ndjson("$data").group_by("trace_id")
       .agg(pl.col("start_time").min().alias("s"),
            (pl.col("start_time") + pl.col("duration_ms")).max().alias("e"), pl.len())
       .collect())
print(out.height)
PY

hyperfine --style none --warmup 1 --runs 7 --export-json "$work/trace-stats.json" \
  -n "obs trace stats" "$obs trace stats $data --by service,name -f ndjson -o /dev/null" \
  -n "obs trace list" "$obs trace list $data --where 'duration>2s or error' -f ndjson -o /dev/null" \
  -n duckdb "$duckdb -c \"$duck_sql\" >/dev/null" \
  -n polars "python3 $work/trace_polars.py" \
  -n "python3 -c 'import polars'" "python3 -c 'import polars'" >/dev/null

# hyperfine runs each command's runs back to back, so a drift in the machine's load lands on
# one tool more than the other. Alternating obs and DuckDB run by run gives a second ratio, the
# median of the per-round ratios, that such drift cannot tilt.
python3 - "$work/trace-alternating.json" 11 \
  "$obs trace stats $data --by service,name -f ndjson -o /dev/null" \
  "$duckdb -c \"$duck_sql\"" <<'PY'
import json, shlex, statistics, subprocess, sys, time
out, rounds, cmds = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
times = [[] for _ in cmds]
for _ in range(rounds):
    for i, c in enumerate(cmds):
        t = time.perf_counter()
        subprocess.run(shlex.split(c), stdout=subprocess.DEVNULL, check=True)
        times[i].append(time.perf_counter() - t)
json.dump(times, open(out, "w"))
PY

# The same traces in every tool: obs's trace count against DuckDB's.
traces_obs=$("$obs" trace list "$data" -f ndjson | wc -l)
traces_duck=$("$duckdb" -csv -noheader -c "select count(distinct trace_id) from read_json('$data', format='newline_delimited')")
[ "$traces_obs" = "$traces_duck" ] || { echo "trace count mismatch: obs $traces_obs duckdb $traces_duck" >&2; exit 1; }

# A trace in the middle of the big file, for `show`.
id=$(sed -n "$(($(wc -l <"$big") / 2))p" "$big" | python3 -c 'import json,sys; print(json.load(sys.stdin)["trace_id"])')
hyperfine --style none --warmup 1 --runs 7 --export-json "$work/trace-show.json" \
  -n "obs trace show" "$obs trace show $big $id --color never >/dev/null" >/dev/null

peak() { { /usr/bin/time -f '%M' "$@" >/dev/null; } 2>&1 | tail -1; }
mem_obs=$(peak "$obs" trace stats "$data" -f ndjson)
mem_obs_nommap=$(peak "$obs" trace stats "$data" -f ndjson --no-mmap)
mem_duck=$(peak "$duckdb" -c "$duck_sql")

python3 - "$work" "$data" "$big" "$mem_obs" "$mem_obs_nommap" "$mem_duck" <<'PY' | tee "$work/trace-results.md"
import json, os, statistics, sys
work, data, big = sys.argv[1:4]
mem_obs, mem_nommap, mem_duck = (int(x) for x in sys.argv[4:7])
t = {r["command"]: statistics.median(r["times"]) for r in json.load(open(f"{work}/trace-stats.json"))["results"]}
print(f"\n### group spans by trace — {os.path.getsize(data)/1e6:.0f} MB\n")
print("| command | median s | / duckdb |\n|---|---|---|")
for cmd, sec in sorted(t.items(), key=lambda kv: kv[1]):
    print(f"| {cmd} | {sec:.3f} | {sec/t['duckdb']:.2f} |")
obs_t, duck_t = json.load(open(f"{work}/trace-alternating.json"))
ratios = [o / d for o, d in zip(obs_t, duck_t)]
print(f"\nalternating obs trace stats / duckdb, {len(ratios)} rounds: median ratio "
      f"{statistics.median(ratios):.2f} (range {min(ratios):.2f}-{max(ratios):.2f}; medians "
      f"{statistics.median(obs_t):.3f} s / {statistics.median(duck_t):.3f} s)")
show = statistics.median(json.load(open(f"{work}/trace-show.json"))["results"][0]["times"])
print(f"\nobs trace show <id> on {os.path.getsize(big)/1e9:.2f} GB: {show:.3f} s (median)")
print(f"\npeak RSS, trace stats: obs {mem_obs/1024:.0f} MiB (mmap: the file's pages count), "
      f"obs --no-mmap {mem_nommap/1024:.0f} MiB, DuckDB {mem_duck/1024:.0f} MiB")
PY
