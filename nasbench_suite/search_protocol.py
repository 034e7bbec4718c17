"""Run a search strategy under one protocol and record how fast it finds the best cells.

A search run evaluates (looks up) cells of a benchmark table in the order its strategy chooses,
within a budget. The record holds the number of look-ups until the first cell of the target set
(the top ``top_fraction`` of cells by true value) and until the global best, whether each was
reached, the expected number for random search, and the anytime curve (best value so far after
each look-up; it ends early when the strategy stopped at the best cell, after which it is flat).
The sample-efficiency gain is computed from these records by the leaderboard.
"""

from __future__ import annotations

import json
import math
import platform
import traceback
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

import numpy as np

import nasbench_suite
from nasbench_suite.errors import ConfigError, PredictorError
from nasbench_suite.measure import measured
from nasbench_suite.metrics import expected_random_evaluations
from nasbench_suite.protocol import Suite, plugin_provenance, run_rng
from nasbench_suite.search import SearchStrategy
from nasbench_suite.specs import Spec

#: Default target set: the top 0.1% of cells.
DEFAULT_TOP_FRACTION = 0.001


@dataclass(frozen=True)
class SearchConfig:
    """Everything that defines one search run; :meth:`key` identifies it for resuming."""

    benchmark: str
    target: str
    strategy: str
    predictor: str | None
    budget: int
    seed: int
    top_fraction: float = DEFAULT_TOP_FRACTION
    device: str = "cpu"

    def key(self) -> str:
        return json.dumps({"kind": "search", **asdict(self)}, sort_keys=True)


def target_set(values: np.ndarray, top_fraction: float) -> np.ndarray:
    """Indices of the ``ceil(top_fraction * n)`` best cells with a value (at least one)."""
    finite = np.flatnonzero(np.isfinite(values))
    size = max(1, math.ceil(top_fraction * len(finite)))
    return finite[np.argsort(-values[finite], kind="stable")[:size]]


def check_order(order: object, values: np.ndarray, budget: int) -> np.ndarray:
    """Enforce the search contract: distinct, valid cells with a value, at most ``budget``."""
    order = np.asarray(order)
    if order.ndim != 1 or (len(order) and not np.issubdtype(order.dtype, np.integer)):
        raise PredictorError("search must return a 1-d array of cell indices")
    if len(order) > budget:
        raise PredictorError(f"search evaluated {len(order)} cells; the budget is {budget}")
    if len(order) and (order.min() < 0 or order.max() >= len(values)):
        raise PredictorError("search returned cell indices outside the table")
    if len(np.unique(order)) != len(order):
        raise PredictorError("search evaluated a cell twice")
    if not np.all(np.isfinite(values[order])):
        raise PredictorError("search evaluated cells without a value for the target")
    return order.astype(np.int64)


def first_hit(order: np.ndarray, cells: np.ndarray) -> int | None:
    """1-based look-up at which ``order`` first reaches one of ``cells`` (``None`` if never)."""
    hits = np.flatnonzero(np.isin(order, cells))
    return int(hits[0]) + 1 if len(hits) else None


class SearchSuite:
    """Resolves strategy specs and executes search runs on a :class:`Suite`'s tables and predictors."""

    def __init__(self, suite: Suite) -> None:
        self.suite = suite

    def strategy_class(self, name: str) -> type[SearchStrategy]:
        return self.suite.registry.strategies.get(name).cls

    def build_strategy(self, spec: Spec) -> SearchStrategy:
        try:
            return self.strategy_class(spec.name)(**spec.options)
        except TypeError as exc:
            raise ConfigError(f"search strategy {spec.name}: invalid options {spec.options} ({exc})") from None

    def execute(
        self, config: SearchConfig, benchmark: Spec, strategy_spec: Spec, predictor_spec: Spec | None
    ) -> dict[str, Any]:
        """Run one search; a failing strategy or predictor is recorded with status ``error``."""
        registry = self.suite.registry
        record = search_record_header(config)
        record |= {
            "plugins": {
                "strategy": plugin_provenance(registry.strategies.get(strategy_spec.name)),
                "predictor": plugin_provenance(registry.predictors.get(predictor_spec.name))
                if predictor_spec
                else None,
            },
        }
        table = self.suite.table(benchmark)
        values = table.targets[config.target]
        top = target_set(values, config.top_fraction)
        best = np.flatnonzero(values == np.nanmax(values))  # every cell tied at the best value
        space = int(np.isfinite(values).sum())
        record.update(
            space_size=space,
            target_size=len(top),
            best_size=len(best),
            expected_random_to_target=expected_random_evaluations(space, len(top)),
            expected_random_to_best=expected_random_evaluations(space, len(best)),
        )
        rng = run_rng(config.seed, config.benchmark)
        try:
            strategy = self.build_strategy(strategy_spec)
            strategy.stop_when_reached(top, best)
            predictor = (
                self.suite.build_predictor(predictor_spec, config.seed, config.device) if predictor_spec else None
            )
            with measured() as cost:
                order = strategy.search(table, config.target, config.budget, rng, predictor)
            order = check_order(order, values, config.budget)
        except Exception as exc:  # a failing plugin is recorded and isolated
            record.update(
                status="error",
                error=f"search {strategy_spec} failed: {type(exc).__name__}: {exc}",
                traceback="".join(traceback.format_exception(exc)[-6:]),
            )
        else:
            to_target, to_best = first_hit(order, top), first_hit(order, best)
            curve = np.maximum.accumulate(values[order]) if len(order) else np.array([])
            record.update(
                status="ok",
                error=None,
                evaluations=len(order),
                stopped_early=len(order) < config.budget and to_target is not None and to_best is not None,
                lookups_to_target=to_target if to_target is not None else config.budget,
                reached_target=to_target is not None,
                lookups_to_best=to_best if to_best is not None else config.budget,
                reached_best=to_best is not None,
                best_found=float(curve[-1]) if len(curve) else None,
                best_value=float(values[best[0]]),
                curve=[round(float(v), 5) for v in curve],
                seconds=cost.seconds,
                peak_rss_mb=cost.peak_rss_mb,
            )
        record["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        return record


def search_record_header(config: SearchConfig) -> dict[str, Any]:
    return {
        "key": config.key(),
        "kind": "search",
        **asdict(config),
        "suite_version": nasbench_suite.__version__,
        "python": platform.python_version(),
    }


def search_failure_record(config: SearchConfig, error: str) -> dict[str, Any]:
    """The record of a search that failed outside its plugins (timed out, worker died, ...)."""
    finished = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return {**search_record_header(config), "status": "error", "error": error, "finished_at": finished}
