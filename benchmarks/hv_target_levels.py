"""How hard a Pareto search's hypervolume target is: random search's expected look-ups to reach
hypervolume ratios 0.99, 0.995 and 0.999, per NB201 table and device (test accuracy against each
device's latency or energy), and the share of the true front's hypervolume that its largest single
box covers. The default ``--hv-target`` (0.995) was chosen from this output on NB201 CIFAR-10; the
other tables show how far it carries.

Usage: python benchmarks/hv_target_levels.py nb201-cifar10 nb201-cifar100 nb201-imagenet16-120 [--repeats 100]
"""

from __future__ import annotations

import argparse

import numpy as np

from nasbench_suite import load_suite
from nasbench_suite.metrics import first_passages, hypervolume, pareto_mask, random_hypervolume_curves
from nasbench_suite.study.pareto import REFERENCE, normalise

DEVICES = ("edgegpu_latency", "pixel3_latency", "raspi4_latency", "fpga_energy")
LEVELS = (0.99, 0.995, 0.999)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("benchmarks", nargs="+", help="NB201 benchmark names")
    parser.add_argument("--repeats", type=int, default=100, help="random orders per table (default 100)")
    args = parser.parse_args()
    suite = load_suite()
    print(f"| table | objectives | front cells | largest box | random look-ups to {' / '.join(map(str, LEVELS))} |")
    print("|---|---|---|---|---|")
    for name in args.benchmarks:
        table = suite.table(name)
        for device in DEVICES:
            values = np.column_stack([table.targets["test_accuracy"], table.targets[device]])
            scaled = normalise(values, np.array([1.0, -1.0]))
            points = scaled.points[scaled.cells]
            front = points[pareto_mask(points)]
            total = hypervolume(front, REFERENCE)
            box = max((x - REFERENCE[0]) * (y - REFERENCE[1]) for x, y in front) / total
            curves = random_hypervolume_curves(points, REFERENCE, args.repeats) / total
            lookups = " / ".join(f"{first_passages(curves, level).mean():,.0f}" for level in LEVELS)
            print(f"| {name} | test_accuracy vs {device} | {len(front)} | {box:.0%} | {lookups} |")


if __name__ == "__main__":
    main()
