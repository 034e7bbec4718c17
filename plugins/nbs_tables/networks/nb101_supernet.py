"""The weight-sharing form of NAS-Bench-101: one network that runs any NB101 cell.

The same skeleton as the standalone network (:mod:`nbs_tables.networks.nb101_network`), with
:class:`NB101SuperCell` cells. A NB101 cell's vertex widths depend on the cell: the output channels
are split among the vertices feeding the output, every other vertex takes its widest successor's
width. So each shared weight lives at the stack's full width and a cell's path runs on the leading
channels of it: vertex ``v``'s 3x3 and 1x1 conv-BN-ReLU at ``c_out x c_out`` (run as its
``w x w`` corner, ``w`` the vertex's width), its 1x1 input projection at ``c_out x c_in``, the
output's projection at ``c_out x c_in``; max-pooling has no weights. Batch norms use the matching
slices of their statistics and affine parameters.

A cell's path therefore has exactly the standalone network's parameters (:func:`path_parameters`
counts them; with the defaults they equal the table's ``trainable_parameters``), and the
standalone network's weights copied into those slices (:func:`inherit`) compute the same output:
both are checked in the tests. Weights are shared by vertex position within each cell position of
the network, as NB201's supernet shares them by edge.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from nasbench_suite import Architectures, GeneratedWeight
from nbs_tables.nb101 import vertex_channels
from nbs_tables.networks.nb101_network import NB101Network, cell_of, skeleton

CONVOLUTIONS = {"conv3x3-bn-relu": 3, "conv1x1-bn-relu": 1}
MAX_VERTICES = 5  # intermediate vertices of a 7-node cell


class SlicedConvBNReLU(nn.Module):
    """A conv-BN-ReLU held at ``c_in x c_out`` and run on its leading ``x.shape[1]`` inputs and
    ``width`` outputs."""

    counting: list[int] | None = None  # set while counting a path's parameters

    def __init__(self, c_in: int, c_out: int, kernel: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, kernel, padding=kernel // 2, bias=False)
        self.bn = nn.BatchNorm2d(c_out, eps=1e-5, momentum=0.003)

    def forward(self, x: torch.Tensor, width: int) -> torch.Tensor:
        weight = self.conv.weight[:width, : x.shape[1]]
        if SlicedConvBNReLU.counting is not None:
            SlicedConvBNReLU.counting.append(weight.numel() + 2 * width)
        y = F.conv2d(x, weight, padding=self.conv.padding)
        bn = self.bn
        factor = 0.0
        if bn.training and bn.track_running_stats:
            bn.num_batches_tracked.add_(1)
            factor = 1.0 / float(bn.num_batches_tracked) if bn.momentum is None else bn.momentum
        statistics = bn.running_mean is not None
        y = F.batch_norm(
            y,
            bn.running_mean[:width] if statistics else None,
            bn.running_var[:width] if statistics else None,
            bn.weight[:width],
            bn.bias[:width],
            bn.training or not statistics,
            factor,
            bn.eps,
        )
        return F.relu(y)


class NB101SuperCell(nn.Module):
    """Every vertex position's candidate convolutions and input projection, and the output's
    projection, at the cell's full width; :meth:`forward` runs one cell's path."""

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.c_in, self.c_out = c_in, c_out
        self.ops = nn.ModuleList(
            nn.ModuleDict({op: SlicedConvBNReLU(c_out, c_out, kernel) for op, kernel in CONVOLUTIONS.items()})
            for _ in range(MAX_VERTICES)
        )
        self.projections = nn.ModuleList(SlicedConvBNReLU(c_in, c_out, 1) for _ in range(MAX_VERTICES))
        self.output_projection = SlicedConvBNReLU(c_in, c_out, 1)

    def forward(self, x: torch.Tensor, matrix: np.ndarray, operations: list[str]) -> torch.Tensor:
        n = len(matrix)
        channels = vertex_channels(self.c_in, self.c_out, matrix)
        values = [x]
        for v in range(1, n - 1):
            inputs = [values[src][:, : channels[v]] for src in range(1, v) if matrix[src, v]]
            if matrix[0, v]:
                inputs.append(self.projections[v - 1](x, channels[v]))
            total = sum(inputs[1:], inputs[0])
            if operations[v] == "maxpool3x3":
                values.append(F.max_pool2d(total, 3, stride=1, padding=1))
            else:
                values.append(self.ops[v - 1][operations[v]](total, channels[v]))
        to_output = [values[v] for v in range(1, n - 1) if matrix[v, -1]]
        out = torch.cat(to_output, dim=1) if to_output else None
        if matrix[0, -1]:
            projected = self.output_projection(x, self.c_out)
            out = projected if out is None else out + projected
        return out


class NB101Supernet(nn.Module):
    """The weight-sharing NB101 network; ``forward(x, archs, index)`` runs cell ``archs[index]``."""

    def __init__(self, num_classes: int, stem_channels: int, num_stacks: int, cells_per_stack: int) -> None:
        super().__init__()
        self.stem, blocks, width = skeleton(NB101SuperCell, stem_channels, num_stacks, cells_per_stack)
        self.cells = nn.ModuleList(blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(width, num_classes)

    def forward(self, x: torch.Tensor, archs: Architectures, index: int) -> torch.Tensor:
        matrix, operations = cell_of(archs, index)
        x = self.stem(x)
        for block in self.cells:
            x = block(x, matrix, operations) if isinstance(block, NB101SuperCell) else block(x)
        return self.classifier(self.pool(x).flatten(1))

    # -- what a graph hypernetwork generates (GeneratesWeights): every vertex's convolution ----------
    # (the 1x1 input and output projections stay shared weights, like the stem and the classifier)

    def _cells(self) -> list[tuple[int, NB101SuperCell]]:
        return [(k, block) for k, block in enumerate(self.cells) if isinstance(block, NB101SuperCell)]

    def generated_names(self) -> list[str]:
        return [
            f"cells.{k}.ops.{v}.{op}.conv.weight"
            for k, _ in self._cells()
            for v in range(MAX_VERTICES)
            for op in CONVOLUTIONS
        ]

    def generated_kinds(self) -> list[tuple[int, int]]:
        return sorted({(cell.c_out, kernel) for _, cell in self._cells() for kernel in CONVOLUTIONS.values()})

    def cell_positions(self) -> int:
        return len(self._cells())

    def generated(self, archs: Architectures, index: int) -> list[GeneratedWeight]:
        matrix, operations = cell_of(archs, index)
        weights = []
        for position, (k, cell) in enumerate(self._cells()):
            channels = vertex_channels(cell.c_in, cell.c_out, matrix)
            for v in range(1, len(matrix) - 1):
                if operations[v] in CONVOLUTIONS:
                    name = f"cells.{k}.ops.{v - 1}.{operations[v]}.conv.weight"
                    kernel = CONVOLUTIONS[operations[v]]
                    weights.append(GeneratedWeight(name, v, position, cell.c_out, kernel, channels[v], channels[v]))
        return weights


@contextmanager
def _counting() -> Iterator[list[int]]:
    SlicedConvBNReLU.counting = []
    try:
        yield SlicedConvBNReLU.counting
    finally:
        SlicedConvBNReLU.counting = None


@torch.no_grad()
def path_parameters(supernet: NB101Supernet, archs: Architectures, index: int) -> int:
    """How many of the shared parameters cell ``archs[index]``'s path uses."""
    skeleton_parameters = sum(p.numel() for module in (supernet.stem, supernet.classifier) for p in module.parameters())
    was_training = supernet.training
    supernet.eval()
    with _counting() as used:
        supernet(torch.zeros(1, 3, 8, 8), archs, index)
    supernet.train(was_training)
    return skeleton_parameters + sum(used)


