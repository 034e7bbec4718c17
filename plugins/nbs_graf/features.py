"""GRAF's neural graph features, computed vectorised over whole tables.

For every non-empty subset ``S`` of the space's operations (``input``/``output`` excluded):

* ``min_path_len[banned=S]``: length of the shortest input-to-output path that avoids the
  operations in ``S`` (``SENTINEL`` = nodes + 1 when there is none);
* ``max_op_on_path[allowed=S]``: the largest number of operations from ``S`` on one
  input-to-output path;
* ``in_degree / out_degree / avg_in / avg_out[allowed=S]``: edges of the input node, edges into
  the output node, and the mean number of edges per node, counting only edges of ``S``;

plus ``op_count[op]`` for every operation. Edge-labelled spaces (``SearchSpace.cell_edges``, e.g.
NAS-Bench-201) are featurised on their edge-labelled cell, as in the paper: an edge "is" its
operation, so with 5 operations there are 5 + 31 x 6 = 191 features. Node-labelled spaces
(NAS-Bench-101) count operation nodes instead (an edge belongs to ``S`` when the node it leaves,
for in-degrees, or enters, for out-degrees and path counts, has an operation of ``S``) and add the
node and edge counts: 3 + 2 + 7 x 6 = 47 features.
"""

from __future__ import annotations

import numpy as np

from nasbench_suite import INPUT, OUTPUT, PAD, Architectures


def cell_operations(archs: Architectures) -> list[str]:
    """The space's operations without ``input`` and ``output``."""
    return [op for op in archs.space.operations if op not in (INPUT, OUTPUT)]


def op_subsets(num_ops: int) -> np.ndarray:
    """``(2**k - 1, k)`` bool: every non-empty subset of ``k`` operations (by bitmask order)."""
    masks = np.arange(1, 2**num_ops)
    return ((masks[:, None] >> np.arange(num_ops)) & 1).astype(bool)


def _subset_label(ops: list[str], subset: np.ndarray) -> str:
    return "+".join(op for op, chosen in zip(ops, subset) if chosen)


def feature_names(archs: Architectures) -> list[str]:
    """Names of the columns :func:`graf_features` returns for ``archs``'s space."""
    ops = cell_operations(archs)
    names = [f"op_count[{op}]" for op in ops]
    if archs.space.cell_edges is None:
        names += ["num_nodes", "num_edges"]
    labels = [_subset_label(ops, subset) for subset in op_subsets(len(ops))]
    names += [f"min_path_len[banned={label}]" for label in labels]
    names += [f"max_op_on_path[allowed={label}]" for label in labels]
    for degree in ("in_degree", "out_degree", "avg_in", "avg_out"):
        names += [f"{degree}[allowed={label}]" for label in labels]
    return names


def graf_features(archs: Architectures) -> np.ndarray:
    """``(n, d)`` float32 GRAF features of every cell (columns as in :func:`feature_names`)."""
    if archs.space.cell_edges is not None:
        return _edge_labelled_features(archs)
    return _node_labelled_features(archs)


def _edge_labelled_features(archs: Architectures) -> np.ndarray:
    edges = archs.space.cell_edges
    num_nodes = max(dst for _, dst in edges) + 1
    ops = cell_operations(archs)
    op_index = np.array([archs.space.operations.index(op) for op in ops])
    # (n, E) index into `ops`
    edge_ops = np.searchsorted(op_index, archs.edge_operations())
    subsets = op_subsets(len(ops))  # (S, K)
    in_subset = subsets[:, edge_ops].transpose(1, 0, 2)  # (n, S, E)
    n, s, _ = in_subset.shape
    counts = np.stack([(edge_ops == k).sum(axis=1) for k in range(len(ops))], axis=1)

    distance = np.full((n, s, num_nodes), np.inf)
    distance[:, :, 0] = 0
    best = np.full((n, s, num_nodes), -np.inf)
    best[:, :, 0] = 0
    for e, (src, dst) in sorted(enumerate(edges), key=lambda item: item[1][1]):
        usable = ~in_subset[:, :, e]
        distance[:, :, dst] = np.minimum(distance[:, :, dst], np.where(usable, distance[:, :, src] + 1, np.inf))
        best[:, :, dst] = np.maximum(best[:, :, dst], best[:, :, src] + in_subset[:, :, e])
    min_path = distance[:, :, -1]
    min_path[np.isinf(min_path)] = num_nodes + 1
    max_on_path = np.where(np.isinf(best[:, :, -1]), 0, best[:, :, -1])

    sources = np.array([src for src, _ in edges])
    targets = np.array([dst for _, dst in edges])
    in_degree = in_subset[:, :, sources == 0].sum(axis=2)
    out_degree = in_subset[:, :, targets == num_nodes - 1].sum(axis=2)
    mean_degree = in_subset.sum(axis=2) / num_nodes
    return np.concatenate(
        [counts, min_path, max_on_path, in_degree, out_degree, mean_degree, mean_degree], axis=1
    ).astype(np.float32)


def _node_labelled_features(archs: Architectures) -> np.ndarray:
    ops = cell_operations(archs)
    op_index = np.array([archs.space.operations.index(op) for op in ops])
    used = archs.operations != PAD  # (n, V)
    n, v = used.shape
    num_nodes = used.sum(axis=1)
    output = num_nodes - 1
    rows = np.arange(n)
    adjacency = archs.adjacency.astype(bool) & used[:, :, None] & used[:, None, :]
    counts = np.stack([(archs.operations == k).sum(axis=1) for k in op_index], axis=1)

    subsets = op_subsets(len(ops))  # (S, K)
    # (n, S, V): node's operation is in the subset (input/output/padding never are)
    is_op = archs.operations[:, :, None] == op_index[None, None, :]  # (n, V, K)
    in_subset = np.einsum("nvk,sk->nsv", is_op.astype(np.int8), subsets.astype(np.int8)) > 0
    s = len(subsets)

    distance = np.full((n, s, v), np.inf)
    distance[:, :, 0] = 0
    best = np.full((n, s, v), -np.inf)
    best[:, :, 0] = 0
    for dst in range(1, v):
        for src in range(dst):
            edge = adjacency[:, None, src, dst]  # (n, 1)
            usable = edge & ~in_subset[:, :, src] & ~in_subset[:, :, dst]
            distance[:, :, dst] = np.minimum(distance[:, :, dst], np.where(usable, distance[:, :, src] + 1, np.inf))
            step = np.where(edge, best[:, :, src] + in_subset[:, :, dst], -np.inf)
            best[:, :, dst] = np.maximum(best[:, :, dst], step)
    min_path = distance[rows, :, output]
    min_path[np.isinf(min_path)] = v + 1
    max_on_path = best[rows, :, output]
    max_on_path[np.isinf(max_on_path)] = 0

    edges_from = np.einsum("nij,nsi->nsj", adjacency.astype(np.int32), in_subset.astype(np.int32))  # (n, S, V)
    edges_into = np.einsum("nij,nsj->nsi", adjacency.astype(np.int32), in_subset.astype(np.int32))
    in_degree = edges_into[:, :, 0]  # input's edges into nodes of S
    out_degree = edges_from[rows, :, output]  # output's edges from nodes of S
    avg_in = edges_from.sum(axis=2) / num_nodes[:, None]
    avg_out = edges_into.sum(axis=2) / num_nodes[:, None]
    num_edges = adjacency.sum(axis=(1, 2))
    return np.concatenate(
        [counts, num_nodes[:, None], num_edges[:, None], min_path, max_on_path, in_degree, out_degree, avg_in, avg_out],
        axis=1,
    ).astype(np.float32)
