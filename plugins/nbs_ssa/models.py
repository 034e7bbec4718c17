"""The assessor's two networks: an architecture auto-encoder and a GCN over the relation graph."""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.nn import GCNConv


def mlp(input_dim: int, hidden: int, output_dim: int) -> nn.Sequential:
    """Two hidden ReLU layers of width ``hidden``."""
    return nn.Sequential(
        nn.Linear(input_dim, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, output_dim)
    )


class ArchitectureAutoEncoder(nn.Module):
    """MLP auto-encoder of the binary adjacency + one-hot operation encoding."""

    def __init__(self, input_dim: int, hidden: int, embedding_dim: int) -> None:
        super().__init__()
        self.encoder = mlp(input_dim, hidden, embedding_dim)
        self.decoder = mlp(embedding_dim, hidden, input_dim)


class GraphEncoderAutoEncoder(nn.Module):
    """Auto-encoder whose encoder is a directed GCN over the cell graph (decoder: MLP to the encoding)."""

    def __init__(self, num_operations: int, output_dim: int, hidden: int, embedding_dim: int) -> None:
        super().__init__()
        from nbs_gnn.layers import CellGCN

        self.graph_encoder = CellGCN(num_operations, hidden=hidden, layers=3, dropout=0.0)
        self.project = nn.Linear(2 * hidden, embedding_dim)
        self.decoder = mlp(embedding_dim, hidden, output_dim)

    def encode(self, graph) -> torch.Tensor:
        return self.project(self.graph_encoder.embed(graph))


class RelationGCNLayer(nn.Module):
    """A GCN convolution over the relation graph plus a separate linear term for the node itself."""

    def __init__(self, in_dim: int, out_dim: int) -> None:
        super().__init__()
        self.conv = GCNConv(in_dim, out_dim)
        self.root = nn.Linear(in_dim, out_dim, bias=False)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, edge_weight: torch.Tensor) -> torch.Tensor:
        return self.conv(x, edge_index, edge_weight) + self.root(x)


class RelationGCN(nn.Module):
    """Two GCN layers over the relation graph, one regression output per architecture node."""

    def __init__(self, input_dim: int, hidden: int, dropout: float) -> None:
        super().__init__()
        self.first = RelationGCNLayer(input_dim, hidden)
        self.second = RelationGCNLayer(hidden, hidden)
        self.head = nn.Linear(hidden, 1)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, edge_weight: torch.Tensor) -> torch.Tensor:
        h = self.dropout(torch.relu(self.first(x, edge_index, edge_weight)))
        h = self.dropout(torch.relu(self.second(h, edge_index, edge_weight)))
        return self.head(h).squeeze(-1)
