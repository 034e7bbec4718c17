"""Entry point of the GRAF plugin: graph-feature and encoding predictors with tree models."""

from __future__ import annotations

from nasbench_suite import Claim, hookimpl
from nbs_graf.predictors import PREDICTORS


@hookimpl
def register_predictors() -> list[type]:
    return list(PREDICTORS)


@hookimpl
def register_claims() -> list[Claim]:
    # claims about predicting accuracy: never tested on a latency, energy or robustness target
    accuracy = ("*accuracy*", "*_perf")
    paper = "Kadlecova et al., ICML 2024"
    return [
        Claim(
            "GRAF + XGBoost", paper,
            "simple neural graph features predict architecture accuracy better than the adjacency + one-hot encoding",
            "ranking", subject="graf-xgb", baseline="onehot-xgb", targets=accuracy,
        ),
        Claim(
            "GRAF + XGBoost", paper, "adding zero-cost proxies to the graph features improves the prediction",
            "ranking", subject="graf-zcp-xgb", baseline="graf-xgb", targets=accuracy,
        ),
    ]  # fmt: skip
