"""Write one of a benchmark's per-cell metrics as a column file (``cell id, value``), the layout
``--benchmark NAME:columns=FILE`` joins, e.g. a cheap, low-fidelity estimate to fit a predictor to.

Usage: python tools/export_column.py nb201-cifar10 val_accuracy_12ep estimate_12ep \\
           studies/data/nb201-cifar10-12ep.csv.gz
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from nasbench_suite.registry import load_suite


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmark")
    parser.add_argument("metric", help="a target (or cost) of the benchmark's table")
    parser.add_argument("column", help="the column's name in the file")
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    table = load_suite().table(args.benchmark)
    values = table.targets.get(args.metric, table.archs.costs.get(args.metric))
    if values is None:
        raise SystemExit(f"{args.benchmark} has no metric {args.metric!r}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"arch": table.archs.ids, args.column: values}).to_csv(args.out, index=False)
    print(f"{len(table)} cells -> {args.out}")


if __name__ == "__main__":
    main()
