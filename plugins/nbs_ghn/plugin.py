"""Entry point of the GHN plugin: the ``ghn`` and ``short-training`` predictors."""

from __future__ import annotations

from nasbench_suite import hookimpl
from nbs_ghn.predictors import GHNPredictor, ShortTrainingPredictor


@hookimpl
def register_predictors() -> list[type]:
    return [GHNPredictor, ShortTrainingPredictor]
