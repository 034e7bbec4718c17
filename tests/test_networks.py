"""Network builders: the default networks have exactly the tables' parameter counts."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from nasbench_suite import ConfigError, UnknownNameError


def _parameters(net: torch.nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())


def test_nb201_default_network_matches_the_table_parameter_count(suite, nb201_cells):
    builder = suite.network_builder("nb201")
    for index in np.random.default_rng(0).choice(len(nb201_cells), size=12, replace=False):
        assert _parameters(builder.build(nb201_cells, index, num_classes=10)) == nb201_cells.costs["params"][index]


@pytest.mark.slow
def test_nb101_default_network_matches_trainable_parameters(suite, nb101_cells):
    builder = suite.network_builder("nb101")
    sizes = nb101_cells.num_nodes
    # every cell size, plus random cells
    chosen = [int(np.flatnonzero(sizes == size)[0]) for size in np.unique(sizes)]
    chosen += np.random.default_rng(1).choice(len(nb101_cells), size=6, replace=False).tolist()
    for index in chosen:
        assert _parameters(builder.build(nb101_cells, index, num_classes=10)) == nb101_cells.costs["params"][index]


def test_tiny_networks_run_forward_and_backward(suite, nb201_cells, nb101_cells):
    images = torch.randn(2, 3, 16, 16)
    for archs, builder in (
        (nb201_cells, suite.network_builder("nb201", channels=4, cells_per_stage=1)),
        (nb101_cells, suite.network_builder("nb101", stem_channels=8, num_stacks=2, cells_per_stack=1)),
    ):
        net = builder.build(archs, 7, num_classes=5)
        logits = net(images)
        assert logits.shape == (2, 5)
        assert net.features(images).dim() == 4
        logits.sum().backward()
        stem_conv = next(m for m in net.stem.modules() if isinstance(m, torch.nn.Conv2d))
        assert stem_conv.weight.grad is not None and stem_conv.weight.grad.abs().sum() > 0


def test_a_none_only_cell_outputs_zeros_and_unknown_spaces_are_named(suite, nb201_cells):
    index = int(np.flatnonzero(nb201_cells.ids == "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")[0])
    net = suite.network_builder("nb201", channels=4, cells_per_stage=1).build(nb201_cells, index, num_classes=3)
    assert net(torch.randn(2, 3, 8, 8)).shape == (2, 3)
    with pytest.raises(UnknownNameError, match="unknown network builder 'toy'; expected one of: nb101, nb201"):
        suite.network_builder("toy")
    with pytest.raises(ConfigError, match=r"network builder nb201: invalid options \{'width': 3\}"):
        suite.network_builder("nb201", width=3)
