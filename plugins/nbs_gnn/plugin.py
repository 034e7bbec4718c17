"""Entry point of the GNN predictors plugin."""

from __future__ import annotations

from nasbench_suite import hookimpl
from nbs_gnn.gcn_fit_predictor import GCNFitPredictor
from nbs_gnn.gcn_predictor import GCNPredictor


@hookimpl
def register_predictors() -> list[type]:
    return [GCNPredictor, GCNFitPredictor]
