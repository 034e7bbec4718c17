"""Predictors that score a cell with one of the table's costs, without training.

* ``param-count``: the parameter count (bigger networks tend to be more accurate);
* ``supernet``: a weight-sharing supernet's own estimate, the raw row that ``gcn-fit`` is compared
  with (tables with the cost ``supernet``: ``nb101-oneshot``, ``nb201-supernet``).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from nasbench_suite import Architectures, FitContext, Predictor


class CostPredictor(Predictor):
    """Predicts ``archs.costs[cost]``; subclasses set ``name``, ``cost`` and ``needs``."""

    cost: ClassVar[str]
    fast = True

    def __init__(self) -> None:
        pass

    def fit(self, archs: Architectures, y: np.ndarray | None, context: FitContext | None = None) -> CostPredictor:
        self.fitted_ = True
        return self

    def predict(self, archs: Architectures) -> np.ndarray:
        return np.asarray(archs.costs[self.cost], dtype=np.float64).copy()


class ParamsPredictor(CostPredictor):
    name = "param-count"
    description = "the network's parameter count, from the benchmark table (no training)"
    cost = "params"
    needs = frozenset({"cost:params"})


class SupernetPredictor(CostPredictor):
    name = "supernet"
    description = "the supernet's one-shot estimate of each cell, from the table's 'supernet' cost (no training)"
    cost = "supernet"
    needs = frozenset({"cost:supernet"})
