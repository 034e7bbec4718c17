"""The DAG-masked graph transformer: masks that see the graph in both directions, a model that learns,
and the GPU path (run where CUDA exists)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from nbs_gnn.transformer import MASKS, dense_cells
from nbs_gnn.transformer_predictor import GraphTransformerPredictor, pairwise_rank_loss

from nasbench_suite import from_lists, kendall_tau
from nasbench_suite.study.ranking import make_split


def _chain_with_skip(suite):
    """input(0) -> conv(1) -> pool(2) -> output(3), plus input -> output; one padding node."""
    space = suite.table("nb101").archs.space
    matrix = np.zeros((4, 4), dtype=np.uint8)
    matrix[0, 1] = matrix[1, 2] = matrix[2, 3] = matrix[0, 3] = 1
    cell = from_lists(space, ["c"], [matrix], [["input", "conv3x3-bn-relu", "maxpool3x3", "output"]])
    return cell


def test_each_head_group_sees_the_graph_in_its_own_direction(suite):
    cells = dense_cells(_chain_with_skip(suite))
    masks = {name: cells.masks[0, k].numpy() for k, name in enumerate(MASKS)}
    assert set(np.flatnonzero(masks["parents"][2])) == {1, 2}  # pool's parent: conv, and itself
    assert set(np.flatnonzero(masks["children"][1])) == {1, 2}
    assert set(np.flatnonzero(masks["ancestors"][3])) == {0, 1, 2, 3}  # the output sees the whole flow
    assert set(np.flatnonzero(masks["descendants"][1])) == {1, 2, 3}
    assert not cells.masks[0, :, :4, 4:].any()  # nobody attends to the padding nodes
    assert cells.depth[0, :4].tolist() == [0, 1, 2, 3] and cells.height[0, :4].tolist() == [3, 2, 1, 0]
    assert int(cells.output[0]) == 3


def test_the_rank_loss_prefers_the_right_order():
    targets = torch.tensor([0.0, 1.0, 2.0])
    assert pairwise_rank_loss(torch.tensor([0.0, 1.0, 2.0]), targets) < pairwise_rank_loss(
        torch.tensor([2.0, 1.0, 0.0]), targets
    )
    assert float(pairwise_rank_loss(torch.zeros(3), torch.ones(3))) == 0.0  # no ordered pair: no loss


def test_the_transformer_learns_nb201_from_few_cells(suite):
    table = suite.table("nb201-cifar10")
    split = make_split(table.indices_with("test_accuracy"), "nb201-cifar10", 7, 156, 2000)
    y = table.targets["test_accuracy"]
    fitted = GraphTransformerPredictor(steps=400, random_state=1).fit(table.archs[split.train], y[split.train])
    assert kendall_tau(y[split.test], fitted.predict(table.archs[split.test])) > 0.55


def test_width_must_divide_among_the_heads():
    from nasbench_suite import ConfigError

    with pytest.raises(ConfigError, match="multiple of the 8 attention heads"):
        GraphTransformerPredictor(width=20, heads_per_mask=2, steps=1).fit(*_tiny())


def _tiny():
    from nasbench_suite.testing import make_architectures

    archs, y = make_architectures(16, 0)
    return archs, y


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device here; the GPU path runs where one exists")
def test_the_gpu_path_matches_the_cpu_one_closely():
    archs, y = _tiny()
    cpu = GraphTransformerPredictor(steps=20, dropout=0.0).fit(archs, y).predict(archs)
    gpu = GraphTransformerPredictor(steps=20, dropout=0.0, device="cuda").fit(archs, y).predict(archs)
    assert kendall_tau(cpu, gpu) > 0.9
