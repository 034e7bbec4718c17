"""The search-strategy contract.

A strategy decides which cells to evaluate (look up in the table), within a budget of look-ups.
It sees the cells and their graphs but never a value it has not paid for: it calls
:meth:`SearchTask.evaluate` with the cells it wants and gets their values back, and the harness
records the order of the look-ups, from which it derives the anytime curve and the
sample-efficiency gain. So a strategy is honest by construction, and its contract is checked at
each call: a cell evaluated twice, a cell without a value, or a request past the budget is a
:class:`~nasbench_suite.errors.StrategyError` that fails the run.

The search ends when :meth:`SearchStrategy.search` returns, or as soon as nothing recorded could
change any more: once the budget is spent, or once the target set and the best cell have both
been evaluated (the harness's stopping goals), the next :meth:`SearchTask.evaluate` ends the
search for the strategy. A strategy that does costly work between look-ups (fitting a predictor)
may check :attr:`SearchTask.finished` first.

Strategies that use a predictor (``uses_predictor = True``) get it as :attr:`SearchTask.guide`
(:class:`~nasbench_suite.contracts.guide.Guide`), which fits and scores it with what the predictor
needs (an unlabelled pool, the suite's context), as one model or a bootstrap ensemble.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from nasbench_suite.contracts.architectures import Architectures
from nasbench_suite.contracts.benchmark import BenchmarkTable
from nasbench_suite.contracts.configurable import Configurable
from nasbench_suite.deprecation import warn
from nasbench_suite.errors import StrategyError

if TYPE_CHECKING:
    from nasbench_suite.contracts.guide import Guide


class SearchFinished(BaseException):
    """Raised by :meth:`SearchTask.evaluate` to end a search whose outcome is settled (a
    ``BaseException``, so a strategy's ``except Exception`` does not swallow it)."""


class SearchTask:
    """One search as its strategy sees it: the table's cells, a budget, and paid look-ups."""

    def __init__(
        self,
        table: BenchmarkTable,
        target: str,
        budget: int,
        rng: np.random.Generator,
        guide: Guide | None = None,
        goals: Sequence[np.ndarray] = (),
    ) -> None:
        self._table = table
        self._values = np.asarray(table.targets[target], dtype=np.float64)
        self.archs: Architectures = table.archs.without_cost(target)  # the target is no cost to read
        #: True for the cells that have a value for the target: the cells a search may evaluate.
        self.has_value: np.ndarray = np.isfinite(self._values)
        self.budget: int = min(int(budget), int(self.has_value.sum()))
        self.rng = rng
        self.guide = guide
        self._goals = [np.asarray(goal, dtype=np.int64) for goal in goals]
        self._order: list[int] = []
        self._evaluated = np.zeros(len(table), dtype=bool)

    def __len__(self) -> int:
        """Cells in the table."""
        return len(self.archs)

    @property
    def evaluated(self) -> np.ndarray:
        """Indices of the evaluated cells, in evaluation order."""
        return np.asarray(self._order, dtype=np.int64)

    @property
    def evaluated_values(self) -> np.ndarray:
        """The values of :attr:`evaluated`, in the same order."""
        return self._values[self.evaluated]

    @property
    def goals(self) -> tuple[np.ndarray, ...]:
        """The harness's stopping goals (the target set and the best cells): once a cell of each has
        been evaluated, the search's outcome is settled."""
        return tuple(self._goals)

    @property
    def remaining(self) -> int:
        """Look-ups left in the budget."""
        return self.budget - len(self._order)

    def unevaluated(self) -> np.ndarray:
        """Boolean mask of the cells that have a value and have not been evaluated yet."""
        return self.has_value & ~self._evaluated

    def neighbours(self, index: int) -> np.ndarray:
        """Cells that differ from cell ``index`` by one mutation of the space."""
        return self._table.neighbours(int(index))

    @property
    def finished(self) -> bool:
        """Whether the search's outcome is settled: the budget is spent, or every goal set has been
        reached (the next :meth:`evaluate` ends the search)."""
        if self.remaining <= 0:
            return True
        return bool(self._goals) and all(self._evaluated[goal].any() for goal in self._goals)

    def evaluate(self, cells: Sequence[int] | np.ndarray | int) -> np.ndarray:
        """Look up ``cells`` (in this order) and return their values; each look-up is recorded."""
        if self.finished:
            raise SearchFinished
        cells = np.atleast_1d(np.asarray(cells))
        if cells.ndim != 1 or (len(cells) and not np.issubdtype(cells.dtype, np.integer)):
            raise StrategyError(f"evaluate() takes cell indices (got an array of {cells.dtype}, shape {cells.shape})")
        cells = cells.astype(np.int64)
        if len(cells) and (cells.min() < 0 or cells.max() >= len(self)):
            raise StrategyError(f"evaluate() was given cell indices outside the table (0..{len(self) - 1})")
        if len(cells) > self.remaining:
            raise StrategyError(
                f"evaluate() asked for {len(cells)} cells with {self.remaining} look-ups left of the budget "
                f"{self.budget}"
            )
        if not self.has_value[cells].all():
            raise StrategyError(
                f"evaluate() was given cell {int(cells[~self.has_value[cells]][0])}, which has no value"
            )
        repeated = self._evaluated[cells] | _repeats(cells)
        if repeated.any():
            raise StrategyError(f"cell {int(cells[repeated][0])} was evaluated twice")
        self._evaluated[cells] = True
        self._order.extend(cells.tolist())
        return self._values[cells]

    def random_unevaluated(self, size: int) -> np.ndarray:
        """``size`` distinct unevaluated cells with a value, drawn uniformly with :attr:`rng`."""
        pool = np.flatnonzero(self.unevaluated())
        return self.rng.choice(pool, size=min(size, len(pool)), replace=False)


def _repeats(cells: np.ndarray) -> np.ndarray:
    """True for every occurrence of a cell after its first one in ``cells``."""
    _, first = np.unique(cells, return_index=True)
    repeated = np.ones(len(cells), dtype=bool)
    repeated[first] = False
    return repeated


class SearchStrategy(Configurable, abc.ABC):
    """Base class of search-strategy plugins; ``__init__`` takes keyword options."""

    uses_predictor: ClassVar[bool] = False
    kind_label = "search strategy"
    _stop_goals: tuple[np.ndarray, ...] = ()

    @abc.abstractmethod
    def search(self, task: SearchTask) -> None:
        """Evaluate cells with ``task.evaluate`` until the budget is spent or the strategy is done."""

    def stop_when_reached(self, *goals: np.ndarray) -> None:
        """Deprecated since 0.2.0 (the 0.1.0 stopping protocol): the harness stops a search itself."""
        warn("strategy_finished")
        self._stop_goals = tuple(np.asarray(goal) for goal in goals)

    def finished(self, order: Sequence[int] | np.ndarray) -> bool:
        """Deprecated since 0.2.0: whether a 0.1.0 strategy's ``order`` has reached every stopping
        goal; check :attr:`SearchTask.finished` in ``search(self, task)`` instead."""
        warn("strategy_finished")
        evaluated = np.asarray(order)
        return bool(self._stop_goals) and all(np.isin(goal, evaluated).any() for goal in self._stop_goals)
