"""What a search meets at the top of each table: how flat the top is, how the target set lies in the
one-mutation graph, and how well a guide fitted on a few random cells tells the top cells apart.

Written to answer why predictor-guided search with greedy defaults lost to regularized evolution on
NB201 CIFAR-10 test accuracy but not on tables of the same kind (docs/methods/search.md). Per
benchmark, at its default target (``nasbench-suite benchmarks``):

* ``|T|``: the target set, the top 0.1% of cells (at least one); ``tied@best``: cells tied at the best;
* ``top gap``: best value minus the worst value in T, as a share of best minus median (a flat top has
  a small gap: the target set is a sliver of the distribution);
* ``decoys/|T|``: cells within one top gap below T, per cell of T (what a ranking must see past);
* ``T parts``: connected parts of T in the one-mutation graph, and the share of T within two
  mutations of the best cell;
* ``FDC``: the fitness-distance correlation (Jones & Forrest, 1995), values against mutation
  distance to the best cell, over every cell (-1: values fall steadily away from the best);
* with the guide fitted on ``--labels`` random cells (``--repeats`` draws): ``tau@1%`` (Kendall tau
  among the top 1% of cells: can it order the top?), ``P@|T|`` (share of its top |T| predictions in
  T) and ``rank(best)`` (median rank of the best cell among its predictions of every cell).

Usage: python benchmarks/search_landscape.py nb201-cifar10 nb201-cifar100 nb101 [--guide graf-xgb]
Output: one markdown table (committed as results/search-defaults/landscape.md).
"""

from __future__ import annotations

import argparse
import math

import numpy as np
from scipy.stats import kendalltau

from nasbench_suite import BenchmarkTable, FitContext, load_suite
from nasbench_suite.registry import Suite
from nasbench_suite.specs import parse_spec


def distances_from(table: BenchmarkTable, start: int) -> np.ndarray:
    """Mutation distance from cell ``start`` to every cell (-1: unreachable), breadth first over the
    table's one-mutation neighbours."""
    distance = np.full(len(table), -1, dtype=np.int64)
    distance[start] = 0
    layer, depth = [start], 0
    while layer:
        depth += 1
        following = []
        for cell in layer:
            fresh = [int(other) for other in table.neighbours(cell) if distance[other] < 0]
            distance[fresh] = depth
            following.extend(fresh)
        layer = following
    return distance


def parts(table: BenchmarkTable, cells: np.ndarray) -> int:
    """Connected parts of ``cells`` in the one-mutation graph restricted to them."""
    inside, seen, count = set(cells.tolist()), set(), 0
    for cell in inside:
        if cell in seen:
            continue
        count += 1
        stack = [cell]
        seen.add(cell)
        while stack:
            for other in table.neighbours(stack.pop()):
                if int(other) in inside and int(other) not in seen:
                    seen.add(int(other))
                    stack.append(int(other))
    return count


def guide_quality(suite: Suite, table: BenchmarkTable, values: np.ndarray, top: np.ndarray, guide: str, labels: int,
                  repeats: int) -> tuple[float, float, float]:  # fmt: skip
    """Mean Kendall tau among the top 1% of cells, mean precision at |T| and median rank of the best
    cell, of ``guide`` fitted on ``labels`` random cells, over ``repeats`` draws."""
    finite = np.flatnonzero(np.isfinite(values))
    top_percent = finite[np.argsort(-values[finite])[: max(1, math.ceil(0.01 * len(finite)))]]
    best = finite[np.argmax(values[finite])]
    taus, precisions, ranks = [], [], []
    for seed in range(repeats):
        rng = np.random.default_rng([seed, 7])
        train = rng.choice(finite, size=labels, replace=False)
        predictor = suite.predictor(guide, seed)
        predictor.fit(table.archs[train], values[train], FitContext(suite=suite))
        scores = np.asarray(predictor.predict(table.archs[finite]), dtype=np.float64)
        by_cell = dict(zip(finite.tolist(), scores.tolist()))
        taus.append(kendalltau([by_cell[c] for c in top_percent], values[top_percent]).statistic)
        predicted_top = finite[np.argsort(-scores)[: len(top)]]
        precisions.append(np.isin(predicted_top, top).mean())
        ranks.append(int((scores > by_cell[int(best)]).sum()) + 1)
    return float(np.mean(taus)), float(np.mean(precisions)), float(np.median(ranks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("benchmarks", nargs="+")
    parser.add_argument("--guide", default="graf-xgb", help="predictor fitted on random cells (default graf-xgb)")
    parser.add_argument("--labels", type=int, default=100, help="random cells it is fitted on (default 100)")
    parser.add_argument("--repeats", type=int, default=5, help="random draws of those cells (default 5)")
    args = parser.parse_args()
    suite = load_suite()
    print(f"Guide: {args.guide} fitted on {args.labels} random cells, {args.repeats} draws.\n")
    print(
        "| benchmark | target | cells | \\|T\\| | tied@best | top gap | decoys/\\|T\\| | T parts | T within 2 "
        "of best | FDC | tau@1% | P@\\|T\\| | rank(best) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name in args.benchmarks:
        spec, target = suite.resolve_benchmark(parse_spec(name, "benchmark"))
        table = suite.table(spec)
        values = np.asarray(table.targets[target], dtype=np.float64)
        if suite.minimises(spec, target):
            values = -values
        finite = np.flatnonzero(np.isfinite(values))
        order = finite[np.argsort(-values[finite], kind="stable")]
        top = order[: max(1, math.ceil(0.001 * len(finite)))]
        best_value, floor = values[order[0]], values[top[-1]]
        gap = best_value - floor
        decoys = int(((values[finite] < floor) & (values[finite] >= floor - gap)).sum())
        distance = distances_from(table, int(order[0]))
        reachable = finite[distance[finite] >= 0]
        fdc = float(np.corrcoef(values[reachable], distance[reachable])[0, 1])
        tau, precision, rank = guide_quality(suite, table, values, top, args.guide, args.labels, args.repeats)
        print(
            f"| {name} | {target} | {len(finite):,} | {len(top)} | {int((values[finite] == best_value).sum())} "
            f"| {gap / (best_value - np.median(values[finite])):.3f} | {decoys / len(top):.1f} | {parts(table, top)} "
            f"| {np.mean(distance[top] <= 2):.0%} | {fdc:.2f} | {tau:.2f} | {precision:.2f} | {rank:,.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
