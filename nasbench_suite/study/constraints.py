"""Constraints of a search: ``--constraint edgegpu_latency<=5`` searches only the cells whose
``edgegpu_latency`` is at most 5 (best accuracy under a latency budget).

A constraint's metric is a target or a cost of the benchmark's table, known for every cell without a
look-up (as HW-NAS-Bench's latency tables are meant to be used): the cells that break it, or have no
value for it, are left out of the search space, so the target set, the best cell, random search's
expectation and the sample-efficiency gain all refer to the feasible cells.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nasbench_suite.contracts.benchmark import BenchmarkTable
from nasbench_suite.errors import ConfigError

#: The comparisons a constraint may use.
OPERATORS: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
}
_CONSTRAINT = re.compile(r"^\s*(?P<metric>[^<>=\s]+)\s*(?P<op><=|>=|<|>)\s*(?P<bound>\S+)\s*$")


@dataclass(frozen=True)
class Constraint:
    """``metric op bound``, e.g. ``edgegpu_latency <= 5``; ``bound_text`` is the bound as written,
    so that the text (what records and run keys hold, parsed again by the job) keeps every digit."""

    metric: str
    op: str
    bound_text: str

    @property
    def bound(self) -> float:
        return float(self.bound_text)

    def __str__(self) -> str:
        return f"{self.metric}{self.op}{self.bound_text}"

    def feasible(self, table: BenchmarkTable) -> np.ndarray:
        """``(n,)`` bool: the cells that satisfy the constraint (never a cell without a value)."""
        values = metric_values(table, self.metric)
        with np.errstate(invalid="ignore"):
            return np.isfinite(values) & OPERATORS[self.op](values, self.bound)


def parse_constraint(text: str) -> Constraint:
    """``"edgegpu_latency<=5"`` -> :class:`Constraint`; a :class:`ConfigError` naming the form."""
    match = _CONSTRAINT.match(text)
    bound = _number(match["bound"]) if match else None
    if match is None or bound is None or not np.isfinite(bound):
        raise ConfigError(
            f"--constraint {text!r}: expected METRIC OP NUMBER with OP one of {', '.join(OPERATORS)} "
            "(e.g. edgegpu_latency<=5)"
        )
    return Constraint(match["metric"], match["op"], match["bound"])


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def metric_values(table: BenchmarkTable, metric: str) -> np.ndarray:
    """A target's or a cost's values per cell (a ``KeyError`` when the table has neither)."""
    if metric in table.targets:
        return np.asarray(table.targets[metric], dtype=np.float64)
    return np.asarray(table.archs.costs[metric], dtype=np.float64)


def check_constraint(constraint: Constraint, table: BenchmarkTable, benchmark: str, target: str) -> int:
    """The number of cells that satisfy ``constraint`` and have ``target``; a :class:`ConfigError`
    when the table lacks the metric or no cell satisfies it."""
    metrics = sorted({*table.targets, *table.archs.costs})
    if constraint.metric not in table.targets and constraint.metric not in table.archs.costs:
        raise ConfigError(
            f"--constraint {constraint}: benchmark {benchmark} has no metric {constraint.metric!r}; "
            f"expected one of {', '.join(metrics)}"
        )
    feasible = constraint.feasible(table) & np.isfinite(table.targets[target])
    if not feasible.any():
        values = metric_values(table, constraint.metric)
        finite = values[np.isfinite(values)]
        span = f"{finite.min():g} to {finite.max():g}" if len(finite) else "no values"
        raise ConfigError(
            f"--constraint {constraint}: no cell of benchmark {benchmark} with target {target!r} satisfies it "
            f"({constraint.metric} ranges from {span})"
        )
    return int(feasible.sum())
