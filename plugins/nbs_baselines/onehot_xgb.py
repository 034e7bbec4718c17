"""``onehot-xgb``: the adjacency/one-hot encoding fed to an XGBoost regressor."""

from __future__ import annotations

import numpy as np
import xgboost

from nasbench_suite import Architectures, FitContext, Predictor


class OneHotXGB(Predictor):
    """XGBoost on the flattened upper-triangular adjacency plus one-hot node operations.

    Defaults follow common practice for small tabular problems; ``device`` is set by the harness
    (``cuda`` trains with XGBoost's GPU histogram method).
    """

    name = "onehot-xgb"
    description = "adjacency + one-hot operation encoding, XGBoost regressor"
    needs = frozenset({"labels", "device"})
    fast = True

    def __init__(
        self,
        n_estimators: int = 500,
        max_depth: int = 6,
        learning_rate: float = 0.05,
        subsample: float = 0.8,
        colsample_bytree: float = 0.8,
        min_child_weight: float = 1.0,
        n_jobs: int | None = None,
        random_state: int = 0,
        device: str = "cpu",
    ) -> None:
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.learning_rate = learning_rate
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.min_child_weight = min_child_weight
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.device = device

    def fit(self, archs: Architectures, y: np.ndarray | None, context: FitContext | None = None) -> OneHotXGB:
        self.model_ = xgboost.XGBRegressor(
            n_estimators=self.n_estimators,
            max_depth=self.max_depth,
            learning_rate=self.learning_rate,
            subsample=self.subsample,
            colsample_bytree=self.colsample_bytree,
            min_child_weight=self.min_child_weight,
            n_jobs=self.n_jobs,
            random_state=self.random_state,
            device=self.device,
            tree_method="hist",
        )
        self.model_.fit(archs.flat_encoding(), np.asarray(y, dtype=np.float64))
        return self

    def predict(self, archs: Architectures) -> np.ndarray:
        return self.model_.predict(archs.flat_encoding()).astype(np.float64)
