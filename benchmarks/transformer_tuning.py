"""The tuning runs behind ``gnn-transformer``'s defaults: a tuning task that no report uses for its
verdicts (by default NB201 CIFAR-100 test accuracy, seeds 1000 and 1001), each option set fitted at
156 and 1,563 labels and scored on every other cell (``--test-size rest``).

Usage: ``python benchmarks/transformer_tuning.py "steps=1000" "steps=3000,rank_weight=0.0" "steps=3000"``
(each argument one option set; prints one line per seed and size); ``--benchmark``, ``--target``,
``--train-target``, ``--sizes`` and ``--seeds`` change the task. The committed output is
``results/published/transformer-tuning.md``.
"""

from __future__ import annotations

import argparse
import time

import torch

from nasbench_suite import kendall_tau, parse_options
from nasbench_suite.registry import load_suite
from nasbench_suite.specs import Spec
from nasbench_suite.study.ranking import labelled_cells, make_split


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("options", nargs="+", help="option sets, e.g. steps=3000,rank_weight=0.0")
    parser.add_argument("--benchmark", default="nb201-cifar100")
    parser.add_argument("--target", default="test_accuracy")
    parser.add_argument("--train-target", default="", help="label the training cells with this target")
    parser.add_argument("--sizes", default="156,1563")
    parser.add_argument("--seeds", default="1000,1001")
    args = parser.parse_args()
    torch.set_num_threads(1)
    suite = load_suite()
    table = suite.table(Spec(args.benchmark))
    pool = labelled_cells(table, args.target, args.train_target)
    y = table.targets[args.target]
    labels = table.targets[args.train_target] if args.train_target else y
    print("| options | seed | labels | Kendall τ (every other cell) | fit s |")
    print("|---|---|---|---|---|")
    for text in args.options:
        options = parse_options(text, "options")
        for seed in (int(seed) for seed in args.seeds.split(",")):
            for size in (int(size) for size in args.sizes.split(",")):
                split = make_split(pool, args.benchmark, seed, size, len(pool) - size, test_rest=True)
                predictor = suite.predictor(Spec("gnn-transformer", options), seed, "cpu")
                start = time.perf_counter()
                predictor.fit(table.archs[split.train], labels[split.train])
                seconds = time.perf_counter() - start
                tau = kendall_tau(y[split.test], predictor.predict(table.archs[split.test]))
                print(f"| {text} | {seed} | {size:,} | {tau:.4f} | {seconds:.1f} |", flush=True)


if __name__ == "__main__":
    main()
