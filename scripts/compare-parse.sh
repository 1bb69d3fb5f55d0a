#!/usr/bin/env bash
# Times `obs parse --parse combined` (access-log lines to NDJSON) and `obs aggregate --parse
# combined` against DuckDB reading the same lines and regexp_extract-ing the eleven combined
# fields, side by side in one run, and prints medians and ratios (obs time / DuckDB time: below
# 1 means obs is faster). Both sides write their JSON to a file on the same disk.
#
#   scripts/compare-parse.sh [LINES]        default 4600000 lines (about 0.8 GB)
#
# Installs what is missing: hyperfine from Debian's packages (needs root) and the DuckDB command
# line (duckdb-cli from PyPI, run as its native binary: see duckdb-native.sh). Data and results
# go to $OBS_BENCH_DIR (default: a folder under ${TMPDIR:-/tmp}).
set -euo pipefail

lines=${1:-4600000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${OBS_BENCH_DIR:-${TMPDIR:-/tmp}/obs-bench}
mkdir -p "$work"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/obs/target}

command -v hyperfine >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; }
source "$root/scripts/duckdb-native.sh"
duckdb=$(duckdb_native)

(cd "$root" && cargo build -q --profile release-lto --bin obs --example gen_access)
obs=$CARGO_TARGET_DIR/release-lto/obs
data=$work/access-$lines.log
[ -s "$data" ] || "$CARGO_TARGET_DIR/release-lto/examples/gen_access" --lines "$lines" --seed 7 >"$data"
size=$(stat -L -c %s "$data")
echo "data: $data, $size bytes, $(nproc) CPUs" >&2

# The lines as one column (no delimiter, quote or escape can split them), then the eleven fields.
lines_sql="read_csv('$data', columns={'line': 'VARCHAR'}, delim=E'\\x01', quote='', escape='', header=false)"
re='^(\S+) (\S+) (\S+) \[([^\]]+)\] "(\S+) (\S+) HTTP/([^"]+)" (\d{3}) (\S+) "([^"]*)" "([^"]*)"'
names="['clientip','ident','auth','timestamp','verb','request','httpversion','response','bytes','referrer','agent']"
sql_json="COPY (SELECT unnest(regexp_extract(line, '$re', $names)) FROM $lines_sql) TO '$work/parse-duckdb.json' (FORMAT JSON)"
sql_agg="SELECT regexp_extract(line, '$re', 8) AS response, count(*) FROM $lines_sql GROUP BY 1"
printf '%s\n' "$sql_json" >"$work/parse-json.sql"
printf '%s\n' "$sql_agg" >"$work/parse-agg.sql"

hyperfine --style none --warmup 1 --runs 5 --export-json "$work/parse-json.json" \
  -n obs "$obs parse $data --parse combined -o $work/parse-obs.ndjson" \
  -n duckdb "$duckdb -f $work/parse-json.sql" >/dev/null
hyperfine --style none --warmup 1 --runs 5 --export-json "$work/parse-agg.json" \
  -n obs "$obs aggregate $data --parse combined --by response -f ndjson > $work/parse-agg-obs.out" \
  -n duckdb "$duckdb -f $work/parse-agg.sql" >/dev/null

# Both read every line, and agree on the counts.
n_obs=$(wc -l <"$work/parse-obs.ndjson"); n_duck=$(wc -l <"$work/parse-duckdb.json")
[ "$n_obs" = "$lines" ] && [ "$n_duck" = "$lines" ] || { echo "records: obs $n_obs, duckdb $n_duck, lines $lines" >&2; exit 1; }
obs_counts=$(python3 -c 'import json,sys; print(sorted((str(r["response"]),r["count"]) for r in map(json.loads,open(sys.argv[1]))))' "$work/parse-agg-obs.out")
duck_counts=$("$duckdb" -json -f "$work/parse-agg.sql" | python3 -c 'import json,sys; print(sorted((r["response"],r["count_star()"]) for r in json.load(sys.stdin)))')
[ "$obs_counts" = "$duck_counts" ] || { echo "counts differ: obs $obs_counts duckdb $duck_counts" >&2; exit 1; }

python3 - "$work" "$size" <<'PY' | tee "$work/parse-results.md"
import json, statistics, sys
work, size = sys.argv[1], int(sys.argv[2])
for title, name in [("combined lines to JSON", "parse-json"),
                    ("count by status from combined lines", "parse-agg")]:
    t = {r["command"]: statistics.median(r["times"]) for r in json.load(open(f"{work}/{name}.json"))["results"]}
    print(f"\n### {title} — {size/1e9:.2f} GB\n")
    print("| tool | median s | obs / tool |\n|---|---|---|")
    for tool, sec in sorted(t.items(), key=lambda kv: kv[1]):
        print(f"| {tool} | {sec:.3f} | {t['obs']/sec:.2f} |")
PY
