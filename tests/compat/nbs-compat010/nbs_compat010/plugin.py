"""Entry point: the hook implementations, as the 0.1.0 README shows them."""

from nasbench_suite import hookimpl
from nbs_compat010.benchmarks import CellsCSV, NB201Subset
from nbs_compat010.predictors import NetworkParams, OpCountRidge
from nbs_compat010.search import GuidedNeighbours


@hookimpl
def register_predictors():
    return [OpCountRidge, NetworkParams]


@hookimpl
def register_benchmarks():
    return [NB201Subset, CellsCSV]


@hookimpl
def register_search_strategies():
    return [GuidedNeighbours]
