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

from nasbench_suite import ConfigError, SearchStrategy, SearchTask

#: ``(task, evaluated cells by decreasing value, size) -> candidates`` (unevaluated cells)
Proposer = Callable[[SearchTask, np.ndarray, int], np.ndarray]


def mutation_proposer(task: SearchTask, ranked: np.ndarray, size: int) -> np.ndarray:
    """Unevaluated one-mutation neighbours of the best evaluated cells, best parents first."""
    open_cells = task.unevaluated()
    chosen: list[int] = []
    taken = np.zeros(len(task), dtype=bool)
    for parent in ranked:
        for cell in task.rng.permutation(task.neighbours(int(parent))):
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

    def validate(self) -> None:
        if not isinstance(self.initial, int) or self.initial < 2:
            raise ConfigError(f"search strategy {self.name}: initial must be an integer >= 2 (got {self.initial!r})")
        if not isinstance(self.batch, int) or self.batch < 1:
            raise ConfigError(f"search strategy {self.name}: batch must be a positive integer (got {self.batch!r})")
        if not self.subset > 0:
            raise ConfigError(f"search strategy {self.name}: subset must be positive (got {self.subset!r})")

    @abc.abstractmethod
    def candidates(self, task: SearchTask, ranked: np.ndarray) -> np.ndarray:
        """Unevaluated cells to score this round."""

    def subset_size(self, task: SearchTask) -> int:
        size = int(round(self.subset * len(task))) if self.subset < 1 else int(self.subset)
        return max(size, self.batch)

    def search(self, task: SearchTask) -> None:
        if task.guide is None:
            raise ConfigError(f"search strategy {self.name} needs a predictor (--predictor)")
        self.validate()
        task.evaluate(task.random_unevaluated(min(self.initial, task.budget)))
        while not task.finished:
            evaluated, values = task.evaluated, task.evaluated_values
            fitted = task.guide.fit(evaluated, values)
            ranked = evaluated[np.argsort(-values, kind="stable")]
            pool = self.candidates(task, ranked)
            take = min(self.batch, task.remaining)
            if len(pool) <= take:
                picked = pool
            else:
                picked = pool[np.argsort(-task.guide.score(fitted, pool), kind="stable")[:take]]
            if len(picked) == 0:  # nothing left to propose: fall back to random unevaluated cells
                picked = task.random_unevaluated(take)
            task.evaluate(picked)


class FullSpaceSearch(PredictorGuidedSearch):
    name = "predictor-full"
    description = "predictor-guided search scoring every unevaluated cell each round"

    def candidates(self, task: SearchTask, ranked: np.ndarray) -> np.ndarray:
        return np.flatnonzero(task.unevaluated())


class RandomSubsetSearch(PredictorGuidedSearch):
    name = "predictor-random-subset"
    description = "predictor-guided search scoring a uniformly random subset each round"

    def candidates(self, task: SearchTask, ranked: np.ndarray) -> np.ndarray:
        return task.random_unevaluated(self.subset_size(task))


class SmartSubsetSearch(PredictorGuidedSearch):
    name = "predictor-smart-subset"
    description = "predictor-guided search scoring neighbours of the best cells, topped up at random"

    def __init__(self, initial: int = 10, batch: int = 10, subset: float = 0.01, proposer: str = "mutation") -> None:
        super().__init__(initial, batch, subset)
        self.proposer = proposer

    def validate(self) -> None:
        super().validate()
        if self.proposer not in PROPOSERS:
            raise ConfigError(f"proposer: expected one of {', '.join(PROPOSERS)} (got {self.proposer!r})")

    def candidates(self, task: SearchTask, ranked: np.ndarray) -> np.ndarray:
        size = min(self.subset_size(task), int(task.unevaluated().sum()))
        proposed = PROPOSERS[self.proposer](task, ranked, size)
        if len(proposed) < size:
            rest = task.unevaluated()
            rest[proposed] = False
            pool = np.flatnonzero(rest)
            extra = task.rng.choice(pool, size=min(size - len(proposed), len(pool)), replace=False)
            proposed = np.concatenate([proposed, extra])
        return proposed
