"""Predictor-guided search: fit the predictor on the cells evaluated so far, score candidates,
evaluate the best-scored ones, repeat (predictor-based NAS with subset scoring, Mauch et al., 2020).

Three candidate rules, one loop:

* ``predictor-full``: every unevaluated cell is scored each round;
* ``predictor-random-subset``: ``subset`` unevaluated cells drawn uniformly each round;
* ``predictor-smart-subset``: a subset proposed from the best cells evaluated so far (their
  one-mutation neighbourhoods, by default), topped up with random cells to ``subset`` cells. The
  proposal rule is pluggable: ``proposer=`` names an entry of :data:`PROPOSERS`.

``subset`` below 1 is a fraction of the table (0.01 = 1% of the cells).
"""

from __future__ import annotations

import abc
from collections.abc import Callable

import numpy as np

from nasbench_suite import BenchmarkTable, ConfigError, Predictor, SearchStrategy

#: ``(table, evaluated cells by decreasing accuracy, unevaluated mask, size, rng) -> candidates``
Proposer = Callable[[BenchmarkTable, np.ndarray, np.ndarray, int, np.random.Generator], np.ndarray]


def mutation_proposer(
    table: BenchmarkTable, ranked: np.ndarray, open_cells: np.ndarray, size: int, rng: np.random.Generator
) -> np.ndarray:
    """Unevaluated one-mutation neighbours of the best evaluated cells, best parents first."""
    chosen: list[int] = []
    taken = np.zeros(len(open_cells), dtype=bool)
    for parent in ranked:
        for cell in rng.permutation(table.neighbours(int(parent))):
            if open_cells[cell] and not taken[cell]:
                taken[cell] = True
                chosen.append(int(cell))
        if len(chosen) >= size:
            break
    return np.asarray(chosen[:size], dtype=np.int64)


#: Subset rules for ``predictor-smart-subset``; add an entry to offer another.
PROPOSERS: dict[str, Proposer] = {"mutation": mutation_proposer}


class PredictorGuidedSearch(SearchStrategy):
    """The shared loop; subclasses choose the candidates scored each round."""

    uses_predictor = True

    def __init__(self, initial: int = 10, batch: int = 10, subset: float = 0.01) -> None:
        self.initial = initial
        self.batch = batch
        self.subset = subset

    @abc.abstractmethod
    def candidates(
        self, table: BenchmarkTable, ranked: np.ndarray, open_cells: np.ndarray, rng: np.random.Generator
    ) -> np.ndarray:
        """Unevaluated cells to score this round."""

    def subset_size(self, table: BenchmarkTable) -> int:
        size = int(round(self.subset * len(table))) if self.subset < 1 else int(self.subset)
        return max(size, self.batch)

    def search(
        self,
        table: BenchmarkTable,
        target: str,
        budget: int,
        rng: np.random.Generator,
        predictor: Predictor | None = None,
    ) -> np.ndarray:
        if predictor is None:
            raise ConfigError(f"search strategy {self.name} needs a predictor (--predictor)")
        if self.initial < 2 or self.batch < 1:
            raise ConfigError(f"search strategy {self.name}: initial must be >= 2 and batch >= 1")
        values = table.targets[target]
        open_cells = np.isfinite(values)
        budget = min(budget, int(open_cells.sum()))
        order = list(rng.choice(np.flatnonzero(open_cells), size=min(self.initial, budget), replace=False))
        open_cells[order] = False
        while len(order) < budget and not self.finished(order):
            evaluated = np.asarray(order)
            predictor.fit(table.archs[evaluated], values[evaluated])
            ranked = evaluated[np.argsort(-values[evaluated], kind="stable")]
            pool = self.candidates(table, ranked, open_cells, rng)
            take = min(self.batch, budget - len(order))
            if len(pool) <= take:
                picked = pool
            else:
                scores = predictor.predict(table.archs[pool])
                picked = pool[np.argsort(-scores, kind="stable")[:take]]
            if len(picked) == 0:  # nothing left to propose: fall back to random unevaluated cells
                picked = rng.choice(np.flatnonzero(open_cells), size=take, replace=False)
            order.extend(int(c) for c in picked)
            open_cells[picked] = False
        return np.asarray(order, dtype=np.int64)


class FullSpaceSearch(PredictorGuidedSearch):
    name = "predictor-full"
    description = "predictor-guided search scoring every unevaluated cell each round"

    def candidates(
        self, table: BenchmarkTable, ranked: np.ndarray, open_cells: np.ndarray, rng: np.random.Generator
    ) -> np.ndarray:
        return np.flatnonzero(open_cells)


class RandomSubsetSearch(PredictorGuidedSearch):
    name = "predictor-random-subset"
    description = "predictor-guided search scoring a uniformly random subset each round"

    def candidates(
        self, table: BenchmarkTable, ranked: np.ndarray, open_cells: np.ndarray, rng: np.random.Generator
    ) -> np.ndarray:
        unevaluated = np.flatnonzero(open_cells)
        return rng.choice(unevaluated, size=min(self.subset_size(table), len(unevaluated)), replace=False)


class SmartSubsetSearch(PredictorGuidedSearch):
    name = "predictor-smart-subset"
    description = "predictor-guided search scoring neighbours of the best cells, topped up at random"

    def __init__(self, initial: int = 10, batch: int = 10, subset: float = 0.01, proposer: str = "mutation") -> None:
        super().__init__(initial, batch, subset)
        if proposer not in PROPOSERS:  # checked when the command is planned, before any search
            raise ConfigError(f"proposer: expected one of {', '.join(PROPOSERS)} (got {proposer!r})")
        self.proposer = proposer

    def candidates(
        self, table: BenchmarkTable, ranked: np.ndarray, open_cells: np.ndarray, rng: np.random.Generator
    ) -> np.ndarray:
        size = min(self.subset_size(table), int(open_cells.sum()))
        proposed = PROPOSERS[self.proposer](table, ranked, open_cells, size, rng)
        if len(proposed) < size:
            rest = open_cells.copy()
            rest[proposed] = False
            extra = rng.choice(np.flatnonzero(rest), size=min(size - len(proposed), int(rest.sum())), replace=False)
            proposed = np.concatenate([proposed, extra])
        return proposed
