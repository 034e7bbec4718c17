"""Entry point of the search-strategies plugin."""

from __future__ import annotations

from nasbench_suite import Claim, hookimpl
from nbs_search.bananas import Bananas
from nbs_search.baselines import RandomSearch, RegularizedEvolution
from nbs_search.guided import FullSpaceSearch, RandomSubsetSearch, SmartSubsetSearch
from nbs_search.local_search import LocalSearch, PredictorLocalSearch
from nbs_search.pareto import NSGA2, ParetoPredictorSearch, ParetoRandomSearch


@hookimpl
def register_search_strategies() -> list[type]:
    return [
        RandomSearch,
        RegularizedEvolution,
        LocalSearch,
        FullSpaceSearch,
        RandomSubsetSearch,
        SmartSubsetSearch,
        PredictorLocalSearch,
        Bananas,
        ParetoRandomSearch,
        NSGA2,
        ParetoPredictorSearch,
    ]


@hookimpl
def register_claims() -> list[Claim]:
    subsets = "Mauch et al., 2020"
    return [
        Claim(
            "Subset sampling", subsets,
            "predictor-based search scoring the full space is far more sample-efficient than random search",
            "search", subject="predictor-full", baseline="random", metric="seg",
        ),
        Claim(
            "Subset sampling", subsets,
            "scoring a uniformly random subset instead loses much of that sample efficiency",
            "search", subject="predictor-random-subset", baseline="predictor-full", metric="seg", expect="lower",
        ),
        Claim(
            "Subset sampling", subsets, "a smart subset of the same size regains the full space's sample efficiency",
            "search", subject="predictor-smart-subset", baseline="predictor-full", metric="seg", expect="not-lower",
        ),
        Claim(
            "Local search", "White et al., 2021",
            "local search is state of the art on NAS benchmarks: at least as sample-efficient as regularized evolution",
            "search", subject="local-search", baseline="evolution", metric="seg", expect="not-lower",
        ),
        Claim(
            "BANANAS", "White, Neiswanger & Savani, 2021",
            "predictor-guided search (an ensemble of the predictor, Thompson sampling over mutations of the best "
            "cells) is more sample-efficient than regularized evolution",
            "search", subject="bananas", baseline="evolution", metric="seg",
        ),
    ]  # fmt: skip
