"""Search jobs: a strategy evaluates (looks up) cells of a benchmark table in the order it chooses,
within a budget, and the record says how fast it found the best cells.

The record holds the number of look-ups until the first cell of the target set (the top
``top_fraction`` of cells by true value) and until the global best, whether each was reached, the
exact expectation for random search, and the anytime curve (best value so far after each look-up;
it ends early when the search stopped at the best cell, after which it is flat). The
sample-efficiency gain is computed from these records by the leaderboard.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from nasbench_suite.contracts.benchmark import BenchmarkTable
from nasbench_suite.contracts.guide import FitFunction, Guide
from nasbench_suite.contracts.legacy import run_search
from nasbench_suite.contracts.predictor import FitContext, Predictor
from nasbench_suite.contracts.strategy import SearchFinished, SearchTask
from nasbench_suite.errors import PredictorError
from nasbench_suite.execution.measure import measured
from nasbench_suite.metrics import expected_random_evaluations
from nasbench_suite.registry.suite import Suite
from nasbench_suite.study.constraints import parse_constraint
from nasbench_suite.study.jobs import PluginRef, failed, header, key_of, now, plugin_provenance, run_rng

KIND = "search"
#: A guide that asks for unlabelled cells gets this many unevaluated cells per evaluated one.
GUIDE_UNLABELLED_FACTOR = 10


def target_set(values: np.ndarray, top_fraction: float) -> np.ndarray:
    """Indices of the ``ceil(top_fraction * n)`` best cells with a value (at least one)."""
    finite = np.flatnonzero(np.isfinite(values))
    size = max(1, math.ceil(top_fraction * len(finite)))
    return finite[np.argsort(-values[finite], kind="stable")[:size]]


def first_hit(order: np.ndarray, cells: np.ndarray) -> int | None:
    """1-based look-up at which ``order`` first reaches one of ``cells`` (``None`` if never)."""
    hits = np.flatnonzero(np.isin(order, cells))
    return int(hits[0]) + 1 if len(hits) else None


@dataclass(frozen=True)
class SearchJob:
    """One strategy (with its guiding predictor, if it uses one) searching one table."""

    benchmark: PluginRef
    target: str
    strategy: PluginRef
    predictor: PluginRef | None
    budget: int
    seed: int
    top_fraction: float
    device: str = "cpu"
    uses_gpu: bool = False
    #: ``metric<=bound`` etc. (:mod:`.constraints`): search only the cells that satisfy it.
    constraint: str | None = None
    kind: str = KIND

    def key(self) -> str:
        fields = {
            "kind": KIND,
            "benchmark": self.benchmark.identity,
            "target": self.target,
            "strategy": self.strategy.identity,
            "predictor": self.predictor.identity if self.predictor else None,
            "budget": self.budget,
            "seed": self.seed,
            "top_fraction": self.top_fraction,
            "device": self.device,
        }
        if self.constraint is not None:  # unconstrained searches keep the keys they always had
            fields["constraint"] = self.constraint
        return key_of(fields)

    def describe(self) -> str:
        using = f" with {self.predictor.label}" if self.predictor else ""
        under = f" under {self.constraint}" if self.constraint else ""
        return f"search {self.strategy.label}{using} on {self.benchmark.label}{under} (seed {self.seed})"

    def _refs(self) -> dict[str, PluginRef | None]:
        return {"benchmark": self.benchmark, "strategy": self.strategy, "predictor": self.predictor}

    def _header(self) -> dict[str, Any]:
        fields = {
            "target": self.target,
            "budget": self.budget,
            "seed": self.seed,
            "top_fraction": self.top_fraction,
            "device": self.device,
        }
        if self.constraint is not None:
            fields["constraint"] = self.constraint
        return header(KIND, self.key(), self._refs(), fields)

    def failure_record(self, error: str) -> dict[str, Any]:
        return {**self._header(), "status": "error", "error": error, "finished_at": now()}

    def run(self, suite: Suite) -> dict[str, Any]:
        """Run one search; a failing strategy or predictor is recorded with status ``error``."""
        record = self._header()
        record["plugins"] = plugin_provenance(suite, self._refs())
        table, sign = self._search_table(suite)
        record["lower_is_better"] = sign < 0
        values = table.targets[self.target]  # oriented: larger is better
        top = target_set(values, self.top_fraction)
        best = np.flatnonzero(values == np.nanmax(values))  # every cell tied at the best value
        space = int(np.isfinite(values).sum())
        record.update(
            space_size=space,
            target_size=len(top),
            best_size=len(best),
            expected_random_to_target=expected_random_evaluations(space, len(top)),
            expected_random_to_best=expected_random_evaluations(space, len(best)),
        )
        rng = run_rng(self.seed, self.benchmark.label)
        task = SearchTask(table, self.target, self.budget, rng, goals=(top, best))
        try:
            strategy = suite.strategy(self.strategy.spec)
            if self.predictor is not None:
                predictor = suite.build_predictor(self.predictor.spec, self.seed, self.device)
                fit = guide_fitter(suite, task, self.seed)
                task.guide = Guide(predictor, task.archs, fit, np.flatnonzero(task.has_value), sign)
            with measured() as cost, contextlib.suppress(SearchFinished):  # settled: nothing can change
                run_search(strategy, task, table, self.target, suite)  # table and values oriented by sign
        except Exception as exc:  # a failing plugin is recorded and isolated
            failed(record, f"search {self.strategy.label} failed: {type(exc).__name__}: {exc}", exc)
        else:
            order = task.evaluated
            to_target, to_best = first_hit(order, top), first_hit(order, best)
            curve = np.maximum.accumulate(values[order]) if len(order) else np.array([])
            record.update(
                status="ok",
                error=None,
                evaluations=len(order),
                stopped_early=len(order) < self.budget and to_target is not None and to_best is not None,
                lookups_to_target=to_target if to_target is not None else self.budget,
                reached_target=to_target is not None,
                lookups_to_best=to_best if to_best is not None else self.budget,
                reached_best=to_best is not None,
                best_found=float(sign * curve[-1]) if len(curve) else None,
                best_value=float(sign * values[best[0]]),
                curve=[round(float(sign * v), 5) for v in curve],
                seconds=cost.seconds,
                peak_rss_mb=cost.peak_rss_mb,
            )
        record["finished_at"] = now()
        return record

    def _search_table(self, suite: Suite) -> tuple[BenchmarkTable, float]:
        """The table as the search sees it, and the target's sign: a minimised target (latency)
        negated, so that larger is better, and the cells that break the constraint without a value."""
        table = suite.table(self.benchmark.spec)
        sign = -1.0 if suite.minimises(self.benchmark.spec, self.target) else 1.0
        if sign > 0 and self.constraint is None:
            return table, sign
        values = sign * np.asarray(table.targets[self.target], dtype=np.float64)
        if self.constraint is not None:
            values[~parse_constraint(self.constraint).feasible(table)] = np.nan
        return BenchmarkTable(table.archs, {self.target: values}, table.mutation_encoding), sign


def guide_fitter(suite: Suite, task: SearchTask, seed: int) -> FitFunction:
    """How the harness fits a guiding predictor: on evaluated cells and their values (no labels for
    a label-free predictor), with a seeded pool of unevaluated cells where it asks for one."""
    pool_rng = np.random.default_rng([seed, 1])

    def fit(predictor: Predictor, cells: np.ndarray, values: np.ndarray) -> Predictor:
        y = values if "labels" in predictor.needs else None
        unlabelled = None
        if "unlabelled" in predictor.needs:
            open_cells = np.flatnonzero(task.unevaluated())
            size = min(len(open_cells), GUIDE_UNLABELLED_FACTOR * len(cells))
            unlabelled = task.archs[np.sort(pool_rng.choice(open_cells, size=size, replace=False))]
        returned = predictor.fit(task.archs[cells], y, FitContext(unlabelled=unlabelled, suite=suite))
        if returned is not predictor:
            raise PredictorError(f"fit returned {type(returned).__name__}, expected self")
        return predictor

    return fit
