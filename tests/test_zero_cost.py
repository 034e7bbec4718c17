"""Zero-cost proxies: image sources, every proxy on a real (tiny) network, cache, recorded source,
and the predictors fed by proxies, checked with the conformance kit on NB201 cells."""

from __future__ import annotations

import pickle
import zipfile

import numpy as np
import pytest
from conftest import make_ranking_job
from nbs_zc import proxies, scoring
from nbs_zc.predictors import PROXY_PREDICTORS
from PIL import Image

from nasbench_suite import ConfigError, DataFileError
from nasbench_suite.data import images
from nasbench_suite.specs import Spec, parse_spec
from nasbench_suite.testing import Task, check_predictor

TINY_NETWORK = "channels=4;cells_per_stage=1"


@pytest.fixture(scope="module")
def image_folder(tmp_path_factory):
    """A real image-folder dataset: 10 classes x 4 PNG images of 32x32 pixels."""
    root = tmp_path_factory.mktemp("images")
    rng = np.random.default_rng(0)
    for label in range(10):
        (root / "train" / f"class{label}").mkdir(parents=True)
        for k in range(4):
            pixels = rng.integers(0, 256, size=(32, 32, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(root / "train" / f"class{label}" / f"{k:04d}.png")
    return root


@pytest.fixture(scope="module")
def valid_table(suite):
    return suite.table(Spec("nb201-cifar10-valid"))


def test_image_folder_zip_and_torchvision_layouts_give_seeded_batches(image_folder, tmp_path):
    batch = images.image_batch(str(image_folder), 6, seed=1)
    assert batch.images.shape == (6, 3, 32, 32) and batch.num_classes == 10
    assert batch.fingerprint == images.image_batch(str(image_folder), 6, seed=1).fingerprint
    assert batch.fingerprint != images.image_batch(str(image_folder), 6, seed=2).fingerprint
    archive = tmp_path / "folder.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(image_folder.rglob("*.png")):
            zf.write(path, path.relative_to(image_folder).as_posix())
    assert images.image_batch(str(archive), 6, seed=1).fingerprint == batch.fingerprint  # same pixels
    batches = tmp_path / "cifar-10-batches-py"
    batches.mkdir()
    rng = np.random.default_rng(0)
    for k in range(1, 6):
        data = {b"data": rng.integers(0, 256, size=(4, 3072), dtype=np.uint8), b"labels": [0, 1, 2, 3]}
        (batches / f"data_batch_{k}").write_bytes(pickle.dumps(data))
    torchvision_batch = images.image_batch(str(tmp_path), 5, seed=0)
    assert torchvision_batch.images.shape == (5, 3, 32, 32) and torchvision_batch.num_classes == 4


def test_image_sources_fail_clearly(tmp_path, monkeypatch):
    monkeypatch.delenv(images.DATA_ENV, raising=False)
    with pytest.raises(ConfigError, match="pass data=PATH"):
        images.image_batch("", 4, 0)
    with pytest.raises(DataFileError, match="missing.zip"):
        images.image_batch(str(tmp_path / "missing.zip"), 4, 0)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataFileError, match="found no images"):
        images.image_batch(str(tmp_path / "empty"), 4, 0)
    evil = tmp_path / "evil" / "cifar-10-batches-py"
    evil.mkdir(parents=True)
    for k in range(1, 6):
        (evil / f"data_batch_{k}").write_bytes(pickle.dumps({b"data": print}))
    with pytest.raises(DataFileError, match="refusing to load"):
        images.image_batch(str(tmp_path / "evil"), 4, 0)


def _scores(suite, archs, proxy, data, batch_size, network, seed, use_cache):
    builder = suite.network_builder(archs.space.name, **scoring.parse_network_options(network))
    return scoring.live_scores(archs, proxy, builder, data, batch_size, network, seed, "cpu", use_cache)


def test_every_proxy_scores_real_nb201_and_nb101_networks(suite, valid_table, nb101_cells, image_folder):
    for archs, network in (
        (valid_table.archs[:3], TINY_NETWORK),
        (nb101_cells[:2], "stem_channels=8;num_stacks=2;cells_per_stack=1"),
    ):
        for proxy in proxies.PROXIES:
            scores = _scores(suite, archs, proxy, str(image_folder), 8, network, 0, use_cache=False)
            assert np.all(np.isfinite(scores)) and np.all(scores > scoring.FAILED), (archs.space.name, proxy)


def test_params_and_flops_match_the_recorded_values_exactly_or_in_rank(suite, valid_table, image_folder):
    archs = valid_table.archs[:6]
    params = _scores(suite, archs, "params", str(image_folder), 2, "", 0, use_cache=False)
    np.testing.assert_allclose(params, archs.costs["zc:params"], rtol=1e-6)
    flops = _scores(suite, archs, "flops", str(image_folder), 2, "", 0, use_cache=False)
    assert np.array_equal(np.argsort(flops), np.argsort(archs.costs["zc:flops"]))


def test_scores_are_cached_by_setting(suite, valid_table, image_folder, monkeypatch):
    archs = valid_table.archs[10:14]
    first = _scores(suite, archs, "snip", str(image_folder), 8, TINY_NETWORK, 3, use_cache=True)
    calls = []
    monkeypatch.setitem(proxies.PROXIES, "snip", lambda net, batch: calls.append(1) or 1.0)
    again = _scores(suite, archs, "snip", str(image_folder), 8, TINY_NETWORK, 3, use_cache=True)
    assert np.array_equal(first, again) and calls == []
    other_seed = _scores(suite, archs, "snip", str(image_folder), 8, TINY_NETWORK, 4, use_cache=True)
    assert len(calls) == 4 and np.all(other_seed == 1.0)


def test_a_failing_proxy_scores_below_everything(suite, valid_table, image_folder, monkeypatch):
    def broken(net, batch):
        raise RuntimeError("singular")

    monkeypatch.setitem(proxies.PROXIES, "jacov", broken)
    scores = _scores(suite, valid_table.archs[:2], "jacov", str(image_folder), 4, TINY_NETWORK, 0, False)
    assert np.all(scores == scoring.FAILED)


def test_recorded_source_serves_values_and_names_what_is_missing(suite, valid_table):
    synflow = next(cls for cls in PROXY_PREDICTORS if cls.name == "synflow")
    archs = valid_table.archs[:5]
    assert np.array_equal(synflow(source="recorded").fit(archs, None).predict(archs), archs.costs["zc:synflow"])
    full = suite.table(Spec("nb201-cifar10")).archs
    unrecorded = full[np.flatnonzero(np.isnan(full.costs["zc:synflow"]))[:3]]
    with pytest.raises(ConfigError, match="3 of 3 cells have no recorded value"):
        synflow(source="recorded").fit(unrecorded, None).predict(unrecorded)
    with pytest.raises(ConfigError, match="source must be one of live, recorded"):
        synflow(source="table").fit(archs, None)
    cifar100 = suite.table(Spec("nb201-cifar100")).archs[:2]
    with pytest.raises(ConfigError, match="no recorded values"):
        synflow(source="recorded").fit(cifar100, None).predict(cifar100)


def _nb201_task(table) -> Task:
    cells = np.random.default_rng(0).permutation(len(table))
    y = table.targets["val_accuracy"]
    return Task(table.archs[cells[:24]], y[cells[:24]], table.archs[cells[24:40]], table.archs[cells[40:48]])


@pytest.mark.parametrize(
    "spec",
    [
        "synflow:network='channels=4;cells_per_stage=1',batch_size=8",
        "params:source=recorded",
        "graf-zcp-xgb:zc_source=recorded,n_estimators=30",
        "zcp-rf:proxies=nwot+snip,zc_network='channels=4;cells_per_stage=1',zc_batch_size=8,n_estimators=30",
    ],
)
def test_proxy_predictors_conform_on_nb201(registry, valid_table, image_folder, spec, monkeypatch):
    monkeypatch.setenv(images.DATA_ENV, str(image_folder))
    parsed = parse_spec(spec, "predictor")
    check_predictor(registry.predictors.get(parsed.name).cls(**parsed.options), _nb201_task(valid_table))


def test_graf_zcp_runs_in_the_harness_and_fails_clearly_without_records(suite):
    spec = "graf-zcp-xgb:zc_source=recorded,n_estimators=50"
    record = make_ranking_job(suite, spec, "nb201-cifar10-valid", train_size=64, test_size=500).run(suite)
    assert record["status"] == "ok" and record["kendall_tau"] > 0.5
    record = make_ranking_job(suite, spec, "nb201-cifar10", train_size=64, test_size=500).run(suite)
    assert record["status"] == "error" and "have no recorded value" in record["error"]


def test_tuned_tree_models_search_on_the_training_cells_only(registry, valid_table):
    table = valid_table
    train = np.arange(40)
    predictor = registry.predictors.get("graf-xgb").cls(tuned=True, n_jobs=1)
    predictor.fit(table.archs[train], table.targets["val_accuracy"][train])
    assert set(predictor.best_params_) == {
        "n_estimators", "max_depth", "learning_rate", "subsample", "colsample_bytree", "min_child_weight",
    }  # fmt: skip
    assert predictor.predict(table.archs[40:60]).shape == (20,)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("synflow", "zero-cost proxies: images needed; pass data=PATH"),
        ("synflow:source=table", "source must be one of live, recorded (got 'table')"),
        ("nwot:data=/nonexistent/cifar.zip", "/nonexistent/cifar.zip: not found"),
        ("graf-zcp-xgb:proxies=synflow+nope,zc_source=recorded", "unknown predictor 'nope'"),
        ("zcp-rf:zc_batch_size=0,zc_data=/tmp", "batch_size: expected a positive integer (got 0)"),
    ],
)
def test_bad_proxy_options_fail_before_any_run(tmp_path, capsys, monkeypatch, spec, message):
    from nasbench_suite.cli import main

    monkeypatch.delenv(images.DATA_ENV, raising=False)
    args = ["run", "--benchmark", "nb201-cifar10-valid", "--predictor", spec, "--train-sizes", "10", "--seeds", "1"]
    with pytest.raises(SystemExit) as exit_info:
        main([*args, "--out", str(tmp_path)])
    assert exit_info.value.code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "records.jsonl").exists()
