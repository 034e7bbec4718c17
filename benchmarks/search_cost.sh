#!/usr/bin/env bash
# What the recommended guided search costs at its defaults: the wall time of
# `nasbench-suite search --strategy bananas` (GRAF-XGB guide, 20 seeds, 1,000 look-ups, 2 workers) on
# a benchmark, from a fresh results folder, and the search's own seconds per run from the records.
# The target on NB201 CIFAR-10: under 10 minutes on a 2-core machine.
# Usage: bash benchmarks/search_cost.sh [BENCHMARK ...]   (default nb201-cifar10)
set -euo pipefail
[ $# -gt 0 ] || set -- nb201-cifar10
echo "| benchmark | seeds | wall time (s) | search s/run: mean | max | cores |"
echo "|---|---|---|---|---|---|"
for benchmark in "$@"; do
  out=$(mktemp -d)
  start=$(date +%s.%N)
  nasbench-suite search --benchmark "$benchmark" --strategy bananas --predictor graf-xgb --seeds 20 --jobs 2 \
    --out "$out" > /dev/null 2> "$out.log" || { cat "$out.log" >&2; exit 1; }
  end=$(date +%s.%N)
  python - "$out/records.jsonl" "$benchmark" "$start" "$end" <<'PY'
import json, os, sys
path, benchmark, start, end = sys.argv[1:]
seconds = [json.loads(line)["seconds"] for line in open(path)]
print(f"| {benchmark} | {len(seconds)} | {float(end) - float(start):.0f} | {sum(seconds) / len(seconds):.1f} "
      f"| {max(seconds):.1f} | {os.cpu_count()} |")
PY
  rm -rf "$out" "$out.log"
done
