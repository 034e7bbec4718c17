"""NAS-Bench-Graph (``nas-bench-graph`` package): 26,206 GNN architectures on 9 graph datasets.

An architecture has 4 operation nodes; ``link[i]`` names the input of node i (0 = the graph's
input features, k = node k), and every node no other node consumes feeds the output. The node
DAG here is: ``input``, the 4 operation nodes, ``output``. The proteins table covers the 2,021
architectures built from its 5 operations.
"""

from __future__ import annotations

import contextlib
import io
import pickle
from typing import ClassVar

import numpy as np

from nasbench_suite import Architectures, Benchmark, BenchmarkTable, DataFileError, SearchSpace, SuiteContext

DATASETS = ("cora", "citeseer", "pubmed", "cs", "physics", "photo", "computers", "arxiv", "proteins")
GNN_OPERATIONS = ("gat", "gcn", "gin", "cheb", "sage", "arma", "graph", "fc", "skip")
SPACE = SearchSpace("nasbench-graph", ("input", *GNN_OPERATIONS, "output"), max_nodes=6)


def _all_architectures() -> list:
    from nas_bench_graph.architecture import all_archs

    with contextlib.redirect_stdout(io.StringIO()):  # all_archs prints a count
        return all_archs()


def architectures(links: np.ndarray, ops: np.ndarray, ids: np.ndarray, costs: dict) -> Architectures:
    """Node DAGs for ``(n, 4)`` link and operation-index arrays."""
    n = len(links)
    adjacency = np.zeros((n, 6, 6), dtype=np.uint8)
    rows = np.arange(n)
    for node in range(4):
        adjacency[rows, links[:, node], node + 1] = 1
    consumed = adjacency[:, 1:5, 1:5].any(axis=2)
    adjacency[:, 1:5, 5] = ~consumed
    operations = np.empty((n, 6), dtype=np.int16)
    operations[:, 0] = 0
    operations[:, 1:5] = ops + 1
    operations[:, 5] = len(SPACE.operations) - 1
    return Architectures(SPACE, ids, adjacency, operations, costs)


class NasBenchGraph(Benchmark):
    dataset: ClassVar[str]
    targets = ("valid_perf", "test_perf")
    default_target = "valid_perf"
    citation = "Qin et al., NAS-Bench-Graph, NeurIPS 2022 Datasets and Benchmarks (Apache-2.0)"

    def load(self, context: SuiteContext | None = None) -> BenchmarkTable:
        from nas_bench_graph import light_read

        try:
            bench = light_read(self.dataset)
        except (OSError, pickle.UnpicklingError, EOFError) as exc:
            raise DataFileError(f"nas_bench_graph/light/{self.dataset}.bench", f"cannot read ({exc})") from None
        found = [(arch, arch.hash_arch()) for arch in _all_architectures()]
        found = [(arch, key) for arch, key in found if key in bench]
        if not found:
            raise DataFileError(f"nas_bench_graph/light/{self.dataset}.bench", "no known architecture keys")
        links = np.array([arch.link for arch, _ in found], dtype=np.int64)
        ops = np.array([[GNN_OPERATIONS.index(op) for op in arch.ops] for arch, _ in found], dtype=np.int64)
        ids = np.array([str(key) for _, key in found], dtype=object)
        rows = [bench[key] for _, key in found]
        costs = {
            "params": np.array([float(r["para"]) * 1e6 for r in rows]),
            "latency": np.array([float(r["latency"]) for r in rows]),
        }
        targets = {
            "valid_perf": np.array([float(r["valid_perf"]) for r in rows]),
            "test_perf": np.array([float(r["perf"]) for r in rows]),
        }
        return BenchmarkTable(
            architectures(links, ops, ids, costs), targets, mutation_encoding=np.concatenate([links, ops], axis=1)
        )


def _benchmark_class(dataset: str) -> type[NasBenchGraph]:
    return type(
        f"NasBenchGraph_{dataset}",
        (NasBenchGraph,),
        {
            "name": f"nasbench-graph-{dataset}",
            "dataset": dataset,
            "description": f"NAS-Bench-Graph GNN architectures on {dataset}: validation/test performance",
            "__module__": __name__,
        },
    )


NASBENCH_GRAPH_BENCHMARKS = [_benchmark_class(dataset) for dataset in DATASETS]
