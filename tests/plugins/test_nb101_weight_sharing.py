"""NAS-Bench-101 in weight-sharing form: one network for every cell, equivalent to the standalone
networks with their weights, with their parameter counts; the GHN over NB101 through it; and the live
NB101 supernet benchmark end to end on a tiny configuration."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from nbs_ghn.model import GraphHyperNetwork
from nbs_tables.networks.nb101_supernet import inherit, path_parameters

from nasbench_suite import GeneratesWeights
from nasbench_suite.cli import main

TINY = {"stem_channels": 8, "num_stacks": 2, "cells_per_stack": 2}


@pytest.fixture(scope="module")
def cells(nb101_cells):
    """Every cell size, and random cells."""
    sizes = nb101_cells.num_nodes
    chosen = [int(np.flatnonzero(sizes == size)[0]) for size in np.unique(sizes)]
    return chosen + np.random.default_rng(3).choice(len(nb101_cells), size=12, replace=False).tolist()


def _randomise_norms(network: torch.nn.Module) -> None:
    """Batch-norm statistics and affine parameters away from their initial values, so that the
    comparison would see a slice taken from the wrong place."""
    generator = torch.Generator().manual_seed(0)
    for module in network.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            for tensor, low, high in ((module.running_mean, -1, 1), (module.running_var, 0.5, 2)):
                tensor.copy_(torch.empty_like(tensor).uniform_(low, high, generator=generator))
            module.weight.data.uniform_(0.5, 1.5, generator=generator)
            module.bias.data.uniform_(-0.5, 0.5, generator=generator)


@pytest.mark.parametrize("mode", ["eval", "train"])
def test_the_weight_sharing_form_with_a_networks_weights_computes_its_output(suite, nb101_cells, cells, mode):
    builder = suite.network_builder("nb101", **TINY)
    supernet = builder.supernet(10)
    x = torch.randn(4, 3, 16, 16, generator=torch.Generator().manual_seed(1))
    for index in cells:
        network = builder.build(nb101_cells, index, 10)
        _randomise_norms(network)
        inherit(supernet, network, nb101_cells, index)
        network.train(mode == "train")
        supernet.train(mode == "train")
        with torch.no_grad():
            expected, shared = network(x), supernet(x, nb101_cells, index)
        torch.testing.assert_close(shared, expected, rtol=1e-5, atol=1e-6, msg=f"cell {index}")


def test_a_cells_path_has_exactly_the_tables_trainable_parameters(suite, nb101_cells, cells):
    supernet = suite.network_builder("nb101").supernet(10)  # the default network the table was trained with
    for index in cells:
        assert path_parameters(supernet, nb101_cells, index) == nb101_cells.costs["params"][index], index
    tiny = suite.network_builder("nb101", **TINY)
    for index in cells[:5]:
        standalone = sum(p.numel() for p in tiny.build(nb101_cells, index, 10).parameters())
        assert path_parameters(tiny.supernet(10), nb101_cells, index) == standalone


def test_different_cells_share_weights_and_differ_in_output(suite, nb101_cells, cells):
    supernet = suite.network_builder("nb101", **TINY).supernet(10).eval()
    x = torch.randn(2, 3, 16, 16)
    outputs = [supernet(x, nb101_cells, index) for index in cells[:4]]
    assert all(not torch.allclose(outputs[0], other) for other in outputs[1:])
    assert isinstance(supernet, GeneratesWeights)


def test_the_ghn_generates_an_nb101_cells_vertex_convolutions(suite, nb101_cells, cells):
    torch.manual_seed(0)
    network = suite.network_builder("nb101", **TINY).supernet(10)
    ghn = GraphHyperNetwork(nb101_cells.space.operations, network)
    batch = nb101_cells[cells[:6]]
    embeddings = ghn.embed(batch)
    for position in range(len(batch)):
        generated = network.generated(batch, position)
        weights = ghn.weights(batch, embeddings, position)
        convs = [op for op in nb101_cells.space.operations[1:4] if op.startswith("conv")]
        ops = [batch.space.operations[k] for k in batch.operations[position] if k >= 0]
        assert len(weights) == sum(op in convs for op in ops) * 4  # every conv vertex of the 4 cells
        for weight in generated:
            assert weights[weight.name].shape == (weight.out_channels, weight.in_channels, weight.kernel, weight.kernel)
    logits = ghn(torch.randn(3, 3, 16, 16), batch, 0, embeddings)
    logits.sum().backward()
    assert all(p.grad is None for name, p in network.named_parameters() if name in set(network.generated_names()))
    assert ghn.forward_update.weight_hh.grad.abs().sum() > 0


def test_the_ghn_and_short_training_run_on_nb101_through_the_harness(tmp_path, shared_data):
    data = shared_data / "cifar10" / "cifar10-jpeg.zip"
    tiny = "channels=8,cells_per_stage=1,batch_size=16,train_images=256,eval_images=64"
    args = ["run", "--benchmark", "nb101", "--predictor", f"ghn:data={data},{tiny},steps=10"]
    args += ["--predictor", f"short-training:data={data},{tiny},steps=2", "--predictor", "param-count"]
    args += ["--train-sizes", "20", "--seeds", "1", "--test-size", "12", "--device", "cpu", "--out", str(tmp_path)]
    assert main(args) == 0
    records = [json.loads(line) for line in (tmp_path / "records.jsonl").read_text().splitlines()]
    assert [r["status"] for r in records] == ["ok", "ok", "ok"], [r.get("error") for r in records]


def test_the_live_nb101_supernet_trains_checkpoints_and_feeds_gcn_fit(tmp_path, shared_data):
    data = shared_data / "cifar10" / "cifar10-jpeg.zip"
    options = "cells=30,stem_channels=8,num_stacks=2,cells_per_stack=1,epochs=1,batch_size=32,train_images=128"
    spec = f"nb101-supernet:data={data},{options},eval_images=64,calibration_batches=1,device=cpu"
    args = ["run", "--benchmark", f"{spec},checkpoint={tmp_path / 'supernet.pt'}", "--predictor", "supernet"]
    args += ["--predictor", "gcn-fit:epochs=5,hidden=8", "--train-sizes", "20", "--seeds", "1", "--score-train"]
    assert main([*args, "--device", "cpu", "--out", str(tmp_path / "out")]) == 0
    records = [json.loads(line) for line in (tmp_path / "out" / "records.jsonl").read_text().splitlines()]
    assert [r["status"] for r in records] == ["ok", "ok"] and (tmp_path / "supernet.pt").is_file()
    assert records[0]["target"] == "val_accuracy" and records[0]["test_size"] == 10
