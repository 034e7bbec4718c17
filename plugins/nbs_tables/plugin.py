"""Entry point of the table plugin: registers every benchmark it provides."""

from __future__ import annotations

from nasbench_suite import hookimpl
from nbs_tables.analognas import ANALOGNAS_BENCHMARKS
from nbs_tables.nasbench_graph import NASBENCH_GRAPH_BENCHMARKS
from nbs_tables.nb101 import NB101
from nbs_tables.nb201 import NB201Cifar10, NB201Cifar100, NB201ImageNet16


@hookimpl
def register_benchmarks() -> list[type]:
    return [NB201Cifar10, NB201Cifar100, NB201ImageNet16, NB101, *ANALOGNAS_BENCHMARKS, *NASBENCH_GRAPH_BENCHMARKS]
