"""The graph hypernetwork (Zhang, Ren & Urtasun, ICLR 2019), for any space whose network builder
offers a weight-sharing form that says which weights to generate (``GeneratesWeights``: NB201, NB101).

The architecture's computation graph is the cell's node-labelled DAG (NB201: input, one node per
edge operation, output; NB101: its own vertices). Every node starts from an embedding of its
operation; a GRU propagates messages along the graph in topological order, forward then backward
(the paper's forward-backward propagation), ``rounds`` times. The hypernetwork then turns the
embedding of each convolution's node, plus an embedding of the cell's position in the network, into
that convolution's weights, one linear head per (stack width, kernel size): every cell of the
network gets its own generated weights. Where a space's vertex widths vary by cell (NB101), the head
generates the stack's full width and the path's leading channels are used, as its supernet slices
its shared weights.

The network itself is the space's weight-sharing form (:meth:`NetworkBuilder.supernet`), run with the
generated convolution weights in place of its own through :func:`torch.func.functional_call`: the
builder is reused, never rewritten. Everything else (stem, reductions, NB101's 1x1 projections,
classifier, batch norms' affine parameters) is an ordinary parameter shared by every architecture;
batch norms always normalise with the current batch's statistics.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.func import functional_call

from nasbench_suite import Architectures, ConfigError, GeneratesWeights


class GraphHyperNetwork(nn.Module):
    """GHN over cells whose operations are ``operations``; generates the convolutions of
    ``network``, the space's weight-sharing network (``NetworkBuilder.supernet``)."""

    def __init__(self, operations: tuple[str, ...], network: nn.Module, hidden: int = 32, rounds: int = 1) -> None:
        super().__init__()
        if not isinstance(network, GeneratesWeights):
            kind = type(network).__name__
            raise ConfigError(f"the weight-sharing network {kind} does not say which weights to generate")
        self.operations, self.rounds = operations, rounds
        self.network = network
        for module in self.network.modules():
            if isinstance(module, nn.BatchNorm2d):  # batch statistics always, as in GHN evaluation
                module.track_running_stats = False
                module.running_mean = module.running_var = module.num_batches_tracked = None
        parameters = dict(self.network.named_parameters())
        for name in network.generated_names():  # generated, so not parameters the GHN trains itself
            parameters[name].requires_grad_(False)
        self.operation_embedding = nn.Embedding(len(operations), hidden)
        self.position_embedding = nn.Embedding(network.cell_positions(), hidden)
        self.forward_message = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU())
        self.backward_message = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU())
        self.forward_update = nn.GRUCell(hidden, hidden)
        self.backward_update = nn.GRUCell(hidden, hidden)
        self.norm = nn.LayerNorm(hidden)
        self.heads = nn.ModuleDict()
        for width, kernel in network.generated_kinds():
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
        ops = torch.as_tensor(archs.operations, dtype=torch.long, device=device).clamp(min=0)  # padding: no edges
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
        generated = {}
        for weight in self.network.generated(archs, index):
            node = embeddings[index, weight.node] + self.position_embedding.weight[weight.position]
            flat = self.heads[f"{weight.width}x{weight.kernel}"](self.norm(node))
            full = flat.view(weight.width, weight.width, weight.kernel, weight.kernel)
            generated[weight.name] = full[: weight.out_channels, : weight.in_channels]
        return generated

    def forward(self, images: torch.Tensor, archs: Architectures, index: int, embeddings: torch.Tensor) -> torch.Tensor:
        """Class logits of cell ``index`` of ``archs`` with generated weights."""
        return functional_call(self.network, self.weights(archs, embeddings, index), (images, archs, index))
