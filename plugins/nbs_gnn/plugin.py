"""Entry point of the GNN predictors plugin."""

from __future__ import annotations

from nasbench_suite import Claim, hookimpl
from nbs_gnn.gcn_fit_predictor import GCNFitPredictor
from nbs_gnn.gcn_predictor import GCNPredictor


@hookimpl
def register_predictors() -> list[type]:
    return [GCNPredictor, GCNFitPredictor]


@hookimpl
def register_claims() -> list[Claim]:
    paper = "Chen et al., AAAI 2021"
    return [
        Claim(
            "GCN fit", paper,
            "a GCN fitted to a weight-sharing supernet's noisy estimates ranks the sampled architectures better "
            "than the estimates themselves (it smooths their random error)",
            "ranking", subject="gcn-fit", baseline="supernet", metric="train_kendall_tau",
        ),
        Claim(
            "GCN fit", paper,
            "the fitted GCN ranks architectures it was not fitted on at least as well as the supernet estimates",
            "ranking", subject="gcn-fit", baseline="supernet", expect="not-lower",
        ),
    ]  # fmt: skip
