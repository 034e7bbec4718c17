"""The graph hypernetwork (``ghn``) and its early-stopping baseline (``short-training``)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from nbs_ghn.model import GraphHyperNetwork
from nbs_ghn.training import score_architectures

from nasbench_suite import ConfigError, FitContext, cache_dir
from nasbench_suite.cli import main
from nasbench_suite.specs import parse_spec
from nasbench_suite.study.records import load_records
from nasbench_suite.testing import Task, check_predictor

TINY = "channels=4,cells_per_stage=1,batch_size=16,train_images=256,eval_images=64"


@pytest.fixture(scope="module")
def cifar10(shared_data):
    return str(shared_data / "cifar10" / "cifar10-jpeg.zip")


def _cells_with(nb201_cells, *cell_strings_ops):
    """Indices of cells whose six edge operations are the given names."""
    ops = nb201_cells.space.operations
    names = np.array([[ops[k] for k in row] for row in nb201_cells.edge_operations()])
    return [int(np.flatnonzero((names == np.array(want)).all(1))[0]) for want in cell_strings_ops]


def test_generated_weights_depend_on_the_architecture_and_only_the_ghn_learns(suite, nb201_cells):
    torch.manual_seed(0)
    network = suite.network_builder("nb201", channels=4, cells_per_stage=2).supernet(10)
    ghn = GraphHyperNetwork(nb201_cells.space.operations, network)
    conv3 = ["nor_conv_3x3"] * 6
    other = ["nor_conv_3x3"] * 5 + ["avg_pool_3x3"]
    cells = nb201_cells[_cells_with(nb201_cells, conv3, other)]
    embeddings = ghn.embed(cells)
    first, second = ghn.weights(cells, embeddings, 0), ghn.weights(cells, embeddings, 1)
    assert len(first) == 6 * 6 and len(second) == 5 * 6  # every conv of every cell (3 stages x 2 cells)
    name = "cells.0.ops.0.nor_conv_3x3.1.weight"
    assert first[name].shape == (4, 4, 3, 3)
    assert not torch.allclose(first[name], second[name])  # the graph differs, so do the weights
    assert not torch.allclose(first[name], first["cells.1.ops.0.nor_conv_3x3.1.weight"])  # per cell position
    generated = {id(p) for p in ghn.generated_parameters()}
    own_convs = [p for n, p in ghn.network.named_parameters() if n.endswith("nor_conv_3x3.1.weight")]
    assert own_convs and not any(id(p) in generated for p in own_convs)
    logits = ghn(torch.randn(8, 3, 32, 32), cells, 0, embeddings)
    torch.nn.functional.cross_entropy(logits, torch.zeros(8, dtype=torch.long)).backward()
    assert ghn.heads["4x3"].weight.grad.abs().sum() > 0 and ghn.forward_update.weight_hh.grad.abs().sum() > 0
    scores = score_architectures(ghn, cells, torch.randn(20, 3, 32, 32), torch.zeros(20, dtype=torch.long), 8, "cpu")
    assert scores.shape == (2,) and ((scores >= 0) & (scores <= 100)).all()


def test_ghn_trains_scores_and_reuses_its_checkpoint_through_the_harness(tmp_path, capsys, cifar10, caplog):
    spec = f"ghn:data={cifar10},{TINY},steps=20"
    args = ["run", "--benchmark", "nb201-cifar10", "--predictor", spec, "--train-sizes", "30"]
    args += ["--seeds", "1", "--test-size", "40", "--device", "cpu", "--out", str(tmp_path)]
    assert main(args) == 0
    [record] = load_records([tmp_path])
    assert record["status"] == "ok" and record["predictor_params"]["steps"] == 20  # the budget beside the score
    assert record["kendall_tau"] is None or -1 <= record["kendall_tau"] <= 1
    assert list(cache_dir().glob("ghn/*.pt"))  # the trained GHN was saved
    caplog.set_level("INFO", logger="nbs_ghn.predictors")
    assert main([*args, "--force"]) == 0
    assert "loading the trained GHN" in caplog.text  # scored again without retraining
    rerun = load_records([tmp_path])[0]
    assert rerun["kendall_tau"] == record["kendall_tau"]


def test_a_bad_ghn_checkpoint_fails_its_run_with_the_file_named(tmp_path, capsys, cifar10):
    bad = tmp_path / "ghn.pt"
    bad.write_bytes(b"not a checkpoint")
    args = ["run", "--benchmark", "nb201-cifar10", "--predictor", f"ghn:data={cifar10},{TINY},steps=5,checkpoint={bad}"]
    assert main([*args, "--train-sizes", "10", "--seeds", "1", "--test-size", "10", "--out", str(tmp_path)]) == 1
    [record] = load_records([tmp_path])
    assert (
        record["status"] == "error" and f"{bad}: not a graph hypernetwork checkpoint of this suite" in record["error"]
    )


def test_short_training_scores_each_network_deterministically(suite, nb201_cells, cifar10):
    spec = parse_spec(f"short-training:data={cifar10},{TINY},steps=3", "predictor")
    cells = nb201_cells[[0, 100, 5000]]
    context = FitContext(suite=suite)
    first = suite.build_predictor(spec, seed=1, device="cpu").fit(cells, None, context).predict(cells)
    again = suite.build_predictor(spec, seed=1, device="cpu").fit(cells, None, context).predict(cells)
    assert first.shape == (3,) and ((first >= 0) & (first <= 100)).all()
    np.testing.assert_array_equal(first, again)


@pytest.mark.parametrize("name", ["ghn", "short-training"])
def test_ghn_and_short_training_conform_on_nb201(registry, nb201_cells, cifar10, name):
    cells = np.random.default_rng(0).permutation(len(nb201_cells))
    task = Task(nb201_cells[cells[:12]], np.zeros(12), nb201_cells[cells[12:20]], nb201_cells[cells[20:24]])
    options = parse_spec(f"{name}:data={cifar10},{TINY},steps=4", "predictor").options
    check_predictor(registry.predictors.get(name).cls(**options), task)


def test_ghn_refuses_spaces_without_a_weight_sharing_network(suite, cifar10):
    predictor = suite.build_predictor(parse_spec(f"ghn:data={cifar10},{TINY},steps=1", "predictor"), 0, "cpu")
    graphs = suite.table("nasbench-graph-cora").archs
    with pytest.raises(ConfigError, match="ghn supports the nb201, nb101 spaces .got nasbench-graph"):
        predictor.fit(graphs[:5], None, FitContext(suite=suite))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("steps=0", "steps: expected a positive integer (got 0)"),
        ("rounds=x", "rounds: expected a positive integer (got 'x')"),
        ("learning_rate=-1", "learning_rate: expected a positive number"),
        ("train_images=60000", "train_images + eval_images = 65000 exceeds the 50000 images"),
    ],
)
def test_bad_ghn_options_fail_before_any_work(tmp_path, capsys, cifar10, options, message):
    args = [
        "run",
        "--benchmark",
        "nb201-cifar10",
        "--predictor",
        f"ghn:data={cifar10},{options}",
        "--out",
        str(tmp_path),
    ]
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2 and message in capsys.readouterr().err
