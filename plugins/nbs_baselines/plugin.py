"""Entry point of the baseline predictors plugin."""

from __future__ import annotations

from nasbench_suite import hookimpl
from nbs_baselines.cost_predictors import ParamsPredictor, SupernetPredictor
from nbs_baselines.random_predictor import RandomPredictor


@hookimpl
def register_predictors() -> list[type]:
    return [RandomPredictor, ParamsPredictor, SupernetPredictor]
