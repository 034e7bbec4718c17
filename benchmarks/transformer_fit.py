"""How long the graph transformer (``gnn-transformer``, default options) takes to fit on a CPU.

Fits it on 1,563 NB201 CIFAR-10 cells (the largest train size of the TNASP protocol; the issue's
target is under 5 minutes) and on 4,236 NB101 cells, with one thread and with every core, predicts
every cell of the table, and prints a markdown table with the wall times and Kendall tau over every
cell (the TNASP protocol's test rule).

Usage: ``python benchmarks/transformer_fit.py [--device cpu] [--seed 0] [--out FILE]``
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import torch

from nasbench_suite.metrics import kendall_tau
from nasbench_suite.registry import load_suite
from nasbench_suite.specs import Spec
from nasbench_suite.study.ranking import make_split

CASES = (("nb201-cifar10", "test_accuracy", 1563), ("nb101", "test_accuracy", 4236))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="also write the table to this file")
    args = parser.parse_args()
    suite = load_suite()
    cores = os.cpu_count() or 1
    lines = [
        f"Machine: {platform.processor() or platform.machine()}, {cores} cores; torch {torch.__version__}; "
        f"device {args.device}; seed {args.seed}.",
        "",
        "| benchmark | labels | threads | fit s | predict every cell s | cells | Kendall τ (every cell) |",
        "|---|---|---|---|---|---|---|",
    ]
    for benchmark, target, size in CASES:
        table = suite.table(Spec(benchmark))
        pool = table.indices_with(target)
        split = make_split(pool, benchmark, args.seed, size, len(pool), test_every=True)
        y = table.targets[target]
        for threads in sorted({1, cores}):
            torch.set_num_threads(threads)
            predictor = suite.predictor("gnn-transformer", args.seed, args.device)
            start = time.perf_counter()
            predictor.fit(table.archs[split.train], y[split.train])
            fitted = time.perf_counter()
            scores = predictor.predict(table.archs[split.test])
            done = time.perf_counter()
            tau = kendall_tau(y[split.test], scores)
            lines.append(f"| {benchmark} | {size:,} | {threads} | {fitted - start:.1f} | {done - fitted:.1f} | "
                         f"{len(split.test):,} | {tau:.3f} |")  # fmt: skip
            print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text)


if __name__ == "__main__":
    main()
