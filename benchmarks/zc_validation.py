"""Validate the live zero-cost proxies against NAS-Bench-Suite-Zero's recorded values.

Usage: ``python benchmarks/zc_validation.py --data PATH [--cells 200] [--timing-cells 10] [--device cpu]
[--out results/zc]``

Scores a fixed, seeded sample of NB201 CIFAR-10 cells (of the 9,445 recorded ones) with every
proxy through the registered proxy predictors (``source=live``, default network, batch 64, seed 0),
then reports per proxy: the rank correlation of our scores with the recorded ones, and Kendall tau
against the 200-epoch validation accuracy, ours and recorded, side by side. Scores land in the proxy
cache, so a re-run only renders the table. Throughput is timed separately, without the cache, on the
first ``--timing-cells`` cells of the sample.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from nasbench_suite import FitContext
from nasbench_suite.metrics import kendall_tau, spearman
from nasbench_suite.registry import load_suite

PROXIES = (
    "epe_nas", "fisher", "flops", "grad_norm", "grasp", "jacov", "l2_norm",
    "nwot", "params", "plain", "snip", "synflow", "zen",
)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="CIFAR-10 image folder, zip of one, or cifar-10-batches-py")
    parser.add_argument("--cells", type=int, default=200)
    parser.add_argument("--timing-cells", type=int, default=10)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--out", type=Path, default=Path("results/zc"))
    args = parser.parse_args()

    suite = load_suite()
    registry = suite.registry
    table = suite.table("nb201-cifar10-valid")
    context = FitContext(suite=suite)
    cells = np.sort(np.random.default_rng(0).choice(len(table), size=args.cells, replace=False))
    archs = table.archs[cells]
    accuracy = table.targets["val_accuracy"][cells]
    rows, scores = [], {"cell": archs.ids, "val_accuracy": accuracy}
    for proxy in PROXIES:
        cls = registry.predictors.get(proxy).cls
        predictor = cls(source="live", data=args.data, device=args.device, random_state=0)
        ours = predictor.fit(archs, None, context).predict(archs)
        timed = archs[: args.timing_cells]
        uncached = cls(source="live", data=args.data, device=args.device, random_state=0, cache=False)
        uncached.fit(timed, None, context).predict(timed[:1])  # warm-up: image batch, builder
        start = time.perf_counter()
        uncached.predict(timed)
        seconds = time.perf_counter() - start
        recorded = archs.costs[f"zc:{proxy}"]
        ok = (ours > -1e8) & (recorded > -1e8)
        scores[f"{proxy}"] = ours
        scores[f"{proxy}_recorded"] = recorded
        rows.append(
            {
                "proxy": proxy,
                "Spearman ours vs recorded": spearman(recorded[ok], ours[ok]),
                "Kendall ours vs recorded": kendall_tau(recorded[ok], ours[ok]),
                "τ vs accuracy (ours)": kendall_tau(accuracy[ok], ours[ok]),
                "τ vs accuracy (recorded)": kendall_tau(accuracy[ok], recorded[ok]),
                "failed (ours)": int((ours <= -1e8).sum()),
                "cells/s (uncached)": len(timed) / seconds,
            }
        )
        print(rows[-1], flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(scores).to_csv(args.out / "validation_scores.csv", index=False)
    report = pd.DataFrame(rows)
    table_md = report.to_markdown(index=False, floatfmt=".3f")
    rho = stats.spearmanr(report["τ vs accuracy (ours)"], report["τ vs accuracy (recorded)"]).statistic
    (args.out / "validation.md").write_text(
        f"# Live zero-cost proxies vs NAS-Bench-Suite-Zero's recorded values\n\n"
        f"{args.cells} NB201 CIFAR-10 cells (seeded sample of the 9,445 recorded), default network (C=16, N=5), "
        f"one batch of 64 CIFAR-10 training images, seed 0, device {args.device}.\n"
        f"Throughput: {args.timing_cells} cells scored without the cache. "
        f"Command: `python benchmarks/zc_validation.py --data {args.data} --cells {args.cells} "
        f"--timing-cells {args.timing_cells} --device {args.device}`\n\n"
        f"{table_md}\n\nSpearman correlation of the two τ-vs-accuracy columns over proxies: {rho:.3f}\n"
    )
    all_proxies = 1.0 / (1.0 / report["cells/s (uncached)"]).sum()
    with open(args.out / "validation.md", "a") as handle:
        handle.write(f"All 13 proxies of one cell, one after the other: {all_proxies:.3f} cells/s.\n")
    print(table_md)


if __name__ == "__main__":
    main()
