"""Search strategies that use no predictor: random search and regularized evolution."""

from __future__ import annotations

from collections import deque

import numpy as np

from nasbench_suite import SearchStrategy, SearchTask


class RandomSearch(SearchStrategy):
    """Evaluate cells uniformly at random, without replacement."""

    name = "random"
    description = "uniform random sampling without replacement (the SEG = 1 reference)"

    def search(self, task: SearchTask) -> None:
        task.evaluate(task.rng.permutation(np.flatnonzero(task.has_value))[: task.budget])


class RegularizedEvolution(SearchStrategy):
    """Aging evolution (Real et al., AAAI 2019): tournament selection, one-mutation children, the
    oldest member dies. Children already evaluated are replaced by another unvisited neighbour, or a
    random cell when the neighbourhood is exhausted, so every look-up is a new cell."""

    name = "evolution"
    description = "regularized (aging) evolution over one-mutation neighbours"

    def __init__(self, population: int = 50, tournament: int = 10) -> None:
        self.population = population
        self.tournament = tournament

    def search(self, task: SearchTask) -> None:
        first = task.rng.permutation(np.flatnonzero(task.has_value))[: min(self.population, task.budget)]
        alive = deque(zip(first.tolist(), task.evaluate(first).tolist()))
        while True:  # until the budget is spent or the outcome is settled (evaluate ends the search)
            contestants = task.rng.choice(len(alive), size=min(self.tournament, len(alive)), replace=False)
            parent = max((alive[k] for k in contestants), key=lambda member: member[1])[0]
            open_cells = task.unevaluated()
            children = [c for c in task.neighbours(parent) if open_cells[c]]
            child = int(task.rng.choice(children)) if children else int(task.rng.choice(np.flatnonzero(open_cells)))
            alive.append((child, float(task.evaluate(child)[0])))
            if len(alive) > self.population:
                alive.popleft()
