"""Pareto (multi-objective) search jobs: a strategy looks up cells of a benchmark table, each look-up
returning two objectives (e.g. accuracy and a device's latency), and the record says how much of
the table's true Pareto front it found, and how fast.

Both objectives are normalised to [0, 1] over the table's cells (oriented so that 1 is the best
value, a minimised objective turned round), and hypervolumes are measured from the reference point
``(-REFERENCE_MARGIN, -REFERENCE_MARGIN)``, just beyond the worst value of each objective, so that
the extreme cells of the front count. The record holds:

* the hypervolume ratio after each look-up (the anytime curve): the hypervolume of the cells found
  so far over the true front's (1 = the whole front found), computed exactly from the table;
* the look-ups until the ratio first reached ``hv_target`` (the run's budget where it never did),
  and random search's expectation for the same (``expected_random_to_hv_target``), from which the
  report computes the multi-objective sample-efficiency gain exactly as the single-objective one:
  E[look-ups random search needs] / mean look-ups of the strategy;
* ``random_to_final_hv``: the look-ups random search needs, in expectation, to reach the ratio the
  run ended with (the budget's worth of random search, in the strategy's currency);
* the front it found and the true front, in the objectives' own units (for the report's figures),
  and how many points of the true front it found (cells with identical values count as one point).

Random search's expectations are a Monte-Carlo estimate over :data:`RANDOM_REPEATS` seeded random
orders of the table's cells (each run to the end of the table, so every level is reached).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from nasbench_suite.contracts.guide import Guide
from nasbench_suite.contracts.strategy import ParetoTask, SearchFinished
from nasbench_suite.execution.measure import measured
from nasbench_suite.metrics import (
    first_passages,
    hypervolume,
    hypervolume_curve,
    pareto_mask,
    random_hypervolume_curves,
)
from nasbench_suite.registry.suite import Suite
from nasbench_suite.study.experiment import DEFAULT_HV_TARGET
from nasbench_suite.study.jobs import PluginRef, failed, header, key_of, now, plugin_provenance, run_rng
from nasbench_suite.study.searching import guide_fitter

KIND = "pareto"
#: The reference point lies this far (in normalised units) beyond the worst value of each objective.
REFERENCE_MARGIN = 0.1
REFERENCE = (-REFERENCE_MARGIN, -REFERENCE_MARGIN)
#: Random orders behind random search's expected look-ups.
RANDOM_REPEATS = 400
#: How the report names a pair of objectives (it stands where a search names its target).
OBJECTIVES_JOIN = " vs "


def objectives_text(objectives: tuple[str, ...]) -> str:
    """``test_accuracy vs edgegpu_latency``."""
    return OBJECTIVES_JOIN.join(objectives)


@dataclass(frozen=True)
class Normalised:
    """A table's two objectives, oriented (larger is better) and scaled to [0, 1] over its cells."""

    points: np.ndarray  # (n, 2), NaN rows for cells without both values
    low: np.ndarray  # (2,) oriented minimum of each objective
    span: np.ndarray  # (2,) oriented range
    signs: np.ndarray  # (2,) +1 maximised, -1 minimised

    @property
    def cells(self) -> np.ndarray:
        """The cells with both objectives."""
        return np.flatnonzero(np.isfinite(self.points).all(axis=1))

    def raw(self, points: np.ndarray) -> np.ndarray:
        """Normalised points back in the objectives' own units."""
        return (points * self.span + self.low) * self.signs


def normalise(values: np.ndarray, signs: np.ndarray) -> Normalised:
    oriented = values * signs
    finite = np.isfinite(oriented).all(axis=1)
    low, high = oriented[finite].min(axis=0), oriented[finite].max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    return Normalised((oriented - low) / span, low, span, signs)


@lru_cache(maxsize=4)
def _random_curves(points: bytes, front_hv: float) -> np.ndarray:
    """Random search's hypervolume-ratio curves over the cells whose normalised ``points`` (two
    float64 columns, as bytes) are given (cached per process: every job on one table and pair of
    objectives shares the curves, about 25 MB for NB201)."""
    array = np.frombuffer(points).reshape(-1, 2)
    return random_hypervolume_curves(array, REFERENCE, RANDOM_REPEATS, seed=0) / np.float32(front_hv)


