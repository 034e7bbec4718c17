"""Entry point of the zero-cost proxies plugin."""

from __future__ import annotations

from nasbench_suite import hookimpl
from nbs_zc.predictors import PROXY_PREDICTORS


@hookimpl
def register_predictors() -> list[type]:
    return list(PROXY_PREDICTORS)
