"""Entry point of the semi-supervised assessor plugin."""

from __future__ import annotations

from nasbench_suite import Claim, hookimpl
from nbs_ssa.ssa_predictor import SemiSupervisedAssessor


@hookimpl
def register_predictors() -> list[type]:
    return [SemiSupervisedAssessor]


@hookimpl
def register_claims() -> list[Claim]:
    # claims about predicting accuracy: never tested on a latency, energy or robustness target
    accuracy = ("*accuracy*", "*_perf")
    paper = "Tang et al., CVPR 2020"
    return [
        Claim(
            "Semi-supervised assessor", paper,
            "the relation graph over labelled and unlabelled architectures improves on the same embedding without it",
            "ranking", subject="ssa", baseline="ssa:use_graph=False", targets=accuracy,
        ),
        Claim(
            "Semi-supervised assessor", paper,
            "the semi-supervised assessor ranks better than a supervised GCN trained on the same labels",
            "ranking", subject="ssa", baseline="gcn",
            varies=("learning_rate", "weight_decay", "dropout"),  # each method at its own training settings
            targets=accuracy,
        ),
    ]  # fmt: skip
