"""The default suite (`nasbench-suite run`) on each executor: wall time, and whether every run's
metrics are identical to the in-process run's.

Usage: ``python benchmarks/executors_compare.py [--out results/executors] [--jobs 2]``
Writes ``<out>/<executor>/records.jsonl`` + ``leaderboard.md`` per executor and ``<out>/compare.md``.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

from nasbench_suite.study.records import load_records

METRICS = ("status", "kendall_tau", "spearman", "precision_at_10", "precision_at_100")


def metrics(directory: Path) -> dict[str, tuple]:
    return {r["key"]: tuple(r.get(m) for m in METRICS) for r in load_records([directory])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("results/executors"))
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    executors = {
        "in-process": [],
        "local-processes": ["--jobs", str(args.jobs)],
        "dask-localcluster": ["--scheduler", "local", "--jobs", str(args.jobs)],
    }
    rows, reference = [], None
    for name, options in executors.items():
        out = args.out / name
        shutil.rmtree(out, ignore_errors=True)
        command = ["nasbench-suite", "run", *options, "--out", str(out)]
        start = time.monotonic()
        subprocess.run([sys.executable, "-m", "nasbench_suite", *command[1:]], check=True, stdout=subprocess.DEVNULL)
        seconds = time.monotonic() - start
        found = metrics(out)
        reference = reference or found
        same = found == reference
        rows.append(f"| {name} | `{shlex.join(command)}` | {len(found)} | {seconds:.0f} | {'yes' if same else 'NO'} |")
        print(rows[-1], file=sys.stderr)
    text = (
        "# The default suite on each executor\n\n"
        f"Produced by `python benchmarks/executors_compare.py --out {args.out} --jobs {args.jobs}` "
        "(wall seconds of the whole command, worker start-up included).\n\n"
        "| executor | command | runs | wall s | metrics identical to in-process |\n|---|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n"
    )
    (args.out / "compare.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
