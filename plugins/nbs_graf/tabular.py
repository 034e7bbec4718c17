"""Tree-model regressors on a fixed-length encoding of each cell.

The shared machinery of the GRAF predictors and the one-hot baselines: a subclass says how to
encode cells (:meth:`TreeModelPredictor.encode`) and which regressor family it uses (XGBoost or a
scikit-learn random forest); this module fits, optionally tunes, and predicts.

``tuned=True`` replaces the fixed defaults with a randomised search (20 configurations, 3-fold
cross-validation on the training cells only, scored by Kendall tau); the test cells are never seen.

Encodings that depend on a cell's structure alone (``per_cell_encoding = True``: the one-hot and
GRAF encodings) are computed once per cell and process (:class:`EncodingCache`), so a search that
scores the same cells round after round, or an ensemble that scores them five times a round, does
not encode them again. A random forest also reports its own uncertainty, the spread of its trees'
predictions (``predict_with_std``), which guided searches use for their acquisition.
"""

from __future__ import annotations

import abc
import math
from typing import Any

import numpy as np
import xgboost
from scipy import stats
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import make_scorer
from sklearn.model_selection import KFold, RandomizedSearchCV

from nasbench_suite import Architectures, FitContext, Predictor, kendall_tau

SEARCH_ITERATIONS = 20
SEARCH_FOLDS = 3

XGB_SEARCH_SPACE = {
    "n_estimators": stats.randint(100, 1000),
    "max_depth": stats.randint(2, 10),
    "learning_rate": stats.loguniform(0.01, 0.3),
    "subsample": stats.uniform(0.5, 0.5),
    "colsample_bytree": stats.uniform(0.3, 0.7),
    "min_child_weight": stats.loguniform(0.5, 10),
}
RF_SEARCH_SPACE = {
    "n_estimators": stats.randint(100, 800),
    "max_depth": [None, 4, 8, 16],
    "max_features": stats.uniform(0.1, 0.9),
    "min_samples_leaf": stats.randint(1, 5),
}


class EncodingCache:
    """Rows of a per-cell encoding, keyed by the cell's structure (adjacency and operations) within a
    space's vocabulary, so that cells with the same id in two spaces never mix."""

    def __init__(self) -> None:
        self._index: dict[tuple, dict[bytes, int]] = {}
        self._matrix: dict[tuple, np.ndarray] = {}

    def encode(self, key: tuple, archs: Architectures, encoder: Any) -> np.ndarray:
        structure = np.concatenate([archs.adjacency.reshape(len(archs), -1), archs.operations], axis=1, dtype=np.int16)
        cells = [row.tobytes() for row in structure]
        index = self._index.setdefault(key, {})
        new: dict[bytes, int] = {}  # unseen cell -> its first position in archs
        for position, cell in enumerate(cells):
            if cell not in index and cell not in new:
                new[cell] = position
        if new:
            fresh = np.asarray(encoder(archs[np.fromiter(new.values(), dtype=np.int64)]))
            old = self._matrix.get(key)
            start = 0 if old is None else len(old)
            self._matrix[key] = fresh if old is None else np.concatenate([old, fresh])
            index.update({cell: start + k for k, cell in enumerate(new)})
        return self._matrix[key][np.fromiter((index[cell] for cell in cells), dtype=np.int64, count=len(cells))]


#: One cache per process, shared by every predictor with a per-cell encoding.
ENCODINGS = EncodingCache()


def _tau_or_worst(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    tau = kendall_tau(y_true, y_pred)
    return -1.0 if math.isnan(tau) else tau


class TreeModelPredictor(Predictor):
    """Base: ``encode`` cells into a matrix, regress the target with a tree ensemble."""

    needs = frozenset({"labels"})
    #: True when :meth:`encode` depends on each cell's structure alone (then it is cached per cell).
    per_cell_encoding = False

    @abc.abstractmethod
    def encode(self, archs: Architectures) -> np.ndarray:
        """``(n, d)`` features of the cells (NaN allowed: both regressor families handle it)."""

    def features(self, archs: Architectures) -> np.ndarray:
        """:meth:`encode`, from the per-cell cache where the encoding allows it."""
        if not self.per_cell_encoding:
            return self.encode(archs)
        return ENCODINGS.encode((type(self).encode, archs.space), archs, self.encode)

    @abc.abstractmethod
    def make_regressor(self) -> Any:
        """An unfitted regressor with this predictor's hyper-parameters."""

    search_space: dict[str, Any] = {}

    def fit(self, archs: Architectures, y: np.ndarray | None, context: FitContext | None = None) -> TreeModelPredictor:
        features = self.features(archs)
        targets = np.asarray(y, dtype=np.float64)
        regressor = self.make_regressor()
        if self.tuned and len(targets) >= 2 * SEARCH_FOLDS:
            search = RandomizedSearchCV(
                regressor,
                self.search_space,
                n_iter=SEARCH_ITERATIONS,
                cv=KFold(SEARCH_FOLDS, shuffle=True, random_state=self.random_state),
                scoring=make_scorer(_tau_or_worst),
                random_state=self.random_state,
                refit=True,
            )
            search.fit(features, targets)
            self.best_params_ = search.best_params_
            regressor = search.best_estimator_
        else:
            regressor.fit(features, targets)
        self.model_ = regressor
        return self

    def predict(self, archs: Architectures) -> np.ndarray:
        return np.asarray(self.model_.predict(self.features(archs)), dtype=np.float64)


class XGBPredictor(TreeModelPredictor):
    """XGBoost regressor; ``device`` is set by the harness (``cuda`` trains on the GPU)."""

    needs = frozenset({"labels", "device"})
    search_space = XGB_SEARCH_SPACE

    def __init__(
        self,
        n_estimators: int = 500,
        max_depth: int = 6,
        learning_rate: float = 0.05,
        subsample: float = 0.8,
        colsample_bytree: float = 0.8,
        min_child_weight: float = 1.0,
        tuned: bool = False,
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
        self.tuned = tuned
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.device = device

    def make_regressor(self) -> xgboost.XGBRegressor:
        return xgboost.XGBRegressor(
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


class RFPredictor(TreeModelPredictor):
    """scikit-learn random forest (CPU only)."""

    search_space = RF_SEARCH_SPACE

    def __init__(
        self,
        n_estimators: int = 300,
        max_depth: int | None = None,
        max_features: float = 0.5,
        min_samples_leaf: int = 1,
        tuned: bool = False,
        n_jobs: int | None = None,
        random_state: int = 0,
    ) -> None:
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.max_features = max_features
        self.min_samples_leaf = min_samples_leaf
        self.tuned = tuned
        self.n_jobs = n_jobs
        self.random_state = random_state

    def predict_with_std(self, archs: Architectures) -> tuple[np.ndarray, np.ndarray]:
        """The forest's prediction and the standard deviation of its trees' predictions."""
        features = self.features(archs)
        per_tree = np.stack([tree.predict(features) for tree in self.model_.estimators_])
        return per_tree.mean(axis=0), per_tree.std(axis=0)

    def make_regressor(self) -> RandomForestRegressor:
        return RandomForestRegressor(
            n_estimators=self.n_estimators,
            max_depth=self.max_depth,
            max_features=self.max_features,
            min_samples_leaf=self.min_samples_leaf,
            n_jobs=self.n_jobs,
            random_state=self.random_state,
        )
