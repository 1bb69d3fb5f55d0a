#!/usr/bin/env python3
"""Checks `obs parse --regex` against Loghub's ground truth: for each of its 16 datasets, the
dataset's log_format (as the header regex logparser's benchmark builds from it) parses the 2000
raw lines (each stripped of surrounding whitespace first, as logparser reads them), and
every header column and Content of `*_structured.csv` must come out equal, line
for line.

    scripts/diff-loghub.py OBS CORPUS/loghub

Loghub's licence keeps its files out of this repository, so CI runs this when the shared corpus
is beside the clone.
"""
import csv
import json
import subprocess
import sys
from pathlib import Path


def main() -> int:
    obs, root = sys.argv[1], Path(sys.argv[2])
    settings = json.loads((root / "benchmark_settings.json").read_text())
    failed = 0
    for name, s in sorted(settings.items()):
        log = root / s["log_file"]
        truth = list(csv.DictReader(open(f"{log}_structured.csv", newline="", encoding="utf-8")))
        # logparser matches each line stripped of surrounding whitespace; the same regex, let to
        # skip that whitespace, reads the lines as they are.
        regex = s["header_regex"]
        assert regex.startswith("^") and regex.endswith("$"), regex
        regex = r"^\s*" + regex[1:-1] + r"\s*$"
        run = subprocess.run(
            [obs, "parse", str(log), "--regex", regex, "--on-error", "skip", "-j", "2"],
            capture_output=True,
        )
        if run.returncode != 0:
            print(f"FAIL {name}: obs exited {run.returncode}: {run.stderr.decode()[:300]}")
            failed += 1
            continue
        got = [json.loads(l) for l in run.stdout.decode().splitlines()]
        bad = []
        if len(got) != len(truth):
            bad.append(f"{len(got)} records for {len(truth)} rows")
        for i, (g, t) in enumerate(zip(got, truth)):
            diff = [h for h in s["headers"] if g.get(h, "") != t[h]]
            if diff:
                bad.append(f"line {i + 1}: {diff[0]} {g.get(diff[0])!r} != {t[diff[0]]!r}")
        if bad:
            failed += 1
            print(f"FAIL {name}: {len(bad)} differences; first: {bad[0]}")
        else:
            print(f"ok   {name}: {len(got)}/{len(truth)} lines, {len(s['headers'])} columns equal")
    print(f"diff-loghub: {len(settings) - failed} of {len(settings)} datasets agree")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
