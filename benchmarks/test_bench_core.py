"""Timings of the suite's hot paths (pytest-benchmark; not part of the CI test run).

Run: ``python -m pytest benchmarks --benchmark-enable -p no:cacheprovider``
"""

from __future__ import annotations

import dataclasses

import pytest

from nasbench_suite.registry import Suite, load_suite
from nasbench_suite.specs import Spec
from nasbench_suite.study.experiment import Experiment
from nasbench_suite.study.planning import plan_ranking


@pytest.fixture(scope="module")
def suite() -> Suite:
    return load_suite()


def _job(suite: Suite, benchmark: str, train_size: int):
    experiment = Experiment("ranking", (Spec(benchmark),), (Spec("onehot-xgb"),), seeds=1, train_sizes=(train_size,))
    [job] = plan_ranking(experiment, suite, "cpu")
    return job


@pytest.mark.parametrize("name", ["nb201-cifar10", "nb101", "analognas-cifar10", "nasbench-graph-cora"])
def test_load_table(benchmark, name, suite):
    table = benchmark(lambda: suite.benchmark(Spec(name)).load(suite))
    assert len(table) > 0


@pytest.mark.parametrize("train_size", [10, 100, 1000])
def test_one_onehot_xgb_run_on_nb201(benchmark, suite, train_size):
    job = _job(suite, "nb201-cifar10", 1000)  # every size tests on the 14,625 cells outside the largest
    job = dataclasses.replace(job, train_size=train_size)
    assert benchmark(job.run, suite)["status"] == "ok"


def test_one_onehot_xgb_run_on_nb101_all_cells(benchmark, suite):
    job = _job(suite, "nb101", 1000)
    assert benchmark.pedantic(job.run, args=(suite,), rounds=1, iterations=1)["status"] == "ok"


def test_graf_features_of_every_nb201_cell(benchmark, suite):
    from nbs_graf.features import graf_features

    archs = suite.table(Spec("nb201-cifar10")).archs
    assert benchmark(graf_features, archs).shape == (15625, 191)


def test_graf_features_of_423k_nb101_cells(benchmark, suite):
    """The size of the official NB101 file: the shipped 151,644 cells, tiled to 423,624."""
    import numpy as np
    from nbs_graf.features import graf_features

    archs = suite.table(Spec("nb101")).archs
    tiled = archs[np.resize(np.arange(len(archs)), 423_624)]
    features = benchmark.pedantic(graf_features, args=(tiled,), rounds=1, iterations=1)
    assert features.shape == (423_624, 47)


def test_load_and_join_a_column_per_cell(benchmark, tmp_path):
    """The whole table path with per-cell columns: load NB201 and join a 15,625-row file (a fresh
    context each round, so nothing is cached)."""
    import numpy as np
    import pandas as pd

    ids = load_suite().table("nb201-cifar10").archs.ids
    path = tmp_path / "gdas.csv"
    pd.DataFrame({"arch": ids, "gdas_acc": np.random.default_rng(0).random(len(ids))}).to_csv(path, index=False)
    spec = Spec("nb201-cifar10", {"columns": str(path), "supernet": "gdas_acc"})
    table = benchmark(lambda: load_suite().table(spec))
    assert len(table) == 15625 and "supernet" in table.archs.costs
