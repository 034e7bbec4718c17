"""The path encoding of BANANAS (White et al., AAAI 2021): one bit per possible sequence of operations
on a path from the cell's input to its output.

A path is the sequence of operations of the nodes it passes through (input and output excluded); a
path through a ``none`` node (NAS-Bench-201's zeroed edge) carries nothing and is left out. Paths are
indexed by length, then by their operations as digits: ``1 + k + k**2 + ... + k**L`` bits for ``k``
operations and paths of at most ``L`` operations. Short paths come first, so truncating the encoding
to its first ``n`` bits keeps the shortest paths, as BANANAS does on NAS-Bench-101 (where the full
encoding has 364 bits and the long paths are rare).
"""

from __future__ import annotations

import numpy as np

from nasbench_suite import INPUT, OUTPUT, PAD, Architectures, SearchSpace

#: Operations that cut a path (NAS-Bench-201's zeroed edge).
CUTTING = frozenset({"none"})


def path_operations(space: SearchSpace) -> list[int]:
    """Indices (into ``space.operations``) of the operations a path can carry, in encoding order."""
    return [i for i, op in enumerate(space.operations) if op not in (INPUT, OUTPUT) and op not in CUTTING]


def longest_path(space: SearchSpace) -> int:
    """The most operations a path can pass through: the original cell's longest path for an
    edge-labelled space (each edge is a node here), else every node but input and output."""
    if space.cell_edges is None:
        return space.max_nodes - 2
    nodes = 1 + max(max(edge) for edge in space.cell_edges)
    depth = [0] * nodes
    for start, end in sorted(space.cell_edges, key=lambda edge: edge[1]):
        depth[end] = max(depth[end], depth[start] + 1)
    return depth[-1]


def encoding_length(space: SearchSpace) -> int:
    k = len(path_operations(space))
    return sum(k**length for length in range(longest_path(space) + 1))


def path_encoding(archs: Architectures, length: int | None = None) -> np.ndarray:
    """``(n, bits)`` float32 path encoding of ``archs``, truncated to its first ``length`` bits."""
    space = archs.space
    carried = path_operations(space)
    digit = {op: position for position, op in enumerate(carried)}
    k = len(carried)
    offsets = np.cumsum([0] + [k**size for size in range(longest_path(space) + 1)])
    full = int(offsets[-1])
    out = np.zeros((len(archs), full), dtype=np.float32)
    input_op, output_op = space.operations.index(INPUT), space.operations.index(OUTPUT)
    for row, (adjacency, operations) in enumerate(zip(archs.adjacency, archs.operations)):
        # paths[node] = the (length, index) of every path from the input to this node
        paths: dict[int, list[tuple[int, int]]] = {}
        for node in range(len(operations)):
            op = int(operations[node])
            if op == PAD:
                continue
            if op == input_op:
                paths[node] = [(0, 0)]
                continue
            incoming = [path for parent in np.nonzero(adjacency[:, node])[0] for path in paths.get(int(parent), ())]
            if op == output_op:
                for size, index in incoming:
                    out[row, offsets[size] + index] = 1.0
            elif op in digit:
                paths[node] = [(size + 1, index * k + digit[op]) for size, index in incoming]
    return out if length is None else out[:, : min(length, full)]
