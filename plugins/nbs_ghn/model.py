"""The graph hypernetwork (Zhang, Ren & Urtasun, ICLR 2019), for edge-labelled cell spaces (NB201).

The architecture's computation graph is the cell's node-labelled DAG (input, one node per edge
operation, output). Every node starts from an embedding of its operation; a GRU propagates
messages along the graph in topological order, forward then backward (the paper's
forward-backward propagation), ``rounds`` times. The hypernetwork then turns the embedding of
each convolution node, plus an embedding of the cell's position in the network, into that
convolution's weights: every cell of the network gets its own generated weights.

The network itself is the space builder's weight-sharing form (:meth:`NetworkBuilder.supernet`),
run with the generated convolution weights in place of its own through
:func:`torch.func.functional_call`: the builder is reused, never rewritten. The skeleton (stem,
reduction blocks, classifier) and the batch norms' affine parameters are ordinary parameters shared
by every architecture; batch norms always normalise with the current batch's statistics.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.func import functional_call

from nasbench_suite import Architectures

#: Operations whose weights the hypernetwork generates, with their kernel size.
CONVOLUTIONS = {"nor_conv_1x1": 1, "nor_conv_3x3": 3}


class GraphHyperNetwork(nn.Module):
    """GHN over cells whose operations are ``operations``; generates the convolutions of
    ``network``, the space's weight-sharing network (``NetworkBuilder.supernet``)."""

    def __init__(self, operations: tuple[str, ...], network: nn.Module, hidden: int = 32, rounds: int = 1) -> None:
        super().__init__()
        self.operations, self.rounds = operations, rounds
        self.network = network
        for module in self.network.modules():
            if isinstance(module, nn.BatchNorm2d):  # batch statistics always, as in GHN evaluation
                module.track_running_stats = False
                module.running_mean = module.running_var = module.num_batches_tracked = None
        # cell block index -> (position among cells, width); the generated weights' shapes
        self.cell_blocks: list[tuple[int, int, int]] = []
        position = 0
        for block_index, block in enumerate(self.network.cells):
            if hasattr(block, "edges"):  # a cell (the others are reduction blocks)
                width = next(p for p in block.parameters()).shape[0]
                self.cell_blocks.append((block_index, position, width))
                position += 1
        for block_index, _, _ in self.cell_blocks:  # generated, so not parameters of the network
            for name, parameter in self.network.cells[block_index].named_parameters():
                if _is_generated(name):
                    parameter.requires_grad_(False)
        self.operation_embedding = nn.Embedding(len(operations), hidden)
        self.position_embedding = nn.Embedding(position, hidden)
        self.forward_message = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU())
        self.backward_message = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU())
        self.forward_update = nn.GRUCell(hidden, hidden)
        self.backward_update = nn.GRUCell(hidden, hidden)
        self.norm = nn.LayerNorm(hidden)
        self.heads = nn.ModuleDict()
        for width in sorted({width for _, _, width in self.cell_blocks}):
            for kernel in sorted(set(CONVOLUTIONS.values())):
                head = nn.Linear(hidden, width * width * kernel * kernel)
                fan_in = width * kernel * kernel
                nn.init.normal_(head.weight, std=math.sqrt(2.0 / fan_in) / math.sqrt(hidden))  # He-scaled outputs
                nn.init.zeros_(head.bias)
                self.heads[f"{width}x{kernel}"] = head

    def generated_parameters(self) -> list[nn.Parameter]:
        return [p for p in self.parameters() if p.requires_grad]

    def embed(self, archs: Architectures) -> torch.Tensor:
        """``(len(archs), nodes, hidden)`` node embeddings after forward-backward propagation."""
        device = self.operation_embedding.weight.device
        ops = torch.as_tensor(archs.operations, dtype=torch.long, device=device)
        adjacency = torch.as_tensor(archs.adjacency, dtype=torch.float32, device=device)
        none = [k for k, op in enumerate(archs.space.operations) if op == "none"]
        if none:  # a zero operation passes nothing on
            live = ~torch.isin(ops, torch.tensor(none, device=device))
            adjacency = adjacency * live[:, :, None] * live[:, None, :]
        nodes = list(self.operation_embedding(ops).unbind(1))
        count = len(nodes)
        for _ in range(self.rounds):
            for v in range(count):  # topological order: node indices follow the DAG
                incoming = sum(adjacency[:, u, v, None] * self.forward_message(nodes[u]) for u in range(v))
                nodes[v] = self.forward_update(incoming if v else torch.zeros_like(nodes[v]), nodes[v])
            for v in reversed(range(count)):
                outgoing = [adjacency[:, v, w, None] * self.backward_message(nodes[w]) for w in range(v + 1, count)]
                nodes[v] = self.backward_update(sum(outgoing) if outgoing else torch.zeros_like(nodes[v]), nodes[v])
        return torch.stack(nodes, 1)

    def weights(self, archs: Architectures, embeddings: torch.Tensor, index: int) -> dict[str, torch.Tensor]:
        """The generated convolution weights of cell ``index`` of ``archs``, by parameter name."""
        operations = [archs.space.operations[k] for k in archs[[index]].edge_operations()[0]]
        generated = {}
        for block_index, position, width in self.cell_blocks:
            for edge, operation in enumerate(operations):
                kernel = CONVOLUTIONS.get(operation)
                if kernel is None:
                    continue
                node = embeddings[index, edge + 1] + self.position_embedding.weight[position]
                flat = self.heads[f"{width}x{kernel}"](self.norm(node))
                name = f"cells.{block_index}.ops.{edge}.{operation}.1.weight"
                generated[name] = flat.view(width, width, kernel, kernel)
        return generated

    def forward(self, images: torch.Tensor, archs: Architectures, index: int, embeddings: torch.Tensor) -> torch.Tensor:
        """Class logits of cell ``index`` of ``archs`` with generated weights."""
        return functional_call(self.network, self.weights(archs, embeddings, index), (images, archs, index))


def _is_generated(name: str) -> bool:
    """Is this cell parameter a convolution's weight (generated) rather than a batch norm's?"""
    parts = name.split(".")  # ops.<edge>.<operation>.<layer>.weight
    return len(parts) == 5 and parts[2] in CONVOLUTIONS and parts[3] == "1"
