"""The benchmark contract: a table of cells with their graphs, targets and costs.

A benchmark plugin subclasses :class:`Benchmark`, sets ``name``, ``description``, ``targets``
and ``default_target``, and implements :meth:`Benchmark.load` returning a :class:`BenchmarkTable`.
Keyword options of ``__init__`` (e.g. ``path`` to a user's official data file) are set from a spec,
``--benchmark NAME:key=value``; the harness keeps ``target=`` (which metric to predict) for itself.
``load()`` runs again in every worker process (``--jobs``, Dask): keep it deterministic, and cache
expensive work on disk (:func:`nasbench_suite.cache_dir`).
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from nasbench_suite.contracts.architectures import Architectures
from nasbench_suite.contracts.configurable import Configurable
from nasbench_suite.deprecation import warn

if TYPE_CHECKING:
    from nasbench_suite.contracts.context import SuiteContext


@dataclass(frozen=True, eq=False)
class BenchmarkTable:
    """A loaded benchmark: every cell's graph, target metrics and costs.

    Attributes:
        archs: all cells of the table (their ``costs`` hold params/FLOPs/latency where known).
        targets: metric name -> ``(n,)`` float64 array (NaN where the table has no value).
        mutation_encoding: ``(n, d)`` integer array in which one mutation of the space changes one
            column; used to find neighbours. Defaults to the flattened graph encoding.
    """

    archs: Architectures
    targets: Mapping[str, np.ndarray]
    mutation_encoding: np.ndarray | None = None
    _neighbour_index: dict[int, np.ndarray] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for name, values in self.targets.items():
            if len(values) != len(self.archs):
                raise ValueError(f"target {name!r}: expected {len(self.archs)} values (got {len(values)})")

    def __len__(self) -> int:
        return len(self.archs)

    def indices_with(self, target: str) -> np.ndarray:
        """Indices of the cells that have a value for ``target``."""
        return np.flatnonzero(np.isfinite(self.targets[target]))

    def sample(self, n: int, rng: np.random.Generator, exclude: np.ndarray | None = None) -> np.ndarray:
        """Deprecated since 0.2.0: ``n`` distinct cell indices drawn uniformly, avoiding ``exclude``."""
        warn("table_sample")
        pool = np.arange(len(self)) if exclude is None else np.setdiff1d(np.arange(len(self)), exclude)
        if n > len(pool):
            raise ValueError(f"cannot sample {n} cells from {len(pool)} available")
        return rng.choice(pool, size=n, replace=False)

    def enumerate(self) -> np.ndarray:
        """Deprecated since 0.2.0: every cell index (``numpy.arange(len(table))``)."""
        warn("table_enumerate")
        return np.arange(len(self))

    @cached_property
    def _encoding(self) -> np.ndarray:
        if self.mutation_encoding is not None:
            return np.asarray(self.mutation_encoding)
        upper = np.triu_indices(self.archs.space.max_nodes, k=1)
        edges = self.archs.adjacency[:, upper[0], upper[1]].astype(np.int16)
        return np.concatenate([edges, self.archs.operations.astype(np.int16)], axis=1)

    def _masked_keys(self, rows: np.ndarray) -> np.ndarray:
        """``(d, len(rows))``: per column, each row's 64-bit hash of its encoding with that column
        masked; rows that differ only in that column share the key (unsigned arithmetic wraps: hashes
        modulo 2**64, collisions possible and checked by the caller)."""
        terms = rows.astype(np.int64).astype(np.uint64) * _hash_weights(rows.shape[1])
        return terms.sum(axis=1, dtype=np.uint64)[None, :] - terms.T

    @cached_property
    def _neighbour_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """Per column, the masked keys of every cell sorted along the column's row, and the sorting
        order: a ``(d, n)`` sort instead of ``d`` row-wise uniques (building it on NB101's 151,644
        cells went from 83-100 s to about 2 s)."""
        keys = self._masked_keys(self._encoding)
        order = np.argsort(keys, axis=1, kind="stable")
        return np.take_along_axis(keys, order, axis=1), order.astype(np.int32 if len(self) < 2**31 else np.int64)

    def neighbours(self, index: int) -> np.ndarray:
        """Other cells of the table whose encodings differ from cell ``index``'s in at most one column:
        one mutation away (cells with an identical encoding included)."""
        if index not in self._neighbour_index:
            encoding = self._encoding
            if encoding.shape[1] == 0:
                found = np.zeros(0, dtype=np.int64)  # no columns, no mutations
            else:
                sorted_keys, order = self._neighbour_keys
                keys = self._masked_keys(encoding[index : index + 1])[:, 0]
                found = np.unique(np.concatenate([
                    order[column, np.searchsorted(row, key, "left") : np.searchsorted(row, key, "right")]
                    for column, (row, key) in enumerate(zip(sorted_keys, keys))
                ]))  # fmt: skip
                same_elsewhere = (encoding[found] != encoding[index]).sum(axis=1) <= 1  # not a hash collision
                found = found[same_elsewhere & (found != index)]
            self._neighbour_index[index] = found.astype(np.int64)
        return self._neighbour_index[index]


@cache
def _hash_weights(columns: int) -> np.ndarray:
    """Odd 62-bit weights of the encoding's columns for :meth:`BenchmarkTable._masked_keys`, the same
    in every process; drawn once per width, not on every neighbour look-up (read-only)."""
    weights = np.random.default_rng(0).integers(1, 2**62, size=columns, dtype=np.uint64) | np.uint64(1)
    weights.flags.writeable = False
    return weights


class Benchmark(Configurable, abc.ABC):
    """Base class of benchmark plugins."""

    citation: ClassVar[str] = ""
    targets: ClassVar[tuple[str, ...]]
    default_target: ClassVar[str]
    #: The targets where lower is better (latency, energy, error); every other target is maximised.
    #: The harness scores and searches a minimised target the right way round: precision@k and the
    #: top regions are its lowest cells, and a search looks for its lowest value.
    lower_is_better: ClassVar[tuple[str, ...]] = ()
    #: False when loading computes something heavy (training a supernet); ``nasbench-suite
    #: benchmarks`` then lists the benchmark without loading it (see :meth:`expected_size`).
    cheap_to_load: ClassVar[bool] = True
    harness_options = ("target",)
    kind_label = "benchmark"

    @abc.abstractmethod
    def load(self, context: SuiteContext) -> BenchmarkTable:
        """Read (or compute) the table; raise :class:`~nasbench_suite.errors.DataFileError` on a bad
        file. ``context`` gives the run's other plugins (another benchmark's table, a network
        builder); a benchmark that needs none may ignore it."""

    def target_names(self) -> tuple[str, ...]:
        """The metrics this configuration offers (the class's ``targets``; a benchmark whose targets
        depend on its options, e.g. the columns of a user's file, overrides it)."""
        return tuple(self.targets)

    def minimises(self, target: str) -> bool:
        """Whether lower values of ``target`` are better (the class's ``lower_is_better``)."""
        return target in self.lower_is_better

    def default_target_name(self) -> str:
        """The metric predicted when a spec names none (the class's ``default_target``)."""
        return self.default_target

    def expected_size(self) -> int | None:
        """How many cells :meth:`load` will return, if known without loading (listings show it for
        benchmarks that are not cheap to load)."""
        return None
