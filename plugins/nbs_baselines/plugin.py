"""Entry point of the baseline predictors plugin."""

from __future__ import annotations

from nasbench_suite import hookimpl
from nbs_baselines.params_predictor import ParamsPredictor
from nbs_baselines.random_predictor import RandomPredictor
from nbs_baselines.supernet_predictor import SupernetPredictor


@hookimpl
def register_predictors() -> list[type]:
    return [RandomPredictor, ParamsPredictor, SupernetPredictor]
