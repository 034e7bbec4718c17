"""NAS-Bench-101: CIFAR-10 cells of up to 7 nodes and 9 edges, trained for 108 epochs.

Two sources, one benchmark:

* the shipped compact table (151,644 real cells with their 3 training repeats), and
* the official ``nasbench_only108.tfrecord`` / ``nasbench_full.tfrecord`` (all 423,624 cells)
  when the user passes ``--benchmark nb101:path=FILE`` (and optionally ``epochs=4|12|36|108``).

Cells are identified by the official NAS-Bench-101 module hash (:func:`module_hash`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path

import numpy as np

from nasbench_suite import (
    Architectures,
    Benchmark,
    BenchmarkTable,
    ConfigError,
    DataFileError,
    SearchSpace,
    SuiteContext,
)
from nbs_tables.datafiles import load_npz, shipped_path
from nbs_tables.tfrecord import read_nb101_tfrecord

OPERATIONS = ("conv1x1-bn-relu", "conv3x3-bn-relu", "maxpool3x3")
SPACE = SearchSpace("nb101", ("input", *OPERATIONS, "output"), max_nodes=7)
DATA_FILE = "nb101.npz"
_HASH_LABELS = ("conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3")  # the official hashing order
_UPPER = np.triu_indices(SPACE.max_nodes, k=1)
REPEAT_ARRAYS = ("val_accuracy", "test_accuracy", "halfway_val_accuracy", "training_time")


MAX_EDGES = 9


def cell_problem(matrix: np.ndarray, operations: list[str]) -> str | None:
    """Why a matrix and its operation labels are not an NB101 cell (``None`` when they are one): at
    most 7 nodes and 9 edges, an upper-triangular adjacency, ``input`` first and ``output`` last, every
    node on a path from the input to the output."""
    size = len(operations)
    if not 2 <= size <= SPACE.max_nodes:
        return f"{size} nodes; an NB101 cell has 2 to {SPACE.max_nodes}"
    if operations[0] != "input" or operations[-1] != "output":
        return "the operations must start with input and end with output"
    unknown = [op for op in operations[1:-1] if op not in OPERATIONS]
    if unknown:
        return f"unknown operation {unknown[0]!r}; expected one of {', '.join(OPERATIONS)}"
    if np.tril(matrix).any() or not set(np.unique(matrix)) <= {0, 1}:
        return "the adjacency must be a 0/1 upper-triangular matrix (edges from earlier to later nodes)"
    if matrix.sum() > MAX_EDGES:
        return f"{int(matrix.sum())} edges; an NB101 cell has at most {MAX_EDGES}"
    reached, reaching = np.zeros(size, bool), np.zeros(size, bool)
    reached[0], reaching[-1] = True, True
    for node in range(1, size):
        reached[node] = (matrix[:node, node] & reached[:node]).any()
    for node in range(size - 2, -1, -1):
        reaching[node] = (matrix[node, node + 1 :] & reaching[node + 1 :]).any()
    if not (reached & reaching).all():
        return "every node must lie on a path from the input to the output (prune the cell first)"
    return None


def vertex_channels(input_channels: int, output_channels: int, matrix: np.ndarray) -> list[int]:
    """Channels of every vertex of a cell, as NAS-Bench-101 assigns them."""
    n = len(matrix)
    channels = [0] * n
    channels[0], channels[-1] = input_channels, output_channels
    if n == 2:
        return channels
    fan_in = int(matrix[1:, -1].sum())
    share, remainder = divmod(output_channels, fan_in)
    for v in range(1, n - 1):
        if matrix[v, -1]:
            channels[v] = share + (1 if remainder > 0 else 0)
            remainder -= 1 if remainder > 0 else 0
    for v in range(n - 3, 0, -1):
        if not matrix[v, -1]:
            channels[v] = max(channels[dst] for dst in range(v + 1, n - 1) if matrix[v, dst])
    return channels


#: Kernel size of each convolution operation (``maxpool3x3`` has no weights).
KERNELS = {"conv1x1-bn-relu": 1, "conv3x3-bn-relu": 3}


def _conv_bn(c_in: int, c_out: int, kernel: int) -> int:
    """Trainable parameters of a bias-free convolution followed by batch norm (scale and shift)."""
    return c_in * c_out * kernel * kernel + 2 * c_out


def parameter_count(
    matrix: np.ndarray,
    operations: list[str],
    num_classes: int = 10,
    stem_channels: int = 128,
    num_stacks: int = 3,
    cells_per_stack: int = 3,
) -> int:
    """Trainable parameters of the NAS-Bench-101 network of a cell, counted without building it
    (the network of :mod:`nbs_tables.networks.nb101_network`: a 3x3 stem, stacks of cells whose
    channels double after each 2x2 max-pool, a dense classifier). With the defaults it equals the
    table's ``trainable_parameters``."""
    n = len(matrix)

    def cell(c_in: int, c_out: int) -> int:
        channels = vertex_channels(c_in, c_out, matrix)
        count = sum(
            _conv_bn(channels[v], channels[v], KERNELS[operations[v]])
            for v in range(1, n - 1)
            if operations[v] in KERNELS
        )
        count += sum(_conv_bn(c_in, channels[v], 1) for v in range(1, n - 1) if matrix[0, v])
        return count + (_conv_bn(c_in, c_out, 1) if matrix[0, n - 1] else 0)

    total, c_in, channels = _conv_bn(3, stem_channels, 3), stem_channels, stem_channels
    for stack in range(num_stacks):
        channels *= 2 if stack > 0 else 1
        for _ in range(cells_per_stack):
            total, c_in = total + cell(c_in, channels), channels
    return total + channels * num_classes + num_classes


