"""The task NASLib needs ~4 minutes and ~13 GB for (the team's figure for NASLib, not re-measured here):
score one XGBoost predictor on NB201 CIFAR-10 at three train sizes. This script runs the same task
through the suite's CLI in a fresh process and reports wall time, peak RSS and Kendall tau.

Two configurations run on identical paired splits: the suite's default ``onehot-xgb`` and
``onehot-xgb`` with NASLib's XGBoost defaults (500 rounds, learning rate 0.3, depth 6, no
subsampling), so the tau comparison is like for like.

Usage: ``python benchmarks/naslib_task.py [--seeds N] [--out results/benchmarks]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONFIGS = {
    "suite default": "onehot-xgb",
    "NASLib XGBoost defaults": "onehot-xgb:n_estimators=500,learning_rate=0.3,max_depth=6,subsample=1.0,"
    "colsample_bytree=1.0,min_child_weight=1.0",
}
TRAIN_SIZES = "10,100,1000"


def run_once(predictor: str, seeds: int, out: Path) -> dict:
    command = [
        sys.executable,
        "-m",
        "nasbench_suite",
        "run",
        "--benchmark",
        "nb201-cifar10",
        "--predictor",
        predictor,
        "--train-sizes",
        TRAIN_SIZES,
        "--seeds",
        str(seeds),
        "--device",
        "cpu",
        "--out",
        str(out),
    ]
    log = out / "stderr.log"
    start = time.perf_counter()
    with open(log, "wb") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own peak RSS
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{log.read_text()}")
    records = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    taus: dict[int, list[float]] = {}
    for record in records:
        taus.setdefault(record["train_size"], []).append(record["kendall_tau"])
    return {
        "seconds": seconds,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "runs": len(records),
        "test_size": records[0]["test_size"],
        "tau": {size: sum(v) / len(v) for size, v in sorted(taus.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--out", default="results/benchmarks")
    args = parser.parse_args()
    rows = []
    for label, predictor in CONFIGS.items():
        with tempfile.TemporaryDirectory() as tmp:
            result = run_once(predictor, args.seeds, Path(tmp))
        rows.append((label, result))
        print(label, json.dumps(result), flush=True)
    sizes = list(rows[0][1]["tau"])
    lines = [
        "# NASLib task: one XGBoost predictor on NB201 CIFAR-10 at three train sizes",
        "",
        f"Command: `python benchmarks/naslib_task.py --seeds {args.seeds}`. Each configuration is one fresh "
        f"`nasbench-suite run` process (train sizes {TRAIN_SIZES}, {args.seeds} seed(s), test on all "
        f"{rows[0][1]['test_size']} remaining cells); time and peak RSS cover the whole process, Python start-up "
        "and table loading included.",
        "",
        "| configuration | wall s | peak RSS MB | " + " | ".join(f"τ @ {s}" for s in sizes) + " |",
        "|---|---|---|" + "---|" * len(sizes),
    ]
    for label, r in rows:
        taus = " | ".join(f"{r['tau'][s]:.3f}" for s in sizes)
        lines.append(f"| {label} | {r['seconds']:.1f} | {r['peak_rss_mb']:.0f} | {taus} |")
    lines += [
        "",
        "NASLib reference (the team's measurement on this kind of machine, not re-run here): about 4 "
        "minutes and 13 GB for the same task.",
    ]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "naslib_task.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
