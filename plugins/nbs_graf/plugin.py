"""Entry point of the GRAF plugin: graph-feature and encoding predictors with tree models."""

from __future__ import annotations

from nasbench_suite import hookimpl
from nbs_graf.predictors import PREDICTORS


@hookimpl
def register_predictors() -> list[type]:
    return list(PREDICTORS)
