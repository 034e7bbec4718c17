"""Neural network modules shared by the GNN predictors."""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.nn import GCNConv, global_add_pool, global_mean_pool

from nbs_gnn.cell_graphs import CellGraphBatch


class DirectedGCNLayer(nn.Module):
    """One GCN step over a DAG: messages along the edges, against them, and a self term."""

    def __init__(self, in_dim: int, out_dim: int) -> None:
        super().__init__()
        self.forward_conv = GCNConv(in_dim, out_dim, add_self_loops=False, normalize=True)
        self.backward_conv = GCNConv(in_dim, out_dim, add_self_loops=False, normalize=True)
        self.self_linear = nn.Linear(in_dim, out_dim)

    def forward(self, h: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        return self.self_linear(h) + self.forward_conv(h, edge_index) + self.backward_conv(h, edge_index.flip(0))


class CellGCN(nn.Module):
    """Cell-graph regressor: directed GCN layers over each cell, mean+sum readout, MLP head."""

    def __init__(self, num_operations: int, hidden: int = 64, layers: int = 3, dropout: float = 0.1) -> None:
        super().__init__()
        dims = [num_operations] + [hidden] * layers
        self.convs = nn.ModuleList(DirectedGCNLayer(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.norms = nn.ModuleList(nn.LayerNorm(hidden) for _ in range(layers))
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def embed(self, graph: CellGraphBatch) -> torch.Tensor:
        h = graph.x
        for conv, norm in zip(self.convs, self.norms):
            h = self.dropout(torch.relu(norm(conv(h, graph.edge_index))))
        return torch.cat(
            [global_mean_pool(h, graph.batch, graph.num_cells), global_add_pool(h, graph.batch, graph.num_cells)],
            dim=1,
        )

    def forward(self, graph: CellGraphBatch) -> torch.Tensor:
        return self.head(self.embed(graph)).squeeze(-1)
