"""The NAS-Bench-101 network: a conv stem, three stacks of cells with max-pool downsampling.

Follows the network NAS-Bench-101 trained (Ying et al., ICML 2019, Sec. 2.1 and its
``model_builder``): a 3x3 conv-BN-ReLU stem with 128 channels; 3 stacks of 3 cells; a 2x2 max-pool
and doubled channels before stacks 2 and 3; global average pooling and a dense layer. Inside a cell
the output channels are split among the vertices that feed the output (concatenated), other
vertices take the largest width of their successors, inputs of wider vertices are truncated and the
cell input reaches a vertex through a 1x1 conv-BN-ReLU projection. With the defaults the parameter
count equals the table's ``trainable_parameters`` (checked in the tests), as does
:func:`nbs_tables.nb101.parameter_count`, which counts without building the network. The weight-sharing form
of the space, one network for every cell, is :mod:`nbs_tables.networks.nb101_supernet`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import numpy as np
import torch
from torch import nn

from nasbench_suite import Architectures, NetworkBuilder
from nbs_tables.nb101 import vertex_channels


class ConvBNReLU(nn.Sequential):
    def __init__(self, c_in: int, c_out: int, kernel: int) -> None:
        super().__init__(
            nn.Conv2d(c_in, c_out, kernel, padding=kernel // 2, bias=False),
            nn.BatchNorm2d(c_out, eps=1e-5, momentum=0.003),  # TF momentum 0.997
            nn.ReLU(inplace=False),
        )


def vertex_operation(operation: str, channels: int) -> nn.Module:
    if operation == "conv3x3-bn-relu":
        return ConvBNReLU(channels, channels, 3)
    if operation == "conv1x1-bn-relu":
        return ConvBNReLU(channels, channels, 1)
    if operation == "maxpool3x3":
        return nn.MaxPool2d(3, stride=1, padding=1)
    raise ValueError(f"unknown NAS-Bench-101 operation {operation!r}")


class NB101Cell(nn.Module):
    def __init__(self, matrix: np.ndarray, operations: list[str], c_in: int, c_out: int) -> None:
        super().__init__()
        self.matrix = matrix
        n = len(matrix)
        self.channels = vertex_channels(c_in, c_out, matrix)
        self.ops = nn.ModuleList(
            [nn.Identity()] + [vertex_operation(operations[v], self.channels[v]) for v in range(1, n - 1)]
        )
        projections = {v: ConvBNReLU(c_in, self.channels[v], 1) for v in range(1, n - 1) if matrix[0, v]}
        if matrix[0, -1]:
            projections[n - 1] = ConvBNReLU(c_in, c_out, 1)
        self.projections = nn.ModuleDict({str(v): module for v, module in projections.items()})

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = len(self.matrix)
        values = [x]
        for v in range(1, n - 1):
            inputs = [values[src][:, : self.channels[v]] for src in range(1, v) if self.matrix[src, v]]
            if self.matrix[0, v]:
                inputs.append(self.projections[str(v)](x))
            values.append(self.ops[v](sum(inputs[1:], inputs[0])))
        to_output = [values[v] for v in range(1, n - 1) if self.matrix[v, -1]]
        out = torch.cat(to_output, dim=1) if to_output else None
        if self.matrix[0, -1]:
            projected = self.projections[str(n - 1)](x)
            out = projected if out is None else out + projected
        return out


def cell_of(archs: Architectures, index: int) -> tuple[np.ndarray, list[str]]:
    """The adjacency matrix and operation labels of cell ``archs[index]`` (padding dropped)."""
    size = int(archs.num_nodes[index])
    matrix = archs.adjacency[index, :size, :size].astype(np.int64)
    return matrix, [archs.space.operations[i] for i in archs.operations[index, :size]]


def skeleton(
    make_cell: Callable[[int, int], nn.Module], stem_channels: int, num_stacks: int, cells_per_stack: int
) -> tuple[nn.Module, list[nn.Module], int]:
    """The NB101 stem, the blocks (stacks of ``make_cell(c_in, c_out)`` cells with a 2x2 max-pool and
    doubled channels before every stack but the first), and the final width."""
    blocks: list[nn.Module] = []
    c_in = channels = stem_channels
    for stack in range(num_stacks):
        if stack > 0:
            blocks.append(nn.MaxPool2d(2, stride=2))
            channels *= 2
        for _ in range(cells_per_stack):
            blocks.append(make_cell(c_in, channels))
            c_in = channels
    return ConvBNReLU(3, stem_channels, 3), blocks, channels


class NB101Network(nn.Module):
    def __init__(
        self,
        matrix: np.ndarray,
        operations: list[str],
        num_classes: int,
        stem_channels: int,
        num_stacks: int,
        cells_per_stack: int,
    ) -> None:
        super().__init__()
        self.stem, blocks, width = skeleton(
            lambda c_in, c_out: NB101Cell(matrix, operations, c_in, c_out), stem_channels, num_stacks, cells_per_stack
        )
        self.cells = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(width, num_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.cells(self.stem(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.pool(self.features(x)).flatten(1))


class NB101NetworkBuilder(NetworkBuilder):
    """Builds the NAS-Bench-101 network of a cell; ``stem_channels``, ``num_stacks``, ``cells_per_stack``."""

    name = "nb101"
    description: ClassVar[str] = "NAS-Bench-101 skeleton (128-channel stem, 3 stacks x 3 cells by default)"

    def __init__(self, stem_channels: int = 128, num_stacks: int = 3, cells_per_stack: int = 3) -> None:
        if min(stem_channels, num_stacks, cells_per_stack) < 1:
            raise ValueError("nb101 network: stem_channels, num_stacks and cells_per_stack must be >= 1")
        self.stem_channels = stem_channels
        self.num_stacks = num_stacks
        self.cells_per_stack = cells_per_stack

    def build(self, archs: Architectures, index: int, num_classes: int) -> nn.Module:
        matrix, operations = cell_of(archs, index)
        return NB101Network(matrix, operations, num_classes, self.stem_channels, self.num_stacks, self.cells_per_stack)

    def supernet(self, num_classes: int) -> nn.Module:
        from nbs_tables.networks.nb101_supernet import NB101Supernet

        return NB101Supernet(num_classes, self.stem_channels, self.num_stacks, self.cells_per_stack)