@dataclass(frozen=True)
class ParetoSearchJob:
    """One multi-objective strategy (with its guiding predictor, if it uses one) on one table."""

    benchmark: PluginRef
    objectives: tuple[str, ...]
    lower_is_better: tuple[str, ...]
    strategy: PluginRef
    predictor: PluginRef | None
    budget: int
    seed: int
    hv_target: float = DEFAULT_HV_TARGET
    device: str = "cpu"
    uses_gpu: bool = False
    kind: str = KIND

    def key(self) -> str:
        return key_of(
            {
                "kind": KIND,
                "benchmark": self.benchmark.identity,
                "objectives": list(self.objectives),
                "strategy": self.strategy.identity,
                "predictor": self.predictor.identity if self.predictor else None,
                "budget": self.budget,
                "seed": self.seed,
                "hv_target": self.hv_target,
                "device": self.device,
            }
        )

    def describe(self) -> str:
        using = f" with {self.predictor.label}" if self.predictor else ""
        pair = objectives_text(self.objectives)
        return f"Pareto search {self.strategy.label}{using} on {self.benchmark.label}, {pair} (seed {self.seed})"

    def _refs(self) -> dict[str, PluginRef | None]:
        return {"benchmark": self.benchmark, "strategy": self.strategy, "predictor": self.predictor}

    def _header(self) -> dict[str, Any]:
        fields = {
            "target": objectives_text(self.objectives),
            "objectives": list(self.objectives),
            "lower_is_better": [name for name in self.objectives if name in self.lower_is_better],
            "budget": self.budget,
            "seed": self.seed,
            "hv_target": self.hv_target,
            "device": self.device,
        }
        return header(KIND, self.key(), self._refs(), fields)

    def failure_record(self, error: str) -> dict[str, Any]:
        return {**self._header(), "status": "error", "error": error, "finished_at": now()}

    def run(self, suite: Suite) -> dict[str, Any]:
        """Run one Pareto search; a failing strategy or predictor is recorded with status ``error``."""
        record = self._header()
        record["plugins"] = plugin_provenance(suite, self._refs())
        table = suite.table(self.benchmark.spec)
        signs = np.array([-1.0 if name in self.lower_is_better else 1.0 for name in self.objectives])
        values = np.column_stack([np.asarray(table.targets[name], dtype=np.float64) for name in self.objectives])
        scaled = normalise(values, signs)
        cells = scaled.cells
        front = cells[pareto_mask(scaled.points[cells])]
        # cells with identical values are one point of the front: finding any of them is enough
        _, point_of = np.unique(scaled.points[front], axis=0, return_inverse=True)
        points = [front[point_of.ravel() == k] for k in range(point_of.max() + 1)]
        front_hv = hypervolume(scaled.points[front], REFERENCE)
        random = _random_curves(np.ascontiguousarray(scaled.points[cells]).tobytes(), front_hv)
        record.update(
            space_size=len(cells),
            front_size=len(points),
            front_cells=len(front),
            reference=list(REFERENCE),
            random_repeats=RANDOM_REPEATS,
            expected_random_to_hv_target=float(first_passages(random, self.hv_target).mean()),
            true_front=[[round(float(v), 6) for v in row] for row in values[front]],
        )
        rng = run_rng(self.seed, self.benchmark.label)
        # stopping goals: every point of the true front (then the hypervolume cannot grow any more)
        task = ParetoTask(table, self.objectives, self.budget, rng, self.lower_is_better, goals=points)
        try:
            strategy = suite.strategy(self.strategy.spec)
            if self.predictor is not None:
                fit = guide_fitter(suite, task, self.seed)
                task.guides = tuple(
                    Guide(
                        suite.build_predictor(self.predictor.spec, self.seed, self.device), task.archs, fit, cells, sign
                    )
                    for sign in signs
                )
                task.guide = task.guides[0]
            with measured() as cost, contextlib.suppress(SearchFinished):
                strategy.search(task)
        except Exception as exc:  # a failing plugin is recorded and isolated
            failed(record, f"Pareto search {self.strategy.label} failed: {type(exc).__name__}: {exc}", exc)
        else:
            record.update(self._outcome(task.evaluated, scaled, points, front_hv, random, cost))
        record["finished_at"] = now()
        return record

    def _outcome(
        self,
        order: np.ndarray,
        scaled: Normalised,
        points: list[np.ndarray],
        front_hv: float,
        random: np.ndarray,
        cost: Any,
    ) -> dict[str, Any]:
        curve = hypervolume_curve(scaled.points[order], REFERENCE) / front_hv if len(order) else np.zeros(0)
        final = float(curve[-1]) if len(curve) else 0.0
        reached = bool(len(curve)) and final >= self.hv_target - 1e-9
        found = order[pareto_mask(scaled.points[order])] if len(order) else order
        return {
            "status": "ok",
            "error": None,
            "evaluations": len(order),
            "hv_ratio": final,
            "hv_curve": [round(float(v), 5) for v in curve],
            "reached_hv_target": reached,
            "lookups_to_hv_target": int(np.argmax(curve >= self.hv_target - 1e-9)) + 1 if reached else self.budget,
            "random_to_final_hv": float(first_passages(random, final).mean()),
            "front_found": sum(bool(np.isin(cells, order).any()) for cells in points),
            "found_front": [[round(float(v), 6) for v in row] for row in scaled.raw(scaled.points[found])],
            "seconds": cost.seconds,
            "peak_rss_mb": cost.peak_rss_mb,
        }
