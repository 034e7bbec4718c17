"""Entry point of the search-strategies plugin."""

from __future__ import annotations

from nasbench_suite import hookimpl
from nbs_search.baselines import RandomSearch, RegularizedEvolution
from nbs_search.guided import FullSpaceSearch, RandomSubsetSearch, SmartSubsetSearch


@hookimpl
def register_search_strategies() -> list[type]:
    return [RandomSearch, RegularizedEvolution, FullSpaceSearch, RandomSubsetSearch, SmartSubsetSearch]
