"""Writes the compatibility plugin's CSV fixture: 150 NAS-Bench-201 cells (CIFAR-10 test accuracy)
drawn with a fixed seed from the shipped table. Run once, from the repository root:
``python tests/compat/export_cells.py``; the file is committed and frozen with the plugin."""

import csv
from pathlib import Path

import numpy as np

from nasbench_suite import PAD, load_suite

OUT = Path(__file__).parent / "nbs-compat010" / "nbs_compat010" / "data" / "cells.csv"

table = load_suite().table("nb201-cifar10")
rows = np.sort(np.random.default_rng(2010).choice(len(table), size=150, replace=False))
space = table.archs.space
with open(OUT, "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["cell", "adjacency", "operations", "test_accuracy"])
    for row in rows:
        ops = [space.operations[op] for op in table.archs.operations[row] if op != PAD]
        bits = "".join(str(int(b)) for b in table.archs.adjacency[row][: len(ops), : len(ops)].ravel())
        writer.writerow([table.archs.ids[row], bits, "|".join(ops), f"{table.targets['test_accuracy'][row]:.4f}"])
