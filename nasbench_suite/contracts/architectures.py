"""One graph representation of architectures, shared by every search space.

Every cell is a node-labelled DAG: an upper-triangular adjacency matrix over at most
``space.max_nodes`` nodes and one operation label per node, the first node being ``input`` and
the last used node ``output``. Edge-labelled spaces (NAS-Bench-201) are converted by their
benchmark plugin. :class:`Architectures` holds a batch of such cells as padded arrays; it carries
no accuracies, so handing it to a predictor never leaks labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

INPUT = "input"
OUTPUT = "output"
PAD = -1


@dataclass(frozen=True)
class SearchSpace:
    """A space's vocabulary: operation labels (``input``/``output`` included) and the node limit.

    Attributes:
        cell_edges: for spaces whose cells are edge-labelled (NAS-Bench-201), the original cell's
            edges ``(from node, to node)``, one per operation node in node order (node 1 is the
            first edge); ``None`` for node-labelled spaces. Lets feature extractors work on the
            edge-labelled form (:meth:`Architectures.edge_operations`).
    """

    name: str
    operations: tuple[str, ...]
    max_nodes: int
    cell_edges: tuple[tuple[int, int], ...] | None = None

    def __post_init__(self) -> None:
        if INPUT not in self.operations or OUTPUT not in self.operations:
            raise ValueError(f"space {self.name!r}: operations must include {INPUT!r} and {OUTPUT!r}")
        if self.cell_edges is not None and len(self.cell_edges) != self.max_nodes - 2:
            raise ValueError(f"space {self.name!r}: expected one cell edge per operation node ({self.max_nodes - 2})")

    @property
    def num_operations(self) -> int:
        """How many operation labels the space has (``input`` and ``output`` included)."""
        return len(self.operations)


@dataclass(frozen=True, eq=False)
class Architectures:
    """A batch of cells of one search space.

    Attributes:
        space: the search space the cells belong to.
        ids: one string id per cell (stable across runs; e.g. the NB201 string or NB101 hash).
        adjacency: ``(n, V, V)`` uint8, ``adjacency[k, i, j] == 1`` for an edge i -> j (i < j).
        operations: ``(n, V)`` int16 indices into ``space.operations``; ``-1`` pads unused nodes.
        costs: per-cell costs known without training (e.g. ``params``), each an ``(n,)`` array.
    """

    space: SearchSpace
    ids: np.ndarray
    adjacency: np.ndarray
    operations: np.ndarray
    costs: Mapping[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.ids)
        v = self.space.max_nodes
        if self.adjacency.shape != (n, v, v):
            raise ValueError(f"adjacency: expected shape {(n, v, v)} (got {self.adjacency.shape})")
        if self.operations.shape != (n, v):
            raise ValueError(f"operations: expected shape {(n, v)} (got {self.operations.shape})")
        for name, values in self.costs.items():
            if len(values) != n:
                raise ValueError(f"cost {name!r}: expected {n} values (got {len(values)})")

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: np.ndarray | slice | list[int]) -> Architectures:
        """Select cells by integer indices, a boolean mask or a slice."""
        return Architectures(
            space=self.space,
            ids=self.ids[index],
            adjacency=self.adjacency[index],
            operations=self.operations[index],
            costs={name: values[index] for name, values in self.costs.items()},
        )

    def without_cost(self, name: str) -> Architectures:
        """The same cells without the cost ``name`` (itself when it has none)."""
        if name not in self.costs:
            return self
        costs = {key: values for key, values in self.costs.items() if key != name}
        return Architectures(self.space, self.ids, self.adjacency, self.operations, costs)

    @property
    def num_nodes(self) -> np.ndarray:
        """Number of used nodes in each cell."""
        return (self.operations != PAD).sum(axis=1)

    def onehot_operations(self) -> np.ndarray:
        """``(n, V, num_operations)`` float32 one-hot of node operations (zeros on padding)."""
        n, v = self.operations.shape
        out = np.zeros((n, v, self.space.num_operations), dtype=np.float32)
        rows, cols = np.nonzero(self.operations != PAD)
        out[rows, cols, self.operations[rows, cols]] = 1.0
        return out

    def edge_operations(self) -> np.ndarray:
        """``(n, E)`` operation indices of an edge-labelled space's edges (``space.cell_edges`` order).

        Indices are into ``space.operations``. Raises ``ValueError`` for node-labelled spaces.
        """
        if self.space.cell_edges is None:
            raise ValueError(f"space {self.space.name!r} is node-labelled; it has no edge operations")
        return self.operations[:, 1 : 1 + len(self.space.cell_edges)].astype(np.int64)

    def flat_encoding(self) -> np.ndarray:
        """The adjacency/one-hot encoding: upper-triangular edges followed by one-hot operations."""
        v = self.space.max_nodes
        upper = np.triu_indices(v, k=1)
        edges = self.adjacency[:, upper[0], upper[1]].astype(np.float32)
        ops = self.onehot_operations().reshape(len(self), -1)
        return np.concatenate([edges, ops], axis=1)


def from_lists(
    space: SearchSpace,
    ids: list[str],
    matrices: list[np.ndarray],
    labels: list[list[str]],
    costs: Mapping[str, np.ndarray] | None = None,
) -> Architectures:
    """Build :class:`Architectures` from per-cell adjacency matrices and operation-label lists."""
    v = space.max_nodes
    index = {name: i for i, name in enumerate(space.operations)}
    adjacency = np.zeros((len(ids), v, v), dtype=np.uint8)
    operations = np.full((len(ids), v), PAD, dtype=np.int16)
    for k, (matrix, ops) in enumerate(zip(matrices, labels)):
        size = len(ops)
        if matrix.shape != (size, size):
            raise ValueError(f"cell {ids[k]!r}: matrix shape {matrix.shape} does not match {size} ops")
        adjacency[k, :size, :size] = matrix
        try:
            operations[k, :size] = [index[op] for op in ops]
        except KeyError as exc:
            raise ValueError(
                f"cell {ids[k]!r}: unknown operation {exc.args[0]!r}; expected one of {space.operations}"
            ) from None
    return Architectures(space, np.asarray(ids, dtype=object), adjacency, operations, dict(costs or {}))