def _copy_into(shared: SlicedConvBNReLU, module: nn.Sequential) -> None:
    conv, bn = module[0], module[1]
    c_out, c_in = conv.weight.shape[:2]
    shared.conv.weight[:c_out, :c_in] = conv.weight
    for name in ("weight", "bias", "running_mean", "running_var"):
        getattr(shared.bn, name)[:c_out] = getattr(bn, name)


@torch.no_grad()
def inherit(supernet: NB101Supernet, network: NB101Network, archs: Architectures, index: int) -> None:
    """Copy the standalone network of cell ``archs[index]`` into the slices its path uses."""
    matrix, operations = cell_of(archs, index)
    supernet.stem.load_state_dict(network.stem.state_dict())
    supernet.classifier.load_state_dict(network.classifier.state_dict())
    n = len(matrix)
    for shared, cell in zip(supernet.cells, network.cells):
        if not isinstance(shared, NB101SuperCell):
            continue
        for v in range(1, n - 1):
            if operations[v] in CONVOLUTIONS:
                _copy_into(shared.ops[v - 1][operations[v]], cell.ops[v])
            if matrix[0, v]:
                _copy_into(shared.projections[v - 1], cell.projections[str(v)])
        if matrix[0, -1]:
            _copy_into(shared.output_projection, cell.projections[str(n - 1)])
