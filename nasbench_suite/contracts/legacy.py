"""The 0.1.0 forms of the plugin contracts, as the harness still runs them (deprecated; each warns
with its entry of :data:`nasbench_suite.deprecation.DEPRECATIONS`):

* a benchmark whose ``load(self)`` takes no context is loaded without one (:func:`load_table`);
* a strategy whose ``search(table, target, budget, rng, predictor=None)`` returns its order of
  look-ups is run by :func:`run_search`: the order is looked up through the task, so the harness
  checks the budget, repeats and cells without a value as it does for every strategy.

:func:`class_uses` tells which of these forms a plugin class uses, without running it.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

import numpy as np

from nasbench_suite.contracts.benchmark import Benchmark, BenchmarkTable
from nasbench_suite.contracts.strategy import SearchStrategy, SearchTask
from nasbench_suite.deprecation import warn

if TYPE_CHECKING:
    from nasbench_suite.contracts.context import SuiteContext


def takes_no_context(method: Any) -> bool:
    """Whether a bound ``load`` method takes no argument (the 0.1.0 form)."""
    return not inspect.signature(method).parameters


def returns_search_order(strategy_class: type) -> bool:
    """Whether a strategy class's ``search`` is the 0.1.0 form ``search(table, target, budget, rng,
    predictor=None)`` (the current one takes only the task)."""
    return len(list(inspect.signature(strategy_class.search).parameters)[1:]) >= 4


def class_uses(cls: type) -> list[str]:
    """Keys of the deprecated contract forms a plugin class uses (what shows without running it)."""
    if issubclass(cls, Benchmark) and len(inspect.signature(cls.load).parameters) == 1:
        return ["benchmark_load_without_context"]
    if issubclass(cls, SearchStrategy) and returns_search_order(cls):
        return ["search_returning_order"]
    return []


def _who(kind: str, instance: object) -> str:
    cls = type(instance)
    return f"{kind} {getattr(cls, 'name', '?')} ({cls.__module__}.{cls.__qualname__})"


def load_table(benchmark: Benchmark, context: SuiteContext) -> BenchmarkTable:
    """``benchmark.load(context)``, or ``benchmark.load()`` with a warning for the 0.1.0 form."""
    if takes_no_context(benchmark.load):
        warn("benchmark_load_without_context", _who("benchmark", benchmark), once=True, at=type(benchmark).load)
        return benchmark.load()
    return benchmark.load(context)


def run_search(strategy: SearchStrategy, task: SearchTask, table: BenchmarkTable, target: str) -> None:
    """Run ``strategy`` on ``task``; a 0.1.0 strategy gets the table, a fresh copy of the guiding
    predictor and the harness's stopping goals, and its returned order is looked up in one call."""
    if not returns_search_order(type(strategy)):
        strategy.search(task)
        return
    warn("search_returning_order", _who("search strategy", strategy), once=True, at=type(strategy).search)
    strategy._stop_goals = tuple(task._goals)
    predictor = task.guide.predictor.clone() if task.guide is not None else None
    order = strategy.search(table, target, task.budget, task.rng, predictor)
    task.evaluate(np.asarray(order).ravel())
