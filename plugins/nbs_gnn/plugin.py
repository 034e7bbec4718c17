"""Entry point of the GNN predictors plugin."""

from __future__ import annotations

from nasbench_suite import Claim, PublishedResult, hookimpl
from nbs_gnn.gcn_fit_predictor import GCNFitPredictor
from nbs_gnn.gcn_predictor import GCNPredictor
from nbs_gnn.published import published_results
from nbs_gnn.transformer_predictor import GraphTransformerPredictor


@hookimpl
def register_predictors() -> list[type]:
    return [GCNPredictor, GCNFitPredictor, GraphTransformerPredictor]


@hookimpl
def register_published_results() -> list[PublishedResult]:
    return published_results()


@hookimpl
def register_claims() -> list[Claim]:
    # claims about predicting accuracy: never tested on a latency, energy or robustness target
    accuracy = ("*accuracy*", "*_perf")
    paper = "Chen et al., AAAI 2021"
    # Only where the estimates are a weight-sharing supernet's (recorded or live), not any cost column.
    supernets = ("nb101-oneshot", "*-supernet")
    return [
        Claim(
            "GCN fit", paper,
            "a GCN fitted to a weight-sharing supernet's noisy estimates ranks the sampled architectures better "
            "than the estimates themselves (it smooths their random error)",
            "ranking", subject="gcn-fit", baseline="supernet", metric="train_kendall_tau", benchmarks=supernets,
            targets=accuracy,
        ),
        Claim(
            "GCN fit", paper,
            "a higher rank correlation in the selected set of candidates (the paper's measure: Kendall tau among "
            "the true top 10% of the held-out cells)",
            "ranking", subject="gcn-fit", baseline="supernet", metric="kendall_tau_top_10pct", benchmarks=supernets,
            targets=accuracy,
        ),
        Claim(
            "GCN fit", paper,
            "the fitted GCN ranks architectures it was not fitted on at least as well as the supernet estimates",
            "ranking", subject="gcn-fit", baseline="supernet", expect="not-lower", benchmarks=supernets,
            targets=accuracy,
        ),
    ]  # fmt: skip
