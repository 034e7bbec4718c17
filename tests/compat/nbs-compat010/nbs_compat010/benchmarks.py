"""Benchmarks written against nasbench-suite 0.1.0: a subset of another plugin's table, and a
table read from this package's own CSV file."""

import csv
from pathlib import Path

import numpy as np

from nasbench_suite import Benchmark, BenchmarkTable, DataFileError, benchmark_table, from_lists

CELLS = Path(__file__).parent / "data" / "cells.csv"


class NB201Subset(Benchmark):
    """A fixed random subset of NAS-Bench-201 (CIFAR-10), drawn with the table's sampler."""

    name = "nb201-subset"
    description = "a seeded random subset of nb201-cifar10"
    targets = ("test_accuracy", "val_accuracy_12ep")
    default_target = "test_accuracy"

    def __init__(self, size: int = 3000, seed: int = 0) -> None:
        self.size = size
        self.seed = seed

    def load(self) -> BenchmarkTable:
        full = benchmark_table("nb201-cifar10")
        rows = np.sort(full.sample(self.size, np.random.default_rng(self.seed)))
        assert len(full.enumerate()) == len(full)
        return BenchmarkTable(archs=full.archs[rows], targets={name: full.targets[name][rows] for name in self.targets})


class CellsCSV(Benchmark):
    """NAS-Bench-201 cells and accuracies from a CSV file (the package's own, or ``path=``)."""

    name = "cells-csv"
    description = "NB201 cells from a CSV file: cell, adjacency, operations, test_accuracy"
    targets = ("test_accuracy",)
    default_target = "test_accuracy"

    def __init__(self, path: str = str(CELLS)) -> None:
        self.path = path

    def load(self) -> BenchmarkTable:
        try:
            with open(self.path, newline="") as handle:
                rows = list(csv.DictReader(handle))
        except OSError as exc:
            raise DataFileError(self.path, f"cannot read ({exc})") from None
        space = benchmark_table("nb201-cifar10").archs.space
        matrices, labels = [], []
        for row in rows:
            ops = row["operations"].split("|")
            bits = np.array([int(bit) for bit in row["adjacency"]], dtype=np.uint8)
            matrices.append(bits.reshape(len(ops), len(ops)))
            labels.append(ops)
        archs = from_lists(space, [row["cell"] for row in rows], matrices, labels)
        accuracy = np.array([float(row["test_accuracy"]) for row in rows])
        return BenchmarkTable(archs=archs, targets={"test_accuracy": accuracy})
