"""Turn a batch of cells into one disjoint-union graph for torch-geometric, vectorised."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from nasbench_suite import Architectures


@dataclass(frozen=True)
class CellGraphBatch:
    """Node features, directed edges (input -> output direction) and the cell of each node."""

    x: torch.Tensor  # (nodes, num_operations) one-hot operations
    edge_index: torch.Tensor  # (2, edges)
    batch: torch.Tensor  # (nodes,) cell index of each node
    num_cells: int

    def to(self, device: torch.device) -> CellGraphBatch:
        return CellGraphBatch(self.x.to(device), self.edge_index.to(device), self.batch.to(device), self.num_cells)


def cell_graph_batch(archs: Architectures) -> CellGraphBatch:
    """One graph holding every cell of ``archs`` (padding nodes dropped), built without Python loops."""
    n, v = archs.operations.shape
    used = archs.operations >= 0
    new_id = np.cumsum(used.ravel()) - 1  # global id of each used (cell, node) slot
    cell, src, dst = np.nonzero(archs.adjacency)
    edge_index = np.stack([new_id[cell * v + src], new_id[cell * v + dst]])
    x = archs.onehot_operations()[used]
    batch = np.repeat(np.arange(n), used.sum(axis=1))
    return CellGraphBatch(
        torch.from_numpy(x),
        torch.from_numpy(edge_index.astype(np.int64)),
        torch.from_numpy(batch.astype(np.int64)),
        n,
    )
