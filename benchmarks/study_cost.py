"""What a finished study cost: per results directory, the number of runs and the sum of their fit and
predict seconds (ranking) or search seconds, in core-minutes, and that sum divided by the number of
workers (a lower bound on the wall time with ``--jobs N``, loading and planning aside).

Usage: ``python benchmarks/study_cost.py [--jobs 2] RESULTS_DIR...``
"""

from __future__ import annotations

import argparse
from pathlib import Path

from nasbench_suite.study.records import load_records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    print(f"| results | runs | core-minutes (fit + predict) | minutes on {args.jobs} workers |")
    print("|---|---|---|---|")
    for folder in args.folders:
        records = [r for r in load_records([folder]) if r.get("status") == "ok"]
        seconds = sum((r.get("fit_seconds") or 0) + (r.get("predict_seconds") or 0) + (r.get("seconds") or 0)
                      for r in records)  # fmt: skip
        print(f"| {folder.as_posix()} | {len(records):,} | {seconds / 60:.0f} | {seconds / 60 / args.jobs:.0f} |")


if __name__ == "__main__":
    main()
