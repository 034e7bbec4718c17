"""Timings of the suite's hot paths (pytest-benchmark; not part of the CI test run).

Run: ``python -m pytest benchmarks --benchmark-enable -p no:cacheprovider``
"""

from __future__ import annotations

import pytest

from nasbench_suite.protocol import RunConfig, Suite
from nasbench_suite.registry import load_registry
from nasbench_suite.specs import Spec, parse_spec


@pytest.fixture(scope="module")
def suite() -> Suite:
    return Suite(load_registry())


@pytest.mark.parametrize("name", ["nb201-cifar10", "nb101", "analognas-cifar10", "nasbench-graph-cora"])
def test_load_table(benchmark, name, suite):
    table = benchmark(lambda: suite.benchmark(Spec(name)).load())
    assert len(table) > 0


@pytest.mark.parametrize("train_size", [10, 100, 1000])
def test_one_onehot_xgb_run_on_nb201(benchmark, suite, train_size):
    config = RunConfig("nb201-cifar10", "test_accuracy", "onehot-xgb", train_size, 14625, 0, "cpu")
    record = benchmark(suite.execute, config, Spec("nb201-cifar10"), parse_spec("onehot-xgb", "predictor"))
    assert record["status"] == "ok"


def test_one_onehot_xgb_run_on_nb101_all_cells(benchmark, suite):
    config = RunConfig("nb101", "val_accuracy", "onehot-xgb", 1000, 150644, 0, "cpu")
    record = benchmark.pedantic(
        suite.execute, args=(config, Spec("nb101"), parse_spec("onehot-xgb", "predictor")), rounds=1, iterations=1
    )
    assert record["status"] == "ok"


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
