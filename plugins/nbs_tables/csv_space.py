"""``csv``: a benchmark from a user's CSV file of architectures in a known space, with their metrics.

``--benchmark "csv:path=my_space.csv,space=nb201,target=acc"``. The file holds one architecture per
row and any number of numeric metric columns, each of them a target (``target=`` picks one; the
default is the first) and a per-cell cost (a job never hands its target to a predictor as a cost):

* ``space=nb201``: a column of NAS-Bench-201 cell strings (``|nor_conv_3x3~0|+|...|``, operations
  ``none``, ``skip_connect``, ``nor_conv_1x1``, ``nor_conv_3x3``, ``avg_pool_3x3``), found by content
  or named with ``arch=``;
* ``space=nb101``: an adjacency column (the 0/1 matrix row-major, as ``0110...`` or
  ``[[0, 1, 1], ...]``) and an operations column (``input``, then ``conv3x3-bn-relu``,
  ``conv1x1-bn-relu`` or ``maxpool3x3`` per inner node, then ``output``; joined by ``,`` ``;`` or
  ``|``, or written as a list), named ``adjacency`` and ``ops`` unless ``adjacency=`` / ``ops=``
  say otherwise; cells are keyed by the official NB101 hash.

Cells get their space's parameter count (``params``, for ``classes=`` classes; NB101's counted as
NAS-Bench-101's ``trainable_parameters``) unless the file has a ``params`` column, or ``params=``
names the column of this file that holds it (a column equal to the target is never handed to a
predictor as a cost, whatever its name), and their
space's mutations and network builder, so every predictor (proxies and hypernetworks included) and
every strategy works on them. A missing column is a one-line error that lists the file's columns and
names the option to set where a column looks like the one wanted; a row that is not a valid cell, a
cell given twice, or a bad metric is a one-line error naming the file, the column and the row.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from nasbench_suite import (
    Architectures,
    Benchmark,
    BenchmarkTable,
    ConfigError,
    DataFileError,
    SuiteContext,
    file_row,
    from_lists,
    numeric_columns,
    read_frame,
)
from nbs_tables import nb101, nb201

SPACES = ("nb201", "nb101")


class CsvBenchmark(Benchmark):
    name = "csv"
    description = (
        "architectures of a known space (NB201 cell strings, or NB101 adjacency + ops) with metrics, from a CSV"
    )
    citation = (
        "Your own data; the space's: Dong & Yang, NAS-Bench-201, ICLR 2020 / Ying et al., NAS-Bench-101, ICML 2019."
    )
    targets = ()  # the file's numeric columns (target_names)
    default_target = ""
    input_files = ("path",)

    def __init__(
        self, path: str = "", space: str = "nb201", arch: str = "", adjacency: str = "adjacency", ops: str = "ops",
        params: str = "params", classes: int = 10,
    ) -> None:  # fmt: skip
        self.path, self.space, self.arch = path, space, arch
        self.adjacency, self.ops, self.params, self.classes = adjacency, ops, params, classes

    def validate(self) -> None:
        if not self.path:
            raise ConfigError("benchmark csv: path= is needed (the CSV file of architectures and metrics)")
        if self.space not in SPACES:
            raise ConfigError(f"benchmark csv: space must be one of {', '.join(SPACES)} (got {self.space!r})")
        if not isinstance(self.classes, int) or self.classes < 1:
            raise ConfigError(f"benchmark csv: classes must be a positive integer (got {self.classes!r})")
        if not isinstance(self.params, str) or not self.params:
            raise ConfigError(f"benchmark csv: params must name a column (got {self.params!r})")

    def _structure_columns(self, frame) -> list[str]:
        if self.space == "nb101":
            for option, column, what, looks in (
                ("adjacency", self.adjacency, "the 0/1 adjacency matrices", _looks_like_adjacency),
                (
                    "ops",
                    self.ops,
                    f"the operation labels: input, {', '.join(nb101.OPERATIONS)}, output",
                    _looks_like_ops,
                ),
            ):
                if column not in frame.columns:
                    raise DataFileError(self.path, _missing_column(frame, column, option, what, looks))
            return [self.adjacency, self.ops]
        if self.arch:
            if self.arch not in frame.columns:
                raise DataFileError(self.path, f"no column {self.arch!r}; the columns are {', '.join(frame.columns)}")
            return [self.arch]
        for column in frame.columns:
            if frame[column].astype(str).str.strip().str.startswith("|").all():
                return [column]
        raise DataFileError(
            self.path,
            f"no column of NB201 cell strings (|op~0|+|op~0|op~1|+|...| with operations "
            f"{', '.join(nb201.OPERATIONS)}); the columns are {', '.join(frame.columns)}; name it with arch=",
        )

    def _metrics(self) -> dict[str, np.ndarray]:
        frame = read_frame(self.path)
        return numeric_columns(frame, self.path, self._structure_columns(frame))

    def target_names(self) -> tuple[str, ...]:
        self.validate()
        return tuple(self._metrics())

    def default_target_name(self) -> str:
        names = self.target_names()
        if not names:
            raise DataFileError(self.path, "has no numeric metric column to predict")
        return names[0]

    def load(self, context: SuiteContext | None = None) -> BenchmarkTable:
        self.validate()
        frame = read_frame(self.path)
        structure = self._structure_columns(frame)
        metrics = numeric_columns(frame, self.path, structure)
        if not metrics:
            raise DataFileError(self.path, "has no numeric metric column to predict")
        if self.params != "params" and self.params not in metrics:
            numeric = ", ".join(metrics) or "none"
            raise DataFileError(
                self.path, f"params={self.params}: no numeric column {self.params!r} (numeric columns: {numeric})"
            )
        archs, encoding = (
            self._nb201(frame, structure[0], metrics) if self.space == "nb201" else self._nb101(frame, metrics)
        )
        _, first, counts = np.unique(archs.ids, return_index=True, return_counts=True)
        if (counts > 1).any():
            repeated = [k for k in range(len(archs)) if k not in set(first)][0]
            raise DataFileError(self.path, f"{file_row(repeated)}: cell {archs.ids[repeated]!r} appears twice")
        return BenchmarkTable(archs, metrics, encoding)

    def _nb201(self, frame, column: str, metrics: dict[str, np.ndarray]) -> tuple[Architectures, np.ndarray]:
        edge_ops = np.empty((len(frame), len(nb201.EDGES)), dtype=np.int64)
        for row, cell in enumerate(frame[column]):
            try:
                edge_ops[row] = [nb201.OPERATIONS.index(op) for op in nb201.parse_cell(cell)]
            except ValueError as exc:
                raise DataFileError(self.path, f"column {column}, {file_row(row)}: {exc}") from None
        archs = nb201.architectures_from_ops(edge_ops, self.classes)
        costs = self._costs(metrics, lambda: archs.costs["params"])
        return Architectures(archs.space, archs.ids, archs.adjacency, archs.operations, costs), edge_ops

    def _costs(self, metrics: dict[str, np.ndarray], counted: Callable[[], np.ndarray]) -> dict[str, np.ndarray]:
        """The metrics as costs, with ``params``: the file's column ``params=`` names, else the count
        for the space."""
        costs = dict(metrics)
        costs["params"] = metrics[self.params] if self.params in metrics else np.asarray(counted(), dtype=np.float64)
        return costs

    def _nb101(self, frame, metrics: dict[str, np.ndarray]) -> tuple[Architectures, None]:
        matrices, labels, ids = [], [], []
        for row, (bits, ops) in enumerate(zip(frame[self.adjacency], frame[self.ops])):
            labels.append([op.strip(" '\"") for op in re.split(r"[,;|]", str(ops).strip().strip("[]")) if op.strip()])
            size = len(labels[-1])
            digits = re.sub(r"[\s,\[\]]", "", str(bits))
            try:
                matrix = np.array([int(bit) for bit in digits], dtype=np.uint8).reshape(size, size)
            except ValueError:
                raise DataFileError(
                    self.path,
                    f"column {self.adjacency}, {file_row(row)}: expected {size}x{size} 0/1 digits for {size} ops",
                ) from None
            problem = nb101.cell_problem(matrix, labels[-1])
            if problem:
                raise DataFileError(self.path, f"{file_row(row)}: {problem}")
            matrices.append(matrix)
            ids.append(nb101.module_hash(matrix, labels[-1]))
        costs = self._costs(
            metrics, lambda: [nb101.parameter_count(m, o, self.classes) for m, o in zip(matrices, labels)]
        )
        return from_lists(nb101.SPACE, ids, matrices, labels, costs), None


def _looks_like_adjacency(values) -> bool:
    """0/1 digits (brackets, commas and spaces aside) in a square number of at least 4 per row."""
    digits = [re.sub(r"[\s,\[\]]", "", str(value)) for value in values]
    return all(re.fullmatch(r"[01]{4,}", d) and round(len(d) ** 0.5) ** 2 == len(d) for d in digits)


def _looks_like_ops(values) -> bool:
    return all("input" in str(value) and "output" in str(value) for value in values)


def _missing_column(frame, column: str, option: str, what: str, looks: Callable) -> str:
    """``no column 'ops' (...); the columns are ...; name it with ops=operations``."""
    candidates = [c for c in frame.columns if c != column and len(frame) and looks(frame[c].head(20))]
    hint = f"name it with {option}={candidates[0] if candidates else 'COLUMN'}"
    return f"no column {column!r} for {what}; the columns are {', '.join(map(str, frame.columns))}; {hint}"
