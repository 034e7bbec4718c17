"""How the semi-supervised assessor scales with the unlabelled pool on NB101.

Fits ``ssa`` with 1,000 labelled cells and pools of 10,000 and 100,000 unlabelled cells, predicts
2,000 new cells, and reports wall time per stage and Kendall tau.

Usage: ``python benchmarks/ssa_scale.py [--pools 10000,100000] [--device cpu]``
"""

from __future__ import annotations

import argparse
import time

from nasbench_suite import FitContext
from nasbench_suite.metrics import kendall_tau
from nasbench_suite.registry import load_suite
from nasbench_suite.specs import Spec
from nasbench_suite.study.ranking import make_split


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pools", default="10000,100000")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    suite = load_suite()
    table = suite.table(Spec("nb101"))
    y = table.targets["val_accuracy"]
    cls = suite.predictor_class("ssa")
    print("| unlabelled | fit s | of which relation graph + GCN s | predict 2,000 s | Kendall τ |")
    print("|---|---|---|---|---|")
    for pool in (int(p) for p in args.pools.split(",")):
        split = make_split(table.indices_with("val_accuracy"), "nb101", 0, 1000, 2000, pool)
        predictor = cls(device=args.device)
        start = time.perf_counter()
        predictor.fit(table.archs[split.train], y[split.train], FitContext(table.archs[split.unlabelled]))
        fitted = time.perf_counter()
        scores = predictor.predict(table.archs[split.test])
        predicted = time.perf_counter()
        autoencoder_only = cls(device=args.device, gcn_epochs=0, use_graph=False)
        t0 = time.perf_counter()
        autoencoder_only.fit(table.archs[split.train], y[split.train], FitContext(table.archs[split.unlabelled]))
        graph_part = (fitted - start) - (time.perf_counter() - t0)
        tau = kendall_tau(y[split.test], scores)
        print(
            f"| {pool:,} | {fitted - start:.1f} | {graph_part:.1f} | {predicted - fitted:.2f} | {tau:.3f} |", flush=True
        )


if __name__ == "__main__":
    main()
