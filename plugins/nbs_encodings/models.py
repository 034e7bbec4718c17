"""White et al. 2021's simple model families on a cell encoding: a Gaussian process, LightGBM,
NGBoost, an MLP and support-vector regression.

================ ====================================================== ===================
name             model                                                  own uncertainty
================ ====================================================== ===================
``gp``           scikit-learn Gaussian process, Matern-5/2 + white noise yes (posterior std)
``lgb``          LightGBM gradient-boosted trees                        no
``ngb``          NGBoost (natural-gradient boosting, Normal outputs)    yes (predictive std)
``mlp``          scikit-learn multi-layer perceptron                    no
``svr``          scikit-learn support-vector regression, RBF kernel     no
================ ====================================================== ===================

Every one takes ``encoding`` (``onehot``, the default as in White et al.; ``path``; ``graf``), reads
features standardised on the training cells and targets standardised likewise, and predicts in
chunks, so scoring 150,000 NB101 cells never builds one huge kernel matrix. The two with their own
uncertainty offer ``predict_with_std``, which guided searches use as the guide's uncertainty.
"""

from __future__ import annotations

import abc
import warnings
from typing import Any

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from nasbench_suite import Architectures, ConfigError, FitContext, Predictor
from nbs_encodings.encodings import check_encoding, encode

#: Cells predicted per call of the model (bounds the GP's cross-kernel matrix).
CHUNK = 4096


class EncodedRegressor(Predictor):
    """Base: encode cells, standardise features and targets, fit ``make_model()``, predict in chunks."""

    needs = frozenset({"labels"})
    encoding: str
    random_state: int

    @abc.abstractmethod
    def make_model(self) -> Any:
        """An unfitted regressor with this predictor's hyper-parameters."""

    def validate(self, context: Any = None) -> None:
        check_encoding(self.encoding)

    def _features(self, archs: Architectures) -> np.ndarray:
        return self.features_.transform(encode(archs, self.encoding))

    def fit(self, archs: Architectures, y: np.ndarray | None, context: FitContext | None = None) -> EncodedRegressor:
        self.validate()
        targets = np.asarray(y, dtype=np.float64)
        self.features_ = StandardScaler().fit(encode(archs, self.encoding))
        self.y_mean_ = float(targets.mean())
        self.y_std_ = float(targets.std()) or 1.0
        model = self.make_model()
        with warnings.catch_warnings():  # an MLP stopped at max_iter, a GP at a kernel bound: expected
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(self._features(archs), (targets - self.y_mean_) / self.y_std_)
        self.model_ = model
        return self

    def predict(self, archs: Architectures) -> np.ndarray:
        if not len(archs):
            return np.zeros(0)
        features = self._features(archs)
        scaled = np.concatenate([self.model_.predict(features[s : s + CHUNK]) for s in range(0, len(archs), CHUNK)])
        return scaled * self.y_std_ + self.y_mean_

    def _mean_and_std(self, archs: Architectures, chunk_mean_std: Any) -> tuple[np.ndarray, np.ndarray]:
        """A model's own mean and standard deviation, ``CHUNK`` cells at a time, on the target's scale
        (``chunk_mean_std(features) -> (mean, std)`` on the standardised scale)."""
        if not len(archs):
            return np.zeros(0), np.zeros(0)
        features = self._features(archs)
        parts = [chunk_mean_std(features[start : start + CHUNK]) for start in range(0, len(archs), CHUNK)]
        mean, std = (np.concatenate(values) for values in zip(*parts))
        return mean * self.y_std_ + self.y_mean_, std * self.y_std_


class GaussianProcess(EncodedRegressor):
    name = "gp"
    description = "Gaussian process (Matern 5/2 + noise, fitted marginal likelihood) on an encoding (White et al.)"

    def __init__(self, encoding: str = "onehot", restarts: int = 0, random_state: int = 0) -> None:
        self.encoding = encoding
        self.restarts = restarts
        self.random_state = random_state

    def make_model(self) -> Any:
        from sklearn.gaussian_process import GaussianProcessRegressor
        from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

        kernel = ConstantKernel(1.0) * Matern(length_scale=5.0, length_scale_bounds=(1e-2, 1e3), nu=2.5)
        kernel += WhiteKernel(0.1, noise_level_bounds=(1e-5, 10.0))
        return GaussianProcessRegressor(kernel, n_restarts_optimizer=self.restarts, random_state=self.random_state)

    def predict_with_std(self, archs: Architectures) -> tuple[np.ndarray, np.ndarray]:
        """The posterior mean and standard deviation (noise included)."""
        return self._mean_and_std(archs, lambda features: self.model_.predict(features, return_std=True))


