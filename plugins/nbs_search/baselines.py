"""Search strategies that use no predictor: random search and regularized evolution."""

from __future__ import annotations

from collections import deque

import numpy as np

from nasbench_suite import BenchmarkTable, Predictor, SearchStrategy


class RandomSearch(SearchStrategy):
    """Evaluate cells uniformly at random, without replacement."""

    name = "random"
    description = "uniform random sampling without replacement (the SEG = 1 reference)"

    def __init__(self) -> None:
        pass

    def search(
        self,
        table: BenchmarkTable,
        target: str,
        budget: int,
        rng: np.random.Generator,
        predictor: Predictor | None = None,
    ) -> np.ndarray:
        pool = table.indices_with(target)
        return rng.permutation(pool)[:budget]


class RegularizedEvolution(SearchStrategy):
    """Aging evolution (Real et al., AAAI 2019): tournament selection, one-mutation children, the
    oldest member dies. Children already evaluated are replaced by another unvisited neighbour, or a
    random cell when the neighbourhood is exhausted, so every look-up is a new cell."""

    name = "evolution"
    description = "regularized (aging) evolution over one-mutation neighbours"

    def __init__(self, population: int = 50, tournament: int = 10) -> None:
        self.population = population
        self.tournament = tournament

    def search(
        self,
        table: BenchmarkTable,
        target: str,
        budget: int,
        rng: np.random.Generator,
        predictor: Predictor | None = None,
    ) -> np.ndarray:
        values = table.targets[target]
        pool = table.indices_with(target)
        order = list(rng.permutation(pool)[: min(self.population, budget)])
        seen = set(order)
        alive = deque(order)
        while len(order) < min(budget, len(pool)) and not self.finished(order):
            contestants = rng.choice(len(alive), size=min(self.tournament, len(alive)), replace=False)
            parent = max((alive[k] for k in contestants), key=lambda cell: values[cell])
            children = [c for c in table.neighbours(int(parent)) if c not in seen and np.isfinite(values[c])]
            if children:
                child = int(rng.choice(children))
            else:
                child = int(rng.choice(np.setdiff1d(pool, np.fromiter(seen, dtype=np.int64))))
            order.append(child)
            seen.add(child)
            alive.append(child)
            if len(alive) > self.population:
                alive.popleft()
        return np.asarray(order, dtype=np.int64)