def module_hash(matrix: np.ndarray, operations: list[str] | tuple[str, ...]) -> str:
    """The official NAS-Bench-101 hash of a pruned cell (iterated MD5 of degrees and labels)."""
    matrix = np.asarray(matrix)
    vertices = len(operations)
    labels = [-1] + [_HASH_LABELS.index(op) for op in operations[1:-1]] + [-2]
    in_degree = matrix.sum(axis=0).tolist()
    out_degree = matrix.sum(axis=1).tolist()
    hashes = [hashlib.md5(str(h).encode("utf-8")).hexdigest() for h in zip(out_degree, in_degree, labels)]
    for _ in range(vertices):
        hashes = [
            hashlib.md5(
                (
                    "".join(sorted(hashes[w] for w in range(vertices) if matrix[w, v]))
                    + "|"
                    + "".join(sorted(hashes[w] for w in range(vertices) if matrix[v, w]))
                    + "|"
                    + hashes[v]
                ).encode("utf-8")
            ).hexdigest()
            for v in range(vertices)
        ]
    return hashlib.md5(str(sorted(hashes)).encode("utf-8")).hexdigest()


def pack_adjacency(matrices: np.ndarray) -> np.ndarray:
    """``(n, 7, 7)`` 0/1 upper-triangular matrices -> ``(n,)`` uint32 bit fields (21 bits)."""
    bits = matrices[:, _UPPER[0], _UPPER[1]].astype(np.uint32)
    return (bits << np.arange(bits.shape[1], dtype=np.uint32)).sum(axis=1, dtype=np.uint32)


def unpack_adjacency(packed: np.ndarray) -> np.ndarray:
    bits = (packed[:, None] >> np.arange(len(_UPPER[0]), dtype=np.uint32)) & 1
    matrices = np.zeros((len(packed), SPACE.max_nodes, SPACE.max_nodes), dtype=np.uint8)
    matrices[:, _UPPER[0], _UPPER[1]] = bits
    return matrices


def _build_table(arrays: dict[str, np.ndarray]) -> BenchmarkTable:
    ids = np.array([bytes(row).hex() for row in arrays["hash"]], dtype=object)
    archs = Architectures(
        SPACE,
        ids,
        unpack_adjacency(arrays["adjacency"]),
        arrays["operations"].astype(np.int16),
        {"params": arrays["params"].astype(np.float64), "training_time": np.nanmean(arrays["training_time"], axis=1)},
    )
    targets = {name: np.nanmean(arrays[name].astype(np.float64), axis=1) for name in NB101.targets}
    return BenchmarkTable(archs, targets)


