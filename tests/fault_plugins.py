"""Deliberately broken predictors for the fault-injection tests.

Loaded by module name through ``NASBENCH_SUITE_PLUGIN_MODULES=fault_plugins`` (with this folder on
``PYTHONPATH``), so worker processes and Dask workers load them exactly as they load any plugin.
Every one of them ranks by parameter count when it does not fail, so a run that survives its fault
has a known, deterministic score.
"""

from __future__ import annotations

import os
import time

import numpy as np

from nasbench_suite import Architectures, FitContext, Predictor, hookimpl

__version__ = "1.0"


class _Fault(Predictor):
    needs = frozenset()
    fast = False  # never part of a default suite

    def __init__(self) -> None:
        pass

    def fit(self, archs: Architectures, y: np.ndarray | None, context: FitContext | None = None) -> _Fault:
        return self

    def predict(self, archs: Architectures) -> np.ndarray:
        return archs.costs["params"].astype(float)


class RaisesInFit(_Fault):
    name = "fault-raises-in-fit"
    description = "raises in fit"

    def fit(self, archs, y, context=None):
        raise RuntimeError("injected fault in fit")


class RaisesInPredict(_Fault):
    name = "fault-raises-in-predict"
    description = "raises in predict"

    def predict(self, archs):
        raise ValueError("injected fault in predict")


class ReturnsNaN(_Fault):
    name = "fault-nan"
    description = "predicts NaN for one cell"

    def predict(self, archs):
        values = super().predict(archs)
        values[0] = np.nan
        return values


class ReturnsInf(_Fault):
    name = "fault-inf"
    description = "predicts +inf for every cell"

    def predict(self, archs):
        return np.full(len(archs), np.inf)


class WrongLength(_Fault):
    name = "fault-wrong-length"
    description = "predicts one value too few"

    def predict(self, archs):
        return super().predict(archs)[:-1]


class Constant(_Fault):
    name = "fault-constant"
    description = "predicts the same value for every cell"

    def predict(self, archs):
        return np.full(len(archs), 0.5)


class Hangs(_Fault):
    name = "fault-hangs"
    description = "never returns from fit"

    def fit(self, archs, y, context=None):
        time.sleep(3600)
        return self


class LeaksMemory(_Fault):
    name = "fault-leaks"
    description = "allocates memory in fit until stopped (gives up at 8 GB)"

    def fit(self, archs, y, context=None):
        self.hoard_ = []
        for _ in range(80):
            self.hoard_.append(np.ones(100 * 2**20 // 8))  # 100 MB, touched
            time.sleep(0.05)
        return self


class Crashes(_Fault):
    name = "fault-crashes"
    description = "kills its own process in fit"

    def fit(self, archs, y, context=None):
        os._exit(13)


class Slow(_Fault):
    name = "fault-slow"
    description = "sleeps in fit, then ranks by parameter count"

    def __init__(self, seconds: float = 0.5) -> None:
        self.seconds = seconds

    def fit(self, archs, y, context=None):
        time.sleep(self.seconds)
        return self


PREDICTORS = [
    RaisesInFit,
    RaisesInPredict,
    ReturnsNaN,
    ReturnsInf,
    WrongLength,
    Constant,
    Hangs,
    LeaksMemory,
    Crashes,
    Slow,
]


@hookimpl
def register_predictors() -> list[type]:
    return PREDICTORS
