"""The network-builder contract: a real, trainable PyTorch model for any cell of a search space.

Zero-cost proxies, hypernetworks and supernets need the network a cell stands for. The plugin that
defines a search space registers one builder for it (hook ``register_network_builders``, the
builder's ``name`` being the space's name); everything else asks the run's context for it
(``context.suite.network_builder(space, **options)`` in a predictor's ``fit``, ``context.network_builder``
in a benchmark's ``load``) and never imports that plugin.

A built network is a ``torch.nn.Module`` whose ``forward(x)`` returns logits ``(batch, classes)``
and which also offers ``features(x)``: the last feature map before global pooling (what Zen-NAS
scores). Keyword options of a builder's ``__init__`` set width and depth, so tests can build tiny
versions; the defaults are the networks the benchmark tables were trained with.

A builder may also offer the space's weight-sharing *supernet* (:meth:`NetworkBuilder.supernet`):
one module holding every candidate operation, whose ``forward(x, archs, index)`` runs the single
path of cell ``archs[index]`` with the shared weights. A supernet that also implements
:class:`GeneratesWeights` tells a graph hypernetwork which of its weights to generate for a cell.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, ClassVar, NamedTuple, Protocol, runtime_checkable

from nasbench_suite.contracts.architectures import Architectures

if TYPE_CHECKING:
    import torch


class GeneratedWeight(NamedTuple):
    """One weight a hypernetwork generates for a cell: the parameter ``name`` in the supernet, the
    DAG ``node`` whose operation it belongs to, the cell's ``position`` in the network, and its shape:
    a ``width x width x kernel x kernel`` convolution of which the path uses the leading
    ``out_channels x in_channels``."""

    name: str
    node: int
    position: int
    width: int
    kernel: int
    out_channels: int
    in_channels: int


@runtime_checkable
class GeneratesWeights(Protocol):
    """A weight-sharing network whose convolutions a graph hypernetwork can generate."""

    def generated_names(self) -> list[str]:
        """Every parameter that may be generated (the hypernetwork never trains these itself)."""
        ...

    def generated_kinds(self) -> list[tuple[int, int]]:
        """The ``(width, kernel)`` of every weight that may be generated."""
        ...

    def cell_positions(self) -> int:
        """How many cells the network stacks."""
        ...

    def generated(self, archs: Architectures, index: int) -> list[GeneratedWeight]:
        """The weights to generate for cell ``archs[index]``."""
        ...


class NetworkBuilder(abc.ABC):
    """Base class of network builders; ``name`` is the search space's name (``SearchSpace.name``)."""

    name: ClassVar[str]
    description: ClassVar[str] = ""

    @abc.abstractmethod
    def build(self, archs: Architectures, index: int, num_classes: int) -> torch.nn.Module:
        """The network of cell ``archs[index]``, freshly initialised, on the CPU."""

    def supernet(self, num_classes: int) -> torch.nn.Module:
        """The weight-sharing supernet of the space, freshly initialised, on the CPU (optional).

        Its ``forward(x, archs, index)`` returns the logits of cell ``archs[index]``'s sub-network.
        """
        raise NotImplementedError(f"network builder {self.name!r} offers no weight-sharing supernet")
