"""Local search (White et al., "Local search is state of the art for NAS benchmarks", 2021), alone
and guided by a predictor.

Both climb from the best cell found so far: its unevaluated one-mutation neighbours are evaluated
and the climb moves to the first one that beats it. On a local optimum (every neighbour evaluated,
none better) the climb restarts from a new cell.

* ``local-search``: neighbours in random order, ``batch`` of them at a time (all of them, by
  default: the best-improvement search of the paper), restarts from a random cell;
* ``predictor-local-search``: the guide, refitted every round, ranks the neighbours by an
  acquisition function (as the guided searches do) and ``batch`` of them are evaluated at a time, the
  best-ranked first; a restart starts from the best-ranked of ``restart_pool`` random unevaluated
  cells.
"""

from __future__ import annotations

import numpy as np

from nasbench_suite import ConfigError, SearchStrategy, SearchTask
from nbs_search.guided import AcquisitionOptions, check_option, positive_int, ranked_candidates


class LocalSearch(SearchStrategy):
    name = "local-search"
    description = "hill climbing over one-mutation neighbours, restarting at random on a local optimum"

    def __init__(self, batch: int = 0) -> None:
        self.batch = batch

    def validate(self) -> None:
        valid = isinstance(self.batch, int) and not isinstance(self.batch, bool) and self.batch >= 0
        check_option(self, "batch", valid, "0 (every neighbour) or a positive integer")

    def order(self, task: SearchTask, cells: np.ndarray) -> np.ndarray:
        """The order in which to evaluate ``cells`` (neighbours, or restart candidates)."""
        return task.rng.permutation(cells)

    def restart(self, task: SearchTask) -> int:
        """The cell a new climb starts from."""
        return int(task.random_unevaluated(1)[0])

    def start(self, task: SearchTask) -> tuple[int, float]:
        """The first climb's cell and its value (evaluated here)."""
        cell = self.restart(task)
        return cell, float(task.evaluate(cell)[0])

    def prepare(self, task: SearchTask) -> None:
        """Called before each step (a guided search refits its guide here)."""

    def search(self, task: SearchTask) -> None:
        self.validate()
        current, value = self.start(task)
        while True:  # evaluate() ends the search once the budget is spent or the outcome is settled
            self.prepare(task)
            open_cells = task.unevaluated()
            neighbours = np.array([c for c in task.neighbours(current) if open_cells[c]], dtype=np.int64)
            if len(neighbours) == 0:  # a local optimum: start a new climb
                current = self.restart(task)
                value = float(task.evaluate(current)[0])
                continue
            batch = self.batch or len(neighbours)
            chunk = self.order(task, neighbours)[: min(batch, task.remaining)]
            values = task.evaluate(chunk)
            if values.max() > value:
                current, value = int(chunk[int(np.argmax(values))]), float(values.max())


class PredictorLocalSearch(AcquisitionOptions, LocalSearch):
    name = "predictor-local-search"
    description = "local search over neighbours in predicted order, restarting at the best-predicted cell"
    uses_predictor = True

    def __init__(
        self,
        initial: int = 10,
        batch: int = 5,
        acquisition: str = "greedy",
        ensemble: int = 1,
        beta: float = 1.0,
        restart_pool: int = 100,
    ) -> None:
        self.initial = initial
        self.batch = batch
        self.acquisition = acquisition
        self.ensemble = ensemble
        self.beta = beta
        self.restart_pool = restart_pool

    def validate(self) -> None:
        check_option(self, "initial", positive_int(self.initial) and self.initial >= 2, "an integer >= 2")
        check_option(self, "batch", positive_int(self.batch), "a positive integer")
        check_option(self, "restart_pool", positive_int(self.restart_pool), "a positive integer")
        self._check_acquisition()

    def search(self, task: SearchTask) -> None:
        if task.guide is None:
            raise ConfigError(f"search strategy {self.name} needs a predictor (--predictor)")
        super().search(task)

    def start(self, task: SearchTask) -> tuple[int, float]:
        """A random initial design; the first climb starts at its best cell."""
        values = task.evaluate(task.random_unevaluated(min(self.initial, task.budget)))
        best = int(np.argmax(values))
        return int(task.evaluated[best]), float(values[best])

    def prepare(self, task: SearchTask) -> None:
        self.members_ = self.fitted(task)

    def order(self, task: SearchTask, cells: np.ndarray) -> np.ndarray:
        return ranked_candidates(task.guide, self.members_, cells, self.acquisition, self.beta, task.rng)

    def restart(self, task: SearchTask) -> int:
        return int(self.order(task, task.random_unevaluated(self.restart_pool))[0])
