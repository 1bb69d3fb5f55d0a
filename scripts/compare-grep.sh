#!/usr/bin/env bash
# Times `obs grep` against peer tools on the same generated data, side by side in one run, and
# prints medians and ratios (obs time / peer time: below 1 means obs is faster).
#
#   scripts/compare-grep.sh [LINES]        default 1500000 lines (about 1.1 GB)
#
# Installs what is missing: ripgrep, jq and hyperfine from Debian's packages (needs root), the
# DuckDB command line from PyPI (run as its native binary: see duckdb-native.sh). hl and jaq are
# used when already on PATH. Data and results go to $OBS_BENCH_DIR (default: a folder under
# ${TMPDIR:-/tmp}); results also to $OBS_BENCH_DIR/grep-results.md.
set -euo pipefail

lines=${1:-1500000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${OBS_BENCH_DIR:-${TMPDIR:-/tmp}/obs-bench}
mkdir -p "$work"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/obs/target}

need_apt=()
for tool in rg:ripgrep jq:jq hyperfine:hyperfine; do
  command -v "${tool%%:*}" >/dev/null || need_apt+=("${tool##*:}")
done
if ((${#need_apt[@]})); then
  echo "installing ${need_apt[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
source "$root/scripts/duckdb-native.sh"
duckdb=$(duckdb_native)

(cd "$root" && cargo build -q --profile release-lto --bin obs --example gen_logs)
obs=$CARGO_TARGET_DIR/release-lto/obs
data=$work/logs-$lines.ndjson
if [ ! -s "$data" ]; then
  echo "generating $lines lines into $data" >&2
  "$CARGO_TARGET_DIR/release-lto/examples/gen_logs" --lines "$lines" --seed 11 --hours 24 >"$data"
fi
size=$(stat -L -c %s "$data")
echo "data: $data, $size bytes, $lines lines, $(nproc) CPUs" >&2

duck() { # duck WHERE OUT: the command that writes DuckDB's matching rows as NDJSON
  echo "$duckdb -c \"COPY (SELECT * FROM read_json('$data', format='newline_delimited') WHERE $1) TO '$2' (FORMAT JSON)\""
}

run() { # run NAME RUNS CMD...
  local name=$1 runs=$2; shift 2
  hyperfine --style none --warmup 1 --runs "$runs" --export-json "$work/$name.json" "$@" >/dev/null
}

out=$work/out
# 1. A selective field query: the raw-byte prefilter's case.
sel_args=(
  -n obs "$obs grep 'level=ERROR and service=payment-service' $data -o $out.obs"
  -n rg "rg '\"level\":\"ERROR\".*\"service\":\"payment-service\"' $data > $out.rg"
  -n duckdb "$(duck "level='ERROR' AND service='payment-service'" "$out.duck")"
)
command -v hl >/dev/null && sel_args+=(-n hl "hl -P --raw -q 'level=error' -q 'service=payment-service' $data > $out.hl")
command -v jaq >/dev/null && sel_args+=(-n jaq "jaq -c 'select(.level==\"ERROR\" and .service==\"payment-service\")' $data > $out.jaq")
run selective 5 "${sel_args[@]}"
run selective-jq 2 -n jq "jq -c 'select(.level==\"ERROR\" and .service==\"payment-service\")' $data > $out.jq"
n_obs=$(wc -l <"$out.obs"); n_rg=$(wc -l <"$out.rg"); n_jq=$(wc -l <"$out.jq")
[ "$n_obs" = "$n_rg" ] && [ "$n_obs" = "$n_jq" ] || { echo "result mismatch: obs $n_obs rg $n_rg jq $n_jq" >&2; exit 1; }

# 2. A query that must decode every line (most lines match).
all_args=(
  -n obs "$obs grep 'amount>100' $data -o $out.obs"
  -n duckdb "$(duck "amount>100" "$out.duck")"
)
command -v jaq >/dev/null && all_args+=(-n jaq "jaq -c 'select(.amount>100)' $data > $out.jaq")
run decode-all 5 "${all_args[@]}"
run decode-all-jq 2 -n jq "jq -c 'select(.amount>100)' $data > $out.jq"
n_obs=$(wc -l <"$out.obs"); n_jq=$(wc -l <"$out.jq")
[ "$n_obs" = "$n_jq" ] || { echo "result mismatch: obs $n_obs jq $n_jq" >&2; exit 1; }

# 3. Peak memory streaming a gzip file (the mapped-file case is page cache, not heap).
[ -s "$data.gz" ] || gzip -1 -c "$data" >"$data.gz"
peak_kb=$( { /usr/bin/time -f '%M' "$obs" grep -c 'amount>100' "$data.gz" >/dev/null; } 2>&1 | tail -1)
gz_s=$( { /usr/bin/time -f '%e' "$obs" grep -c 'level=ERROR and service=payment-service' "$data.gz" >/dev/null; } 2>&1 | tail -1)

python3 - "$work" "$size" "$peak_kb" "$gz_s" <<'PY' | tee "$work/grep-results.md"
import json, sys, statistics
work, size, peak_kb, gz_s = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def load(*names):
    res = {}
    for n in names:
        for r in json.load(open(f"{work}/{n}.json"))["results"]:
            res[r["command"]] = statistics.median(r["times"])
    return res
for title, names in [("level=ERROR and service=payment-service", ["selective", "selective-jq"]),
                     ("amount>100 (decodes every line)", ["decode-all", "decode-all-jq"])]:
    t = load(*names)
    o = t["obs"]
    print(f"\n### {title} — {size/1e9:.2f} GB\n")
    print("| tool | median s | GB/s | obs / tool |\n|---|---|---|---|")
    for name, sec in sorted(t.items(), key=lambda kv: kv[1]):
        print(f"| {name} | {sec:.3f} | {size/1e9/sec:.2f} | {o/sec:.2f} |")
print(f"\nobs grep -c 'amount>100' on the gzip file: peak RSS {peak_kb/1024:.0f} MiB; "
      f"selective query on the gzip file: {gz_s} s")
PY
