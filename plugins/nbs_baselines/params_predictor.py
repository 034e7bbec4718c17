"""``param-count``: the parameter count as a score (bigger networks tend to be more accurate)."""

from __future__ import annotations

import numpy as np

from nasbench_suite import Architectures, FitContext, Predictor


class ParamsPredictor(Predictor):
    name = "param-count"
    description = "the network's parameter count, from the benchmark table (no training)"
    needs = frozenset({"cost:params"})
    fast = True

    def __init__(self) -> None:
        pass

    def fit(self, archs: Architectures, y: np.ndarray | None, context: FitContext | None = None) -> ParamsPredictor:
        self.fitted_ = True
        return self

    def predict(self, archs: Architectures) -> np.ndarray:
        return np.asarray(archs.costs["params"], dtype=np.float64).copy()
