"""Entry point of the table plugin: registers every benchmark it provides."""

from __future__ import annotations

from nasbench_suite import hookimpl
from nbs_tables.analognas import ANALOGNAS_BENCHMARKS
from nbs_tables.csv_space import CsvBenchmark
from nbs_tables.nasbench_graph import NASBENCH_GRAPH_BENCHMARKS
from nbs_tables.nb101 import NB101
from nbs_tables.nb101_oneshot import NB101OneShot
from nbs_tables.nb201 import NB201Cifar10, NB201Cifar10Valid, NB201Cifar100, NB201ImageNet16, NB201ImageNet16Valid
from nbs_tables.networks.nb101_network import NB101NetworkBuilder
from nbs_tables.networks.nb201_network import NB201NetworkBuilder


@hookimpl
def register_benchmarks() -> list[type]:
    return [
        NB201Cifar10,
        NB201Cifar100,
        NB201ImageNet16,
        NB201Cifar10Valid,
        NB201ImageNet16Valid,
        NB101,
        NB101OneShot,
        *ANALOGNAS_BENCHMARKS,
        *NASBENCH_GRAPH_BENCHMARKS,
        CsvBenchmark,
    ]


@hookimpl
def register_network_builders() -> list[type]:
    return [NB201NetworkBuilder, NB101NetworkBuilder]
