"""The NAS-Bench-201 network: stem, three stages of cells joined by residual reduction blocks.

Follows the network NAS-Bench-201 trained (Dong & Yang, ICLR 2020, Sec. 2.1): a 3x3 conv-BN stem
with ``C`` channels, ``N`` cells per stage at ``C``, ``2C`` and ``4C`` channels, a residual block
with stride 2 between stages, BN-ReLU, global average pooling and a linear classifier. Cell edges
are ReLU-Conv-BN (1x1 or 3x3), 3x3 average pooling, identity or zero. With ``C=16, N=5`` the
parameter count equals the table's (checked against all 15,625 cells in the tests).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import torch
from torch import nn

from nasbench_suite import Architectures, GeneratedWeight, NetworkBuilder
from nbs_tables.nb201 import SPACE


class ReLUConvBN(nn.Sequential):
    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int = 1) -> None:
        super().__init__(
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=kernel // 2, bias=False),
            nn.BatchNorm2d(c_out),
        )


class ResidualReduction(nn.Module):
    """The stride-2 residual block between stages (ResNet basic block with an avg-pool shortcut)."""

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.conv_a = ReLUConvBN(c_in, c_out, 3, stride=2)
        self.conv_b = ReLUConvBN(c_out, c_out, 3)
        self.shortcut = nn.Sequential(nn.AvgPool2d(2, stride=2), nn.Conv2d(c_in, c_out, 1, bias=False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.shortcut(x) + self.conv_b(self.conv_a(x))


#: The edge operations with weights (a hypernetwork generates them), with their kernel size.
CONVOLUTIONS = {"nor_conv_1x1": 1, "nor_conv_3x3": 3}


def edge_module(operation: str, channels: int) -> nn.Module | None:
    """The module of one cell edge; ``None`` for ``none`` (the edge contributes zeros)."""
    if operation == "none":
        return None
    if operation == "skip_connect":
        return nn.Identity()
    if operation == "nor_conv_1x1":
        return ReLUConvBN(channels, channels, 1)
    if operation == "nor_conv_3x3":
        return ReLUConvBN(channels, channels, 3)
    if operation == "avg_pool_3x3":
        return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
    raise ValueError(f"unknown NAS-Bench-201 operation {operation!r}")


class NB201Cell(nn.Module):
    """Node ``j`` is the sum over edges ``i -> j`` of ``op(node i)``; the last node is the output."""

    def __init__(self, edges: tuple[tuple[int, int], ...], operations: list[str], channels: int) -> None:
        super().__init__()
        self.num_nodes = max(dst for _, dst in edges) + 1
        self.edges = [(src, dst) for (src, dst), op in zip(edges, operations) if op != "none"]
        self.ops = nn.ModuleList(edge_module(op, channels) for op in operations if op != "none")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        nodes: list[torch.Tensor | None] = [x] + [None] * (self.num_nodes - 1)
        for (src, dst), op in zip(self.edges, self.ops):
            if nodes[src] is None:  # every edge into src was `none`
                continue
            value = op(nodes[src])
            nodes[dst] = value if nodes[dst] is None else nodes[dst] + value
        out = nodes[-1]
        return torch.zeros_like(x) if out is None else out


def _skeleton(
    make_cell: Callable[[int], nn.Module], num_classes: int, channels: int, cells_per_stage: int
) -> tuple[nn.Module, list[nn.Module], nn.Module, nn.Module, nn.Module]:
    """The NB201 stem, the blocks (3 stages of ``make_cell(width)`` cells joined by residual
    reductions), the last activation, the pooling and the classifier."""
    stem = nn.Sequential(nn.Conv2d(3, channels, 3, padding=1, bias=False), nn.BatchNorm2d(channels))
    blocks: list[nn.Module] = []
    width = channels
    for stage in range(3):
        if stage > 0:
            blocks.append(ResidualReduction(width, width * 2))
            width *= 2
        blocks.extend(make_cell(width) for _ in range(cells_per_stage))
    last_act = nn.Sequential(nn.BatchNorm2d(width), nn.ReLU(inplace=False))
    return stem, blocks, last_act, nn.AdaptiveAvgPool2d(1), nn.Linear(width, num_classes)


class NB201SuperCell(nn.Module):
    """Every candidate operation on every edge; :meth:`forward` runs one operation per edge."""

    def __init__(self, edges: tuple[tuple[int, int], ...], candidates: tuple[str, ...], channels: int) -> None:
        super().__init__()
        self.edges = edges
        self.num_nodes = max(dst for _, dst in edges) + 1
        self.ops = nn.ModuleList(
            nn.ModuleDict({op: edge_module(op, channels) for op in candidates if op != "none"}) for _ in edges
        )

    def forward(self, x: torch.Tensor, operations: list[str]) -> torch.Tensor:
        nodes: list[torch.Tensor | None] = [x] + [None] * (self.num_nodes - 1)
        for (src, dst), choices, op in zip(self.edges, self.ops, operations):
            if op == "none" or nodes[src] is None:
                continue
            value = choices[op](nodes[src])
            nodes[dst] = value if nodes[dst] is None else nodes[dst] + value
        out = nodes[-1]
        return torch.zeros_like(x) if out is None else out


class NB201Network(nn.Module):
    def __init__(
        self,
        edges: tuple[tuple[int, int], ...],
        operations: list[str],
        num_classes: int,
        channels: int,
        cells_per_stage: int,
    ) -> None:
        super().__init__()
        stem, blocks, last_act, pool, classifier = _skeleton(
            lambda width: NB201Cell(edges, operations, width), num_classes, channels, cells_per_stage
        )
        self.stem, self.cells = stem, nn.Sequential(*blocks)  # registered in forward order
        self.last_act, self.pool, self.classifier = last_act, pool, classifier

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.last_act(self.cells(self.stem(x)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.pool(self.features(x)).flatten(1))


class NB201Supernet(nn.Module):
    """The weight-sharing NB201 network: the same skeleton, with :class:`NB201SuperCell` cells
    sharing one operation choice per edge (as every NB201 network repeats one cell)."""

    def __init__(
        self,
        edges: tuple[tuple[int, int], ...],
        candidates: tuple[str, ...],
        num_classes: int,
        channels: int,
        cells_per_stage: int,
    ) -> None:
        super().__init__()
        stem, blocks, last_act, pool, classifier = _skeleton(
            lambda width: NB201SuperCell(edges, candidates, width), num_classes, channels, cells_per_stage
        )
        self.stem, self.cells = stem, nn.ModuleList(blocks)  # registered in forward order
        self.last_act, self.pool, self.classifier = last_act, pool, classifier

    def forward(self, x: torch.Tensor, archs: Architectures, index: int) -> torch.Tensor:
        operations = [archs.space.operations[i] for i in archs[[index]].edge_operations()[0]]
        x = self.stem(x)
        for block in self.cells:
            x = block(x, operations) if isinstance(block, NB201SuperCell) else block(x)
        return self.classifier(self.pool(self.last_act(x)).flatten(1))

    # -- what a graph hypernetwork generates (GeneratesWeights): every edge's convolution ------------

    def _cells(self) -> list[tuple[int, NB201SuperCell, int]]:
        """(block index, cell, width) of every cell, in network order."""
        return [
            (k, b, b.ops[0]["nor_conv_3x3"][1].weight.shape[0])
            for k, b in enumerate(self.cells)
            if isinstance(b, NB201SuperCell)
        ]

    def generated_names(self) -> list[str]:
        return [
            f"cells.{k}.ops.{edge}.{op}.1.weight"
            for k, cell, _ in self._cells()
            for edge in range(len(cell.edges))
            for op in CONVOLUTIONS
        ]

    def generated_kinds(self) -> list[tuple[int, int]]:
        return sorted({(width, kernel) for _, _, width in self._cells() for kernel in CONVOLUTIONS.values()})

    def cell_positions(self) -> int:
        return len(self._cells())

    def generated(self, archs: Architectures, index: int) -> list[GeneratedWeight]:
        operations = [archs.space.operations[i] for i in archs[[index]].edge_operations()[0]]
        return [
            GeneratedWeight(
                f"cells.{k}.ops.{edge}.{op}.1.weight", edge + 1, position, width, CONVOLUTIONS[op], width, width
            )
            for position, (k, _, width) in enumerate(self._cells())
            for edge, op in enumerate(operations)
            if op in CONVOLUTIONS
        ]


class NB201NetworkBuilder(NetworkBuilder):
    """Builds the NAS-Bench-201 network of a cell; ``channels`` (C) and ``cells_per_stage`` (N)."""

    name = "nb201"
    description: ClassVar[str] = "NAS-Bench-201 macro skeleton (C=16, N=5 by default)"

    def __init__(self, channels: int = 16, cells_per_stage: int = 5) -> None:
        if channels < 1 or cells_per_stage < 1:
            raise ValueError(
                f"nb201 network: channels and cells_per_stage must be >= 1 (got {channels}, {cells_per_stage})"
            )
        self.channels = channels
        self.cells_per_stage = cells_per_stage

    def build(self, archs: Architectures, index: int, num_classes: int) -> nn.Module:
        edges = archs.space.cell_edges
        if edges is None:
            raise ValueError(f"nb201 network: space {archs.space.name!r} is not edge-labelled")
        operations = [archs.space.operations[i] for i in archs.edge_operations()[index]]
        return NB201Network(edges, operations, num_classes, self.channels, self.cells_per_stage)

    def supernet(self, num_classes: int) -> nn.Module:
        candidates = tuple(op for op in SPACE.operations if op not in ("input", "output"))
        return NB201Supernet(SPACE.cell_edges, candidates, num_classes, self.channels, self.cells_per_stage)
