"""The relation graph over architectures: nearest neighbours in embedding space, Gaussian weights."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.neighbors import NearestNeighbors


@dataclass(frozen=True)
class RelationGraph:
    """Weighted directed edges ``source -> target`` between architectures (no self-loops)."""

    source: np.ndarray
    target: np.ndarray
    weight: np.ndarray


def empty_graph() -> RelationGraph:
    """A graph without edges (the GCN then acts on each architecture alone)."""
    return RelationGraph(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))


def gaussian_weights(distances: np.ndarray, sigma: float) -> np.ndarray:
    return np.exp(-(distances**2) / (2.0 * sigma**2))


def bandwidth(distances: np.ndarray) -> float:
    """Kernel width: the median distance to a nearest neighbour (1.0 if all are zero)."""
    positive = distances[distances > 0]
    return float(np.median(positive)) if positive.size else 1.0


def build_relation_graph(
    distances: np.ndarray, found: np.ndarray, sigma: float, min_similarity: float
) -> RelationGraph:
    """Symmetric k-nearest-neighbour graph from each point's ``(n, k)`` neighbour distances and
    indices, as returned by ``NearestNeighbors.kneighbors`` on the fitted points themselves."""
    n, k = found.shape
    rows = np.repeat(np.arange(n), k)
    cols, dist = found.ravel(), distances.ravel()
    keep = rows != cols
    rows, cols, dist = rows[keep], cols[keep], dist[keep]
    weight = gaussian_weights(dist, sigma)
    strong = weight >= min_similarity
    rows, cols, weight = rows[strong], cols[strong], weight[strong]
    # symmetrise: an edge in either direction becomes an edge in both, keeping the larger weight
    pairs = np.concatenate([np.stack([rows, cols], 1), np.stack([cols, rows], 1)])
    weights = np.concatenate([weight, weight])
    order = np.lexsort((-weights, pairs[:, 1], pairs[:, 0]))
    pairs, weights = pairs[order], weights[order]
    first = np.ones(len(pairs), dtype=bool)
    first[1:] = np.any(pairs[1:] != pairs[:-1], axis=1)
    return RelationGraph(pairs[first, 0], pairs[first, 1], weights[first])


def attach(
    index: NearestNeighbors, new_embeddings: np.ndarray, neighbours: int, sigma: float, offset: int
) -> RelationGraph:
    """Edges from the ``neighbours`` nearest graph nodes to each new node (numbered from ``offset``).

    Edges only point into new nodes, so attaching never changes the existing nodes' predictions, and
    each new node's prediction depends on itself and the graph only (not on other new nodes).
    """
    k = min(neighbours, index.n_samples_fit_)
    distances, found = index.kneighbors(new_embeddings, n_neighbors=k)
    target = np.repeat(np.arange(len(new_embeddings)) + offset, k)
    return RelationGraph(found.ravel(), target, gaussian_weights(distances.ravel(), sigma))
