"""Entry point of the semi-supervised assessor plugin."""

from __future__ import annotations

from nasbench_suite import hookimpl
from nbs_ssa.ssa_predictor import SemiSupervisedAssessor


@hookimpl
def register_predictors() -> list[type]:
    return [SemiSupervisedAssessor]
