"""``supernet``: a weight-sharing supernet's own estimate as the score (the raw row that
``gcn-fit`` is compared with)."""

from __future__ import annotations

import numpy as np

from nasbench_suite import Architectures, FitContext, Predictor


class SupernetPredictor(Predictor):
    name = "supernet"
    description = "the supernet's one-shot estimate of each cell, from the table's 'supernet' cost (no training)"
    needs = frozenset({"cost:supernet"})
    fast = True

    def __init__(self) -> None:
        pass

    def fit(self, archs: Architectures, y: np.ndarray | None, context: FitContext | None = None) -> SupernetPredictor:
        self.fitted_ = True
        return self

    def predict(self, archs: Architectures) -> np.ndarray:
        return np.asarray(archs.costs["supernet"], dtype=np.float64).copy()
