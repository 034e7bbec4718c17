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
from typing import TYPE_CHECKING

import numpy as np

from nasbench_suite.contracts.architectures import Architectures
from nasbench_suite.contracts.benchmark import Benchmark, BenchmarkTable
from nasbench_suite.contracts.context import LEGACY_CONTEXT
from nasbench_suite.contracts.predictor import FitContext, Predictor
from nasbench_suite.contracts.strategy import SearchStrategy, SearchTask
from nasbench_suite.deprecation import warn
from nasbench_suite.errors import StrategyError

if TYPE_CHECKING:
    from nasbench_suite.contracts.context import SuiteContext


def loads_without_context(benchmark_class: type[Benchmark]) -> bool:
    """Whether a benchmark class's ``load`` is the 0.1.0 form ``load(self)``."""
    return len(inspect.signature(benchmark_class.load).parameters) == 1


def returns_search_order(strategy_class: type[SearchStrategy]) -> bool:
    """Whether a strategy class's ``search`` is the 0.1.0 form ``search(self, table, target, budget,
    rng, predictor=None)`` rather than ``search(self, task)``."""
    return list(inspect.signature(strategy_class.search).parameters)[1:2] != ["task"]


def class_uses(cls: type) -> list[str]:
    """Keys of the deprecated contract forms a plugin class uses (what shows without running it)."""
    if issubclass(cls, Benchmark) and loads_without_context(cls):
        return ["benchmark_load_without_context"]
    if issubclass(cls, SearchStrategy) and returns_search_order(cls):
        return ["search_returning_order"]
    return []


def _who(kind: str, instance: object) -> str:
    cls = type(instance)
    return f"{kind} {getattr(cls, 'name', '?')} ({cls.__module__}.{cls.__qualname__})"


def load_table(benchmark: Benchmark, context: SuiteContext) -> BenchmarkTable:
    """``benchmark.load(context)``; the 0.1.0 form ``load()`` with a warning, and with ``context`` as
    the one its deprecated ``benchmark_table``/``network_builder`` calls use."""
    if not loads_without_context(type(benchmark)):
        return benchmark.load(context)
    warn("benchmark_load_without_context", _who("benchmark", benchmark), once=True, at=type(benchmark).load)
    token = LEGACY_CONTEXT.set(context)
    try:
        return benchmark.load()
    finally:
        LEGACY_CONTEXT.reset(token)


def run_search(
    strategy: SearchStrategy, task: SearchTask, table: BenchmarkTable, target: str, context: SuiteContext
) -> None:
    """Run ``strategy`` on ``task``. A 0.1.0 strategy gets the table, the stopping goals behind its
    ``self.finished(order)`` and a fresh copy of the guiding predictor whose ``fit`` brings the run's
    context when called without one (as 0.1.0 strategies call it); the order it returns is then looked
    up through the task, with the checks every strategy's look-ups get."""
    if not returns_search_order(type(strategy)):
        strategy.search(task)
        return
    warn("search_returning_order", _who("search strategy", strategy), once=True, at=type(strategy).search)
    strategy._stop_goals = task.goals
    predictor = None
    if task.guide is not None:
        predictor = _fitted_with_context(task.guide.predictor.clone(), context)
        if not task.guide.needs_labels and task.guide.sign < 0:  # a fixed prior of a minimised target
            predictor = _turned_round(predictor)
    token = LEGACY_CONTEXT.set(context)
    try:
        order = strategy.search(table, target, task.budget, task.rng, predictor)
    finally:
        LEGACY_CONTEXT.reset(token)
    try:
        task.evaluate(np.asarray(order))
    except StrategyError as exc:
        raise StrategyError(f"the order returned by the 0.1.0-style search() breaks the contract: {exc}") from None


def _turned_round(predictor: Predictor) -> Predictor:
    """``predictor`` with its predictions negated (a label-free predictor of a target the search
    minimises, as the 0.1.0 strategy maximises what it is given)."""
    predict = predictor.predict
    predictor.predict = lambda archs: -np.asarray(predict(archs), dtype=np.float64)  # type: ignore[method-assign]
    return predictor


def _fitted_with_context(predictor: Predictor, context: SuiteContext) -> Predictor:
    """``predictor``, whose ``fit(archs, y)`` without a context gets ``FitContext(suite=context)``."""
    fit = predictor.fit

    def fit_with_context(
        archs: Architectures, y: np.ndarray | None, context_given: FitContext | None = None
    ) -> Predictor:
        return fit(archs, y, context_given if context_given is not None else FitContext(suite=context))

    predictor.fit = fit_with_context  # type: ignore[method-assign]
    return predictor
