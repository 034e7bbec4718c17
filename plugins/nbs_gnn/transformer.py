"""A DAG-masked graph transformer over a cell's nodes, in the NN-Former / FlowerFormer family.

Every cell is a small node-labelled DAG (at most 8 nodes here), so cells are processed densely: a
batch is ``(cells, V, d)`` with a boolean mask per attention head. The heads are split into four
groups that see the graph in both directions:

* ``parents`` / ``children``: each node attends to itself and its direct predecessors / successors
  (the adjacency and its transpose, as in NN-Former's adjacency-masked attention);
* ``ancestors`` / ``descendants``: each node attends to every node with a path to / from it (the
  information flow of FlowerFormer's flow-aware attention, forward and backward).

Node inputs are the operation's embedding plus embeddings of the node's depth from the input and
its height above the output (longest paths), so attention knows where in the flow a node sits. The
readout concatenates the mean over the cell's nodes with the output node's state.

On NAS-Bench-201 every cell has the same graph (its nodes are the fixed edges of the original cell,
a zeroed edge is a ``none`` node), so there the masks are the same for every cell and only the
operation embeddings tell cells apart; on NAS-Bench-101 the graph itself varies. Cutting the edges
of ``none`` nodes out of the masks (so that flow through a zeroed edge does not count) was tried on
the tuning task and not kept: Kendall tau 0.742 against 0.757 at 156 labels, 0.896 against 0.896 at
1,563 (``results/published/transformer-tuning.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from nasbench_suite import PAD, Architectures

#: The four head groups, in order.
MASKS = ("parents", "children", "ancestors", "descendants")


@dataclass(frozen=True)
class DenseCells:
    """A batch of cells as dense tensors."""

    operations: torch.Tensor  # (n, V) long, PAD replaced by num_operations (a padding embedding)
    depth: torch.Tensor  # (n, V) long: longest path from the input
    height: torch.Tensor  # (n, V) long: longest path to the output
    masks: torch.Tensor  # (n, 4, V, V) bool: query node i may attend to key node j
    used: torch.Tensor  # (n, V) bool: a real node (not padding)
    output: torch.Tensor  # (n,) long: the output node's position

    def to(self, device: torch.device) -> DenseCells:
        return DenseCells(*(getattr(self, name).to(device) for name in self.__dataclass_fields__))

    def __getitem__(self, rows: torch.Tensor) -> DenseCells:
        return DenseCells(*(getattr(self, name)[rows] for name in self.__dataclass_fields__))


def dense_cells(archs: Architectures) -> DenseCells:
    """The dense tensors of ``archs`` (vectorised over cells; loops only over the V nodes)."""
    n, v = archs.operations.shape
    used = archs.operations != PAD
    adjacency = archs.adjacency.astype(bool)
    reach = adjacency.copy()  # transitive closure: V boolean matrix products
    for _ in range(v):
        reach = reach | (np.einsum("nij,njk->nik", reach.astype(np.int32), adjacency.astype(np.int32)) > 0)
    depth = np.zeros((n, v), dtype=np.int64)
    for node in range(v):  # topological order: edges go from lower to higher index
        parents = adjacency[:, :, node]
        depth[:, node] = np.where(parents.any(axis=1), np.max(np.where(parents, depth + 1, 0), axis=1), 0)
    height = np.zeros((n, v), dtype=np.int64)
    for node in reversed(range(v)):
        children = adjacency[:, node, :]
        height[:, node] = np.where(children.any(axis=1), np.max(np.where(children, height + 1, 0), axis=1), 0)
    eye = np.broadcast_to(np.eye(v, dtype=bool), (n, v, v))
    masks = np.stack([adjacency.transpose(0, 2, 1), adjacency, reach.transpose(0, 2, 1), reach], axis=1) | eye[:, None]
    masks &= used[:, None, None, :] | eye[:, None]  # never attend to padding
    operations = np.where(used, archs.operations, archs.space.num_operations).astype(np.int64)
    output = v - 1 - np.argmax(used[:, ::-1], axis=1)  # the last used node
    return DenseCells(
        torch.from_numpy(operations),
        torch.from_numpy(np.minimum(depth, v)),
        torch.from_numpy(np.minimum(height, v)),
        torch.from_numpy(np.ascontiguousarray(masks)),
        torch.from_numpy(used),
        torch.from_numpy(output.astype(np.int64)),
    )


class MaskedAttention(nn.Module):
    """Multi-head self-attention where head group ``g`` sees only the keys its mask ``g`` allows."""

    def __init__(self, width: int, heads_per_mask: int, dropout: float) -> None:
        super().__init__()
        self.heads = heads_per_mask * len(MASKS)
        if width % self.heads:
            raise ValueError(f"width {width} must be a multiple of the {self.heads} attention heads")
        self.heads_per_mask = heads_per_mask
        self.qkv = nn.Linear(width, 3 * width)
        self.out = nn.Linear(width, width)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, masks: torch.Tensor) -> torch.Tensor:
        n, v, width = x.shape
        q, k, values = self.qkv(x).view(n, v, 3, self.heads, width // self.heads).permute(2, 0, 3, 1, 4)
        mask = masks.repeat_interleave(self.heads_per_mask, dim=1)  # (n, heads, V, V)
        scores = (q @ k.transpose(-1, -2)) / (width // self.heads) ** 0.5
        weights = self.dropout(torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1))
        return self.out((weights @ values).transpose(1, 2).reshape(n, v, width))


class Block(nn.Module):
    def __init__(self, width: int, heads_per_mask: int, dropout: float) -> None:
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.attention = MaskedAttention(width, heads_per_mask, dropout)
        self.feed = nn.Sequential(
            nn.Linear(width, 2 * width), nn.GELU(), nn.Dropout(dropout), nn.Linear(2 * width, width)
        )

    def forward(self, x: torch.Tensor, masks: torch.Tensor) -> torch.Tensor:
        x = x + self.attention(self.norm1(x), masks)
        return x + self.feed(self.norm2(x))


class DagTransformer(nn.Module):
    """Embeddings -> ``layers`` masked blocks -> [mean over nodes, output node] -> MLP -> score."""

    def __init__(self, num_operations: int, max_nodes: int, width: int, layers: int, heads_per_mask: int,
                 dropout: float) -> None:  # fmt: skip
        super().__init__()
        self.operation = nn.Embedding(num_operations + 1, width)  # + padding
        self.depth = nn.Embedding(max_nodes + 1, width)
        self.height = nn.Embedding(max_nodes + 1, width)
        self.blocks = nn.ModuleList(Block(width, heads_per_mask, dropout) for _ in range(layers))
        self.norm = nn.LayerNorm(width)
        self.head = nn.Sequential(nn.Linear(2 * width, width), nn.GELU(), nn.Linear(width, 1))

    def forward(self, cells: DenseCells) -> torch.Tensor:
        x = self.operation(cells.operations) + self.depth(cells.depth) + self.height(cells.height)
        for block in self.blocks:
            x = block(x, cells.masks)
        x = self.norm(x)
        used = cells.used.unsqueeze(-1).to(x.dtype)
        mean = (x * used).sum(dim=1) / used.sum(dim=1).clamp(min=1)
        output = x[torch.arange(len(x), device=x.device), cells.output]
        return self.head(torch.cat([mean, output], dim=-1)).squeeze(-1)
