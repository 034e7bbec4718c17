"""Measure the inference latency of NB201 networks on this machine's CPU, as a per-cell column file.

For a seeded sample of NB201 cells, build each cell's default network (C=16, N=5), and time the
median of ``--repeats`` forward passes of one 32x32 image after ``--warmup`` passes, single-threaded.
The output is the layout ``--benchmark nb201-cifar10:columns=FILE`` reads: the cell string and a
``latency_ms`` column (plus the cell's parameter count, for reference). Run it on a quiet machine.

Usage: python benchmarks/measure_latency.py --cells 1000 --out results/latency/nb201_cpu_latency.csv
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from nasbench_suite.registry import load_suite


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("results/latency/nb201_cpu_latency.csv"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    suite = load_suite()
    table = suite.table("nb201-cifar10")
    builder = suite.network_builder("nb201")
    cells = np.sort(np.random.default_rng(args.seed).choice(len(table), size=args.cells, replace=False))
    image = torch.randn(1, 3, 32, 32)
    rows = []
    start = time.perf_counter()
    with torch.inference_mode():
        for index in cells:
            net = builder.build(table.archs, int(index), num_classes=10).eval()
            for _ in range(args.warmup):
                net(image)
            times = []
            for _ in range(args.repeats):
                begin = time.perf_counter()
                net(image)
                times.append(time.perf_counter() - begin)
            rows.append(
                {
                    "arch": table.archs.ids[index],
                    "latency_ms": round(1000 * float(np.median(times)), 4),
                    "params": int(table.archs.costs["params"][index]),
                }
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(args.out, index=False)
    print(
        f"{len(rows)} cells in {time.perf_counter() - start:.0f} s on {platform.processor() or platform.machine()} "
        f"(torch {torch.__version__}, 1 thread) -> {args.out}"
    )


if __name__ == "__main__":
    main()
