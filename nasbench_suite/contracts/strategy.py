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

A multi-objective strategy (``multi_objective = True``) searches two objectives at once: it gets a
:class:`ParetoTask`, whose look-ups return both values, and is scored by the hypervolume of the
front it found.

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
        self._start(table, np.asarray(table.targets[target], dtype=np.float64), (target,), budget, rng, goals)
        self.guide = guide

    def _start(
        self,
        table: BenchmarkTable,
        values: np.ndarray,
        hidden: Sequence[str],
        budget: int,
        rng: np.random.Generator,
        goals: Sequence[np.ndarray],
    ) -> None:
        self._table = table
        self._values = values
        self.archs: Architectures = table.archs
        for name in hidden:  # a target is no cost to read
            self.archs = self.archs.without_cost(name)
        #: True for the cells that have a value for the target: the cells a search may evaluate.
        self.has_value: np.ndarray = np.isfinite(values) if values.ndim == 1 else np.isfinite(values).all(axis=1)
        self.budget: int = min(int(budget), int(self.has_value.sum()))
        self.rng = rng
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
    def encoding(self) -> np.ndarray:
        """``(n, d)`` integers, one row per cell, in which one mutation of the space changes one column
        (the table's ``mutation_encoding``): what a crossover recombines. Read-only."""
        view = self._table._encoding.view()
        view.flags.writeable = False
        return view

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


class ParetoTask(SearchTask):
    """A search for the cells that trade off two objectives best (the Pareto front).

    :meth:`evaluate` returns an ``(n, 2)`` array: per cell its value of each objective, oriented so
    that larger is better (a minimised objective, such as latency, enters negated). A cell has a
    value when it has both. :attr:`guides` holds one guide per objective (for a strategy that uses a
    predictor): fit ``guides[k]`` on the evaluated cells and column ``k`` of their values.
    """

    def __init__(
        self,
        table: BenchmarkTable,
        objectives: Sequence[str],
        budget: int,
        rng: np.random.Generator,
        lower_is_better: Sequence[str] = (),
        guides: Sequence[Guide] = (),
        goals: Sequence[np.ndarray] = (),
    ) -> None:
        if len(objectives) != 2:
            raise StrategyError(f"a Pareto search takes two objectives (got {len(objectives)})")
        #: The objectives' names, in the order of the columns of the values.
        self.objectives: tuple[str, ...] = tuple(objectives)
        signs = [-1.0 if name in lower_is_better else 1.0 for name in objectives]
        values = np.column_stack([sign * np.asarray(table.targets[name], dtype=np.float64)
                                  for sign, name in zip(signs, objectives)])  # fmt: skip
        self._start(table, values, objectives, budget, rng, goals)
        self.guides: tuple[Guide, ...] = tuple(guides)
        self.guide = self.guides[0] if self.guides else None


def _repeats(cells: np.ndarray) -> np.ndarray:
    """True for every occurrence of a cell after its first one in ``cells``."""
    _, first = np.unique(cells, return_index=True)
    repeated = np.ones(len(cells), dtype=bool)
    repeated[first] = False
    return repeated


class SearchStrategy(Configurable, abc.ABC):
    """Base class of search-strategy plugins; ``__init__`` takes keyword options."""

    uses_predictor: ClassVar[bool] = False
    #: True for a strategy that searches two objectives at once: it gets a :class:`ParetoTask`.
    multi_objective: ClassVar[bool] = False
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
