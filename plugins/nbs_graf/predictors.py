"""The GRAF predictors (Kadlecova et al., ICML 2024) and the one-hot encoding baselines.

=============== ================================================ =========
name            features                                         regressor
=============== ================================================ =========
``onehot-xgb``  adjacency + one-hot operations                    XGBoost
``onehot-rf``   adjacency + one-hot operations                    forest
``graf-xgb``    GRAF graph features (:mod:`nbs_graf.features`)    XGBoost
``graf-rf``     GRAF graph features                               forest
``zcp-xgb``     the zero-cost proxies only                        XGBoost
``zcp-rf``      the zero-cost proxies only                        forest
``graf-zcp-xgb`` GRAF features + zero-cost proxies                XGBoost
``graf-zcp-rf`` GRAF features + zero-cost proxies                 forest
=============== ================================================ =========

Proxy options: ``proxies`` (``all`` = the paper's 13, or ``synflow+nwot+...``), ``zc_source``
(``live``: computed on real images and cached; ``recorded``: NAS-Bench-Suite-Zero's values from the
benchmark table, instant), ``zc_data``, ``zc_batch_size``, ``zc_network`` (passed to the proxies).
"""

from __future__ import annotations

import numpy as np

from nasbench_suite import Architectures, FitContext, Predictor, SuiteContext, suite_of
from nbs_graf.features import graf_features
from nbs_graf.proxy_features import fit_proxies, proxy_matrix, proxy_predictors
from nbs_graf.tabular import RFPredictor, TreeModelPredictor, XGBPredictor


class OneHotXGB(XGBPredictor):
    name = "onehot-xgb"
    description = "adjacency + one-hot operation encoding, XGBoost regressor"
    fast = True
    per_cell_encoding = True

    def encode(self, archs: Architectures) -> np.ndarray:
        return archs.flat_encoding()


class OneHotRF(RFPredictor):
    name = "onehot-rf"
    description = "adjacency + one-hot operation encoding, random forest (GRAF's encoding baseline)"
    per_cell_encoding = True

    def encode(self, archs: Architectures) -> np.ndarray:
        return archs.flat_encoding()


class GrafXGB(XGBPredictor):
    name = "graf-xgb"
    description = "GRAF neural graph features (op counts, paths, degrees), XGBoost regressor"
    fast = True
    per_cell_encoding = True

    def encode(self, archs: Architectures) -> np.ndarray:
        return graf_features(archs)


class GrafRF(RFPredictor):
    name = "graf-rf"
    description = "GRAF neural graph features, random forest"
    per_cell_encoding = True

    def encode(self, archs: Architectures) -> np.ndarray:
        return graf_features(archs)


class _ProxyOptions:
    """The proxy options and encoding shared by the proxy-feature predictors: the proxy scores,
    after the GRAF features when ``with_graf``. The proxies are the registered proxy predictors,
    built from the run's context when fitting and kept fitted for predicting."""

    with_graf = False
    input_files = ("zc_data",)

    proxies: str
    zc_source: str
    zc_data: str
    zc_batch_size: int
    zc_network: str
    random_state: int
    device: str

    def _proxies(self, suite: SuiteContext) -> list[Predictor]:
        return proxy_predictors(
            suite,
            self.proxies,
            self.zc_source,
            self.zc_data,
            self.zc_batch_size,
            self.zc_network,
            self.random_state,
            self.device,
        )

    def validate(self, context: SuiteContext | None = None) -> None:
        for proxy in self._proxies(suite_of(FitContext(suite=context), f"predictor {self.name}")):
            proxy.validate()

    def fit(self, archs: Architectures, y: np.ndarray | None, context: FitContext | None = None) -> Predictor:
        self.proxies_ = fit_proxies(archs, self._proxies(suite_of(context, f"predictor {self.name}")), context)
        return TreeModelPredictor.fit(self, archs, y, context)

    def encode(self, archs: Architectures) -> np.ndarray:
        proxies = proxy_matrix(archs, self.proxies_)
        return np.concatenate([graf_features(archs), proxies], axis=1) if self.with_graf else proxies


class ProxyXGB(_ProxyOptions, XGBPredictor):
    """XGBoost on proxy scores (``with_graf``: plus GRAF features)."""

    def __init__(
        self,
        proxies: str = "all",
        zc_source: str = "live",
        zc_data: str = "",
        zc_batch_size: int = 64,
        zc_network: str = "",
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
        super().__init__(
            n_estimators, max_depth, learning_rate, subsample, colsample_bytree, min_child_weight,
            tuned, n_jobs, random_state, device,
        )  # fmt: skip
        self.proxies = proxies
        self.zc_source = zc_source
        self.zc_data = zc_data
        self.zc_batch_size = zc_batch_size
        self.zc_network = zc_network


class ProxyRF(_ProxyOptions, RFPredictor):
    """Random forest on proxy scores (``with_graf``: plus GRAF features); ``device`` runs live proxies."""

    needs = frozenset({"labels", "device"})

    def __init__(
        self,
        proxies: str = "all",
        zc_source: str = "live",
        zc_data: str = "",
        zc_batch_size: int = 64,
        zc_network: str = "",
        n_estimators: int = 300,
        max_depth: int | None = None,
        max_features: float = 0.5,
        min_samples_leaf: int = 1,
        tuned: bool = False,
        n_jobs: int | None = None,
        random_state: int = 0,
        device: str = "cpu",
    ) -> None:
        super().__init__(n_estimators, max_depth, max_features, min_samples_leaf, tuned, n_jobs, random_state)
        self.device = device
        self.proxies = proxies
        self.zc_source = zc_source
        self.zc_data = zc_data
        self.zc_batch_size = zc_batch_size
        self.zc_network = zc_network


class ZcpXGB(ProxyXGB):
    name = "zcp-xgb"
    description = "zero-cost proxy scores as features, XGBoost regressor"


class ZcpRF(ProxyRF):
    name = "zcp-rf"
    description = "zero-cost proxy scores as features, random forest"


class GrafZcpXGB(ProxyXGB):
    name = "graf-zcp-xgb"
    description = "GRAF features + zero-cost proxies, XGBoost regressor (the paper's best)"
    with_graf = True


class GrafZcpRF(ProxyRF):
    name = "graf-zcp-rf"
    description = "GRAF features + zero-cost proxies, random forest"
    with_graf = True


PREDICTORS = [OneHotXGB, OneHotRF, GrafXGB, GrafRF, ZcpXGB, ZcpRF, GrafZcpXGB, GrafZcpRF]
