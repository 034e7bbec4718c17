"""The search-strategy contract.

A strategy decides which cells to evaluate (look up in the table), one at a time, within a
budget. It returns the cell indices in the order it evaluated them; the harness derives anytime
curves and the sample-efficiency gain from that order.

A strategy may also check :meth:`SearchStrategy.finished` between rounds and stop early: the harness
turns it true once the target set and the best cell have both been evaluated, after which nothing
it records can change (first hits are known and the best-so-far curve stays flat). This only saves
time; a strategy that never checks it runs to its budget with the same results.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from nasbench_suite.benchmark import BenchmarkTable
from nasbench_suite.predictor import Predictor


class SearchStrategy(abc.ABC):
    """Base class of search-strategy plugins; ``__init__`` takes keyword hyper-parameters."""

    name: ClassVar[str]
    description: ClassVar[str] = ""
    uses_predictor: ClassVar[bool] = False
    _stop_goals: tuple[np.ndarray, ...] = ()

    def stop_when_reached(self, *goals: np.ndarray) -> None:
        """Called by the harness before :meth:`search`: :meth:`finished` turns true once a cell of
        every goal set has been evaluated."""
        self._stop_goals = tuple(np.asarray(goal) for goal in goals)

    def finished(self, order: Sequence[int] | np.ndarray) -> bool:
        """Whether the search may end after evaluating ``order`` (see the module docstring)."""
        if not self._stop_goals:
            return False
        evaluated = np.asarray(order)
        return all(np.isin(goal, evaluated).any() for goal in self._stop_goals)

    @abc.abstractmethod
    def search(
        self,
        table: BenchmarkTable,
        target: str,
        budget: int,
        rng: np.random.Generator,
        predictor: Predictor | None = None,
    ) -> np.ndarray:
        """Return the indices of the evaluated cells, in evaluation order (at most ``budget``)."""
