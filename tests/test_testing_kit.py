"""The conformance kit: every built-in predictor passes, and each check catches its violation."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from nasbench_suite import Predictor
from nasbench_suite import testing as kit
from nasbench_suite.registry import load_registry


class MeanOfConv(Predictor):
    """A correct predictor: least squares on operation counts."""

    name = "good"

    def __init__(self, ridge: float = 1e-3, random_state: int = 0) -> None:
        self.ridge = ridge
        self.random_state = random_state

    def _features(self, archs):
        return np.concatenate([archs.onehot_operations().sum(axis=1), np.ones((len(archs), 1))], axis=1)

    def fit(self, archs, y, context=None):
        x = self._features(archs)
        self.coef_ = np.linalg.solve(x.T @ x + self.ridge * np.eye(x.shape[1]), x.T @ y)
        return self

    def predict(self, archs):
        return self._features(archs) @ self.coef_


class BadName(MeanOfConv):
    name = "Bad Name"


class WorkInInit(MeanOfConv):
    def __init__(self, ridge: float = 1e-3, random_state: int = 0) -> None:
        super().__init__(ridge, random_state)
        self.cache = {}


class ReturnsNone(MeanOfConv):
    def fit(self, archs, y, context=None):
        super().fit(archs, y)


class PublicFittedAttribute(MeanOfConv):
    def fit(self, archs, y, context=None):
        super().fit(archs, y)
        self.weights = self.coef_
        return self


class ReturnsList(MeanOfConv):
    def predict(self, archs):
        return list(super().predict(archs))


class ReturnsNaN(MeanOfConv):
    def predict(self, archs):
        out = super().predict(archs)
        out[0] = np.nan
        return out


class MutatesInput(MeanOfConv):
    def predict(self, archs):
        archs.adjacency[:] = 0
        return super().predict(archs)


class CountsCalls(MeanOfConv):
    def predict(self, archs):
        self.calls_ = getattr(self, "calls_", 0) + 1
        return super().predict(archs)


class Unseeded(MeanOfConv):
    def predict(self, archs):
        return super().predict(archs) + np.random.default_rng().normal(size=len(archs))


class OrderDependent(MeanOfConv):
    def predict(self, archs):
        return super().predict(archs) + np.arange(len(archs))


class Unpicklable(MeanOfConv):
    def fit(self, archs, y, context=None):
        super().fit(archs, y)
        self.transform_ = lambda x: x
        return self


BROKEN = [
    (BadName, "check_declaration"),
    (WorkInInit, "check_init_stores_params"),
    (ReturnsNone, "check_fit_returns_self"),
    (PublicFittedAttribute, "check_fit_returns_self"),
    (ReturnsList, "check_predict_output"),
    (ReturnsNaN, "check_predict_output"),
    (MutatesInput, "check_no_mutation"),
    (CountsCalls, "check_no_mutation"),
    (Unseeded, "check_deterministic"),
    (OrderDependent, "check_permutation"),
    (Unpicklable, "check_pickle"),
]


def test_a_correct_predictor_passes_every_check():
    kit.check_predictor(MeanOfConv())


@pytest.mark.parametrize(("cls", "check_name"), BROKEN, ids=[cls.__name__ for cls, _ in BROKEN])
def test_each_check_catches_its_violation(cls, check_name):
    checks = {check.__name__: check for check in kit.predictor_checks(cls())}
    with pytest.raises(AssertionError, match=cls.__name__):
        checks[check_name](cls())


def test_every_check_is_proven_by_a_broken_predictor():
    assert {name for _, name in BROKEN} == {check.__name__ for check in kit.CHECKS}


def _builtin_predictors() -> list[Predictor]:
    """Every built-in predictor that runs on the toy space; those that need a real network (the
    zero-cost proxies and the predictors fed by them, ghn, short-training) are checked on NB201 in
    test_zero_cost.py and plugins/test_ghn.py."""
    registry = load_registry()
    small = {
        "gcn": {"epochs": 5, "hidden": 16},
        "gcn-fit": {"epochs": 5, "hidden": 16},
        "ssa": {"autoencoder_steps": 60, "gcn_epochs": 20, "neighbours": 4},
        **{name: {"n_estimators": 40} for name in ("onehot-xgb", "onehot-rf", "graf-xgb", "graf-rf")},
        "gnn-transformer": {"steps": 30, "width": 16, "layers": 1, "heads_per_mask": 1},
        "bananas-mlp": {"ensemble": 2, "epochs": 5, "layers": 3},
        "lgb": {"n_estimators": 30},
        "ngb": {"n_estimators": 30},
        "mlp": {"max_iter": 50},
        "ensemble": {"members": "graf-xgb;n_estimators=30+svr"},
    }
    needs_network = {name for name in registry.predictors.names() if registry.predictors.get(name).plugin.name == "zc"}
    needs_network |= {"zcp-xgb", "zcp-rf", "graf-zcp-xgb", "graf-zcp-rf", "ghn", "short-training"}
    if importlib.util.find_spec("ngboost") is None:  # ngb's optional dependency (tested where installed)
        needs_network.add("ngb")
    return [
        registry.predictors.get(n).cls(**small.get(n, {}))
        for n in registry.predictors.names()
        if n not in needs_network
    ]


@kit.parametrize_with_checks(_builtin_predictors())
def test_builtin_predictors_conform(predictor, check):
    check(predictor)


def test_toy_task_target_is_learnable():
    task = kit.make_task()
    fitted = MeanOfConv().fit(task.train, task.y_train)
    truth = kit.make_architectures(48 + 32 + 64, 0)[1][48:80]
    assert np.corrcoef(fitted.predict(task.test), truth)[0, 1] > 0.8
