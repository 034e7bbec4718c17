"""A paper's published figure, as data a plugin contributes (hook ``register_published_results``), so
that a report whose records follow the same protocol shows it beside the suite's measured rows.

A published result is one number from one table of one paper: a method's Kendall tau (or another
ranking metric) on a benchmark, at a number of training labels, under a split protocol. The report
matches it to measured runs by that protocol alone:

* ``benchmark`` (a name pattern, e.g. ``nb201-cifar10-valid``) and ``target`` of the runs;
* ``train_size``: the number of labelled cells, never a percentage (``1%`` is 4,236 labels in one
  protocol and 73 in another);
* ``train_pool``: labels drawn from a fixed pool of this many cells (the GATES protocol); 0 for none;
* ``test_cells``: ``None`` when the paper tests on every cell outside the training set (outside the
  training pool when there is one), ``"every"`` when it tests on every cell of the space, the
  training cells included (TNASP, NAR-Former, NN-Former, PINAT), else the size of its test set
  (White et al.'s 200).

Published rows are shown as published, with their source, and never ranked among measured rows:
the suite did not run them, and a paper's space may be larger than the table a run used
(``space_cells`` says how many cells the paper's space had, so a report can show both).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from nasbench_suite.metrics import CLAIM_METRICS

#: ``test_cells`` of a protocol that scores every cell, the training cells included.
EVERY = "every"


@dataclass(frozen=True)
class PublishedResult:
    """``method`` scored ``value`` on ``metric`` with ``train_size`` labels, as ``source`` reports."""

    method: str  # e.g. "NN-Former"
    source: str  # paper and table, e.g. "Xu et al., CVPR 2025, Table 2"
    protocol: str  # the protocol's short name, e.g. "NAR-Former (NB201, all remaining cells)"
    benchmark: str  # benchmark name pattern the runs must match
    target: str
    train_size: int
    value: float
    metric: str = "kendall_tau"
    train_pool: int = 0
    test_cells: int | str | None = None
    space_cells: int | None = None  # cells in the paper's space (None: not given)

    def __post_init__(self) -> None:
        where = f"published result of {self.method!r} ({self.source})"
        for name in ("method", "source", "protocol", "benchmark", "target"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{where}: {name} must be a non-empty string (got {value!r})")
        if self.metric not in CLAIM_METRICS:
            raise ValueError(f"{where}: metric must be one of {', '.join(CLAIM_METRICS)} (got {self.metric!r})")
        if not isinstance(self.value, (int, float)) or isinstance(self.value, bool) or not math.isfinite(self.value):
            raise ValueError(f"{where}: value must be a finite number (got {self.value!r})")
        for name in ("train_size", "train_pool", "test_cells", "space_cells"):
            value = getattr(self, name)
            minimum = 0 if name == "train_pool" else 1
            if (value is None and name in ("test_cells", "space_cells")) or (name == "test_cells" and value == EVERY):
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
                allowed = f"an integer >= {minimum}" + (f", {EVERY!r} or None" if name == "test_cells" else "")
                raise ValueError(f"{where}: {name} must be {allowed} (got {value!r})")
        if self.train_pool and self.train_size > self.train_pool:
            raise ValueError(f"{where}: train_size {self.train_size} exceeds the training pool {self.train_pool}")

    def split_text(self) -> str:
        """The split in words, e.g. ``73 labels from a pool of 7,290; test: every cell outside the pool``."""
        labels = f"{self.train_size:,} labels" + (f" from a pool of {self.train_pool:,}" if self.train_pool else "")
        outside = "the pool" if self.train_pool else "the training set"
        if self.test_cells == EVERY:
            test = "every cell, the training cells included"
        elif self.test_cells is None:
            test = f"every cell outside {outside}"
        else:
            test = f"{self.test_cells:,} cells"
        return f"{labels}; test: {test}"