class LightGBM(EncodedRegressor):
    """LightGBM; ``min_child_samples=2`` (LightGBM's default is 20) so that it can split at all on the
    handful of labels of the smallest train sizes, where it would otherwise predict a constant."""

    name = "lgb"
    description = "LightGBM gradient-boosted trees on an encoding (White et al.'s LGBoost)"

    def __init__(
        self,
        encoding: str = "onehot",
        n_estimators: int = 500,
        learning_rate: float = 0.05,
        num_leaves: int = 31,
        min_child_samples: int = 2,
        subsample: float = 0.8,
        colsample_bytree: float = 0.8,
        n_jobs: int = 1,
        random_state: int = 0,
    ) -> None:
        self.encoding = encoding
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.n_jobs = n_jobs
        self.random_state = random_state

    def make_model(self) -> Any:
        from lightgbm import LGBMRegressor

        return LGBMRegressor(
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples,
            subsample=self.subsample,
            subsample_freq=1,
            colsample_bytree=self.colsample_bytree,
            n_jobs=self.n_jobs,
            random_state=self.random_state,
            verbose=-1,
        )


class NGBoost(EncodedRegressor):
    """NGBoost, an optional dependency (``pip install 'nasbench-suite[ngboost]'``): without it every
    ``ngb`` run fails at fit with a message saying so, and the rest of a study goes on."""

    name = "ngb"
    description = "NGBoost (natural-gradient boosting of a Normal predictive distribution) on an encoding"

    def __init__(
        self,
        encoding: str = "onehot",
        n_estimators: int = 500,
        learning_rate: float = 0.05,
        max_depth: int = 4,
        minibatch_frac: float = 1.0,
        random_state: int = 0,
    ) -> None:
        self.encoding = encoding
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.minibatch_frac = minibatch_frac
        self.random_state = random_state

    def make_model(self) -> Any:
        try:
            from ngboost import NGBRegressor
        except ImportError:
            raise ConfigError(
                "NGBoost is not installed: pip install 'nasbench-suite[ngboost]' (an optional dependency: it "
                "pins pandas below 3 and an older scikit-learn)"
            ) from None
        from sklearn.tree import DecisionTreeRegressor

        base = DecisionTreeRegressor(criterion="friedman_mse", max_depth=self.max_depth, random_state=self.random_state)
        return NGBRegressor(
            Base=base,
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            minibatch_frac=self.minibatch_frac,
            random_state=self.random_state,
            verbose=False,
        )

    def predict_with_std(self, archs: Architectures) -> tuple[np.ndarray, np.ndarray]:
        """The predictive Normal's mean and standard deviation."""

        def normal(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            distribution = self.model_.pred_dist(features)
            return distribution.loc, distribution.scale

        return self._mean_and_std(archs, normal)


class MLP(EncodedRegressor):
    name = "mlp"
    description = "multi-layer perceptron (scikit-learn, Adam) on an encoding (White et al.'s MLP baseline)"

    def __init__(
        self,
        encoding: str = "onehot",
        hidden: int = 64,
        layers: int = 3,
        alpha: float = 1e-3,
        learning_rate: float = 1e-3,
        max_iter: int = 500,
        random_state: int = 0,
    ) -> None:
        self.encoding = encoding
        self.hidden = hidden
        self.layers = layers
        self.alpha = alpha
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.random_state = random_state

    def make_model(self) -> Any:
        from sklearn.neural_network import MLPRegressor

        return MLPRegressor(
            hidden_layer_sizes=(self.hidden,) * self.layers,
            alpha=self.alpha,
            learning_rate_init=self.learning_rate,
            max_iter=self.max_iter,
            random_state=self.random_state,
        )


class SVR(EncodedRegressor):
    name = "svr"
    description = "support-vector regression (RBF kernel) on an encoding (White et al.'s SVR baseline)"

    def __init__(self, encoding: str = "onehot", C: float = 1.0, epsilon: float = 0.1, random_state: int = 0) -> None:
        self.encoding = encoding
        self.C = C
        self.epsilon = epsilon
        self.random_state = random_state

    def make_model(self) -> Any:
        from sklearn.svm import SVR as ScikitSVR

        return ScikitSVR(C=self.C, epsilon=self.epsilon, gamma="scale")


MODELS = [GaussianProcess, LightGBM, NGBoost, MLP, SVR]
