"""Entry point of the supernet plugin."""

from __future__ import annotations

from nasbench_suite import hookimpl
from nbs_supernet.benchmark import NB101SupernetBenchmark, NB201SupernetBenchmark


@hookimpl
def register_benchmarks() -> list[type]:
    return [NB201SupernetBenchmark, NB101SupernetBenchmark]
