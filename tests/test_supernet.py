"""Supernet estimates and fitting a GCN to them (issue: GCN fit, Chen et al. 2021): the recorded NB101
estimates as tables, the raw ``supernet`` row, ``gcn-fit`` (which never sees true accuracies), the
harness's scores on the training cells, and the live NB201 supernet end to end on a tiny config."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from nasbench_suite import ConfigError, DataFileError
from nasbench_suite.cli import main
from nasbench_suite.metrics import kendall_tau
from nasbench_suite.specs import parse_spec

ONESHOT = "nb101-oneshot:method=pro-rata_ft_bn,space=2,sample=3"
TINY_GCN = "epochs=20,hidden=16"


def tiny_supernet(data, **extra) -> str:
    options = {
        "data": data, "cells": 30, "channels": 4, "cells_per_stage": 1, "epochs": 1, "batch_size": 32,
        "train_images": 128, "eval_images": 64, "calibration_batches": 1, "device": "cpu", **extra,
    }  # fmt: skip
    return "nb201-supernet:" + ",".join(f"{k}={v}" for k, v in options.items())


@pytest.fixture(scope="module")
def cifar10(shared_data):
    return str(shared_data / "cifar10" / "cifar10-jpeg.zip")


def test_recorded_oneshot_table_matches_the_published_file(suite, shared_data):
    table = suite.table(parse_spec(ONESHOT, "benchmark"))
    published = pd.read_csv(shared_data / "nb101" / "nb101_oneshot_estimates.csv.gz", dtype={"space": str})
    rows = published[(published.method == "pro-rata_ft_bn") & (published.space == "2") & (published.seed == 3)]
    expected = rows.groupby("hash")["oneshot_val_acc"].mean()  # a cell sampled twice: mean of its estimates
    assert len(table) == rows["hash"].nunique() and set(table.archs.ids) == set(expected.index)
    np.testing.assert_allclose(table.archs.costs["supernet"], expected[table.archs.ids].to_numpy(), atol=1e-6)
    nb101 = suite.table(parse_spec("nb101", "benchmark"))
    where = {cell: k for k, cell in enumerate(nb101.archs.ids)}
    truth = nb101.targets["val_accuracy"][[where[c] for c in table.archs.ids]]
    np.testing.assert_array_equal(table.targets["val_accuracy"], truth)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("method=magic", "method must be one of"),
        ("space=9", "space must be one of"),
        ("sample=5", "sample must be"),
        ("sample=x", "sample must be"),
    ],
)
def test_recorded_oneshot_options_are_checked(registry, options, message):
    with pytest.raises(ConfigError, match=message):
        registry.benchmarks.get("nb101-oneshot").cls(**parse_spec(f"x:{options}", "benchmark").options)


def test_recorded_oneshot_reads_a_user_csv_and_names_a_bad_one(registry, tmp_path):
    cls = registry.benchmarks.get("nb101-oneshot").cls
    good = tmp_path / "estimates.csv"
    nb101_ids = cls(sample=0).load().archs.ids[:3]
    good.write_text(
        "method,space,seed,idx,hash,oneshot_val_acc\n"
        + "".join(f"avg-3_ft_bn,4,1,{k},{h},0.{k + 1}\n" for k, h in enumerate(nb101_ids))
    )
    table = cls(method="avg-3_ft_bn", space="4", sample=1, path=str(good)).load()
    assert list(table.archs.costs["supernet"]) == pytest.approx([0.1, 0.2, 0.3])
    bad = tmp_path / "bad.csv"
    bad.write_text("method,space,seed,hash\navg-3_ft_bn,4,1,abc\n")
    with pytest.raises(DataFileError, match=r"bad\.csv.*missing columns \['oneshot_val_acc'\]"):
        cls(path=str(bad)).load()
    with pytest.raises(DataFileError, match="no estimates for method baseline_ft_bn"):
        cls(path=str(good)).load()


def test_gcn_fit_learns_from_the_estimates_alone(suite):
    table = suite.table(parse_spec(ONESHOT, "benchmark"))
    archs, estimates = table.archs, table.archs.costs["supernet"]
    fitted = suite.predictor(f"gcn-fit:{TINY_GCN}")
    assert "labels" not in fitted.needs
    fitted.fit(archs[:400], None)
    predictions = fitted.predict(archs[400:])
    assert kendall_tau(estimates[400:], predictions) > 0.2  # it learnt the supernet's ranking
    assert 1 <= fitted.best_epoch_ <= 20  # the epoch that predicted the held-out estimates best
    raw = suite.build_predictor(parse_spec("supernet", "predictor"), 0, "cpu").fit(archs, None)
    np.testing.assert_array_equal(raw.predict(archs[:5]), estimates[:5])


def test_gcn_fit_to_a_collapsed_supernet_predicts_its_constant(suite):
    import dataclasses

    archs = suite.table(parse_spec(ONESHOT, "benchmark")).archs[:50]
    collapsed = dataclasses.replace(archs, costs={**archs.costs, "supernet": np.full(50, 0.1014)})
    fitted = suite.build_predictor(parse_spec(f"gcn-fit:{TINY_GCN}", "predictor"), 0, "cpu").fit(collapsed, None)
    assert np.all(fitted.predict(archs) == 0.1014)  # so its tau is undefined, like the raw estimates'


def test_run_scores_the_training_cells_too(tmp_path, capsys):
    out = tmp_path / "out"
    args = ["run", "--benchmark", ONESHOT, "--predictor", "supernet", "--predictor", f"gcn-fit:{TINY_GCN}",
            "--predictor", "gcn:epochs=20,hidden=16", "--train-sizes", "300", "--seeds", "1",
            "--device", "cpu", "--out", str(out)]  # fmt: skip
    assert main([*args, "--score-train"]) == 0
    records = {
        r["predictor"].split(":")[0]: r for r in map(json.loads, (out / "records.jsonl").read_text().splitlines())
    }
    assert set(records) == {"supernet", "gcn-fit", "gcn"} and all(r["status"] == "ok" for r in records.values())
    assert all(-1 <= r["train_kendall_tau"] <= 1 for r in records.values())
    assert records["supernet"]["train_kendall_tau"] != records["supernet"]["kendall_tau"]  # other cells
    assert "τ on train cells" in (out / "leaderboard.md").read_text()
    capsys.readouterr()
    assert main(args) == 0  # without --score-train: other runs
    assert len((out / "records.jsonl").read_text().splitlines()) == 6


def test_supernet_runs_one_path_and_shares_its_weights(suite, nb201_cells):
    import torch

    supernet = suite.network_builder("nb201", channels=4, cells_per_stage=1).supernet(10)
    x = torch.randn(2, 3, 32, 32)
    first, other = supernet(x, nb201_cells, 0), supernet(x, nb201_cells, 1234)
    assert first.shape == (2, 10) and not torch.equal(first, other)  # different paths, different outputs
    single = suite.network_builder("nb201", channels=4, cells_per_stage=1).build(nb201_cells, 1234, 10)
    shared = sum(p.numel() for p in supernet.parameters())
    assert shared > sum(p.numel() for p in single.parameters())  # every candidate op of every edge


def test_live_nb201_supernet_end_to_end(suite, tmp_path, capsys, cifar10, monkeypatch):
    from nbs_supernet import benchmark as live

    checkpoint = tmp_path / "supernet.pt"
    spec = tiny_supernet(cifar10, checkpoint=checkpoint)
    out = tmp_path / "out"
    args = ["run", "--benchmark", spec, "--predictor", "supernet", "--predictor", f"gcn-fit:{TINY_GCN}",
            "--train-sizes", "20", "--seeds", "1", "--score-train", "--device", "cpu", "--out", str(out)]  # fmt: skip
    assert main(args) == 0
    records = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    assert [r["status"] for r in records] == ["ok", "ok"] and checkpoint.is_file()
    first = live.NB201SupernetBenchmark(**parse_spec(spec, "benchmark").options).load(suite)
    estimates = first.archs.costs["supernet"]
    assert len(first) == 30 and np.all((estimates >= 0) & (estimates <= 100))

    def no_training(*args, **kwargs):
        raise AssertionError("the checkpoint should have been reused")

    monkeypatch.setattr(live, "train_supernet", no_training)
    again = live.NB201SupernetBenchmark(**parse_spec(spec, "benchmark").options).load(suite)
    np.testing.assert_array_equal(again.archs.costs["supernet"], estimates)  # recomputed from the checkpoint
    other = live.NB201SupernetBenchmark(
        **parse_spec(tiny_supernet(cifar10, checkpoint=checkpoint, epochs=2), "b").options
    )
    with pytest.raises(DataFileError, match=r"supernet\.pt.*different settings \(epochs\)"):
        other.load(suite)
    checkpoint.write_bytes(checkpoint.read_bytes()[:100])
    with pytest.raises(DataFileError, match=r"supernet\.pt.*not a supernet checkpoint"):
        live.NB201SupernetBenchmark(**parse_spec(spec, "benchmark").options).load(suite)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"cells": 0}, "cells must be a positive integer"),
        ({"device": "tpu"}, "device must be auto, cpu or cuda"),
        ({"calibration_batches": 9}, "exceeds train_images"),
        ({"train_images": 60000}, "exceeds the"),
    ],
)
def test_live_supernet_options_are_checked(suite, cifar10, extra, message):
    cls = suite.benchmark_class("nb201-supernet")
    with pytest.raises(ConfigError, match=message):
        cls(**parse_spec(tiny_supernet(cifar10, **extra), "benchmark").options).load(suite)


def test_live_supernet_names_missing_images(suite, monkeypatch):
    monkeypatch.delenv("NASBENCH_SUITE_CIFAR10", raising=False)
    cls = suite.benchmark_class("nb201-supernet")
    with pytest.raises(ConfigError, match="benchmark nb201-supernet: images needed"):
        cls(cells=5).load(suite)