def load_shipped() -> dict[str, np.ndarray]:
    expected = {"hash": (16,), "adjacency": (), "operations": (SPACE.max_nodes,), "params": ()}
    expected.update({name: (3,) for name in REPEAT_ARRAYS})
    return load_npz(shipped_path(DATA_FILE), expected)


def arrays_from_tfrecord(path: Path, epochs: int = 108) -> dict[str, np.ndarray]:
    """Collect the 3 repeats of every cell at the ``epochs`` budget from an official TFRecord file."""
    cells: dict[str, dict] = {}
    repeats: dict[str, list] = defaultdict(list)
    for record in read_nb101_tfrecord(path):
        if record.epochs != epochs:
            continue
        if record.module_hash not in cells:
            cells[record.module_hash] = {
                "adjacency": record.adjacency,
                "ops": record.operations,
                "params": record.trainable_parameters,
            }
        if len(record.evaluations) < 2:
            raise DataFileError(path, f"cell {record.module_hash}: expected halfway and final evaluations")
        halfway, final = record.evaluations[-2], record.evaluations[-1]
        repeats[record.module_hash].append(
            (final.validation_accuracy, final.test_accuracy, halfway.validation_accuracy, final.training_time)
        )
    if not cells:
        raise DataFileError(path, f"no records with {epochs} epochs; expected an NB101 TFRecord file")
    hashes = sorted(cells)
    n = len(hashes)
    out = {
        "hash": np.frombuffer(bytes.fromhex("".join(hashes)), dtype=np.uint8).reshape(n, 16),
        "operations": np.full((n, SPACE.max_nodes), -1, dtype=np.int8),
        "params": np.array([cells[h]["params"] for h in hashes], dtype=np.int64),
    }
    matrices = np.zeros((n, SPACE.max_nodes, SPACE.max_nodes), dtype=np.uint8)
    for k, h in enumerate(hashes):
        ops = cells[h]["ops"]
        size = len(ops)
        matrices[k, :size, :size] = np.frombuffer(cells[h]["adjacency"].encode(), dtype=np.uint8).reshape(
            size, size
        ) - ord("0")
        out["operations"][k, :size] = [SPACE.operations.index(op) for op in ops]
    out["adjacency"] = pack_adjacency(matrices)
    runs = np.full((n, 3, len(REPEAT_ARRAYS)), np.nan)
    for k, h in enumerate(hashes):
        values = repeats[h][:3]
        runs[k, : len(values)] = values
    for j, name in enumerate(REPEAT_ARRAYS):
        out[name] = runs[:, :, j]
    return out


class NB101(Benchmark):
    """NAS-Bench-101 on CIFAR-10 (mean of the 3 training repeats)."""

    name = "nb101"
    description = "NAS-Bench-101 cells on CIFAR-10, 108 epochs: mean validation/test accuracy of 3 repeats"
    targets = ("val_accuracy", "test_accuracy", "halfway_val_accuracy")
    default_target = "val_accuracy"
    citation = (
        "Ying et al., NAS-Bench-101, ICML 2019 (Apache-2.0). Compact table of 151,644 cells from "
        "apourchot/to_share_or_not_to_share (MIT)."
    )
    input_files = ("path",)

    def __init__(self, path: str | None = None, epochs: int = 108) -> None:
        self.path = path
        self.epochs = int(epochs)
        if self.epochs not in (4, 12, 36, 108):
            raise ConfigError(f"benchmark nb101: epochs must be one of 4, 12, 36, 108 (got {epochs})")
        if path is None and self.epochs != 108:
            raise ConfigError("benchmark nb101: the shipped table has 108 epochs only; pass path=FILE for others")

    def load(self, context: SuiteContext | None = None) -> BenchmarkTable:
        if self.path is None:
            return _build_table(load_shipped())
        return _build_table(arrays_from_tfrecord(Path(self.path), self.epochs))
