"""Shared fixtures. Tests load only the first-party plugins unless they say otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nasbench_suite.registry.registry import Registry, load_registry
from nasbench_suite.registry.suite import Suite

FIRST_PARTY = "tables,baselines,gnn,ssa,graf,zc,search,supernet,ghn,encodings"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

# Collection-time code (parametrisations) must not see whatever else is installed either.
os.environ["NASBENCH_SUITE_PLUGINS"] = FIRST_PARTY


@pytest.fixture(autouse=True)
def first_party_plugins_only(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.setenv("NASBENCH_SUITE_PLUGINS", FIRST_PARTY)
    monkeypatch.delenv("NASBENCH_SUITE_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    # proxy scores are cached per test session, never in the user's cache
    monkeypatch.setenv("NASBENCH_SUITE_CACHE", str(tmp_path_factory.getbasetemp() / "zc-cache"))


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry()


@pytest.fixture(scope="session")
def suite(registry: Registry) -> Suite:
    return Suite(registry)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data not found at {SHARED_DATA} (needed to validate shipped tables)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def nb201_cells(suite: Suite):
    """Every NB201 CIFAR-10 cell (Architectures)."""
    return suite.table("nb201-cifar10").archs


@pytest.fixture(scope="session")
def nb101_cells(suite: Suite):
    """Every shipped NB101 cell (Architectures)."""
    return suite.table("nb101").archs


TESTS_DIR = Path(__file__).resolve().parent


@pytest.fixture
def fault_plugins(monkeypatch: pytest.MonkeyPatch) -> str:
    """Load the deliberately broken predictors of ``tests/fault_plugins.py`` here, in worker
    processes and in subprocesses (by module name, as any process of the suite would)."""
    monkeypatch.setenv("NASBENCH_SUITE_PLUGIN_MODULES", "fault_plugins")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(TESTS_DIR), os.environ.get("PYTHONPATH")])))
    return "fault_plugins"


def make_ranking_job(
    suite: Suite,
    predictor: str,
    benchmark: str = "nb201-cifar10",
    train_size: int = 20,
    test_size: int = 200,
    seed: int = 0,
    **fields,
):
    """A ranking job planned by hand (the planner's checks aside), e.g. to run one predictor."""
    from nasbench_suite.specs import parse_spec
    from nasbench_suite.study.planning import plugin_ref
    from nasbench_suite.study.ranking import RankingJob

    bench_spec, target = suite.resolve_benchmark(parse_spec(benchmark, "benchmark"))
    spec = parse_spec(predictor, "predictor")
    return RankingJob(
        plugin_ref(suite, suite.benchmark_class(bench_spec.name), bench_spec),
        target,
        plugin_ref(suite, suite.predictor_class(spec.name), spec),
        train_size,
        test_size,
        seed,
        **fields,
    )


def make_search_job(
    suite: Suite,
    strategy: str,
    predictor: str | None = None,
    benchmark: str = "nb201-cifar10",
    budget: int = 300,
    seed: int = 0,
    top: float = 0.001,
):
    """A search job planned by hand."""
    from nasbench_suite.specs import parse_spec
    from nasbench_suite.study.planning import plugin_ref
    from nasbench_suite.study.searching import SearchJob

    bench_spec, target = suite.resolve_benchmark(parse_spec(benchmark, "benchmark"))
    strategy_spec = parse_spec(strategy, "search strategy")
    guide = parse_spec(predictor, "predictor") if predictor else None
    return SearchJob(
        plugin_ref(suite, suite.benchmark_class(bench_spec.name), bench_spec),
        target,
        plugin_ref(suite, suite.strategy_class(strategy_spec.name), strategy_spec),
        plugin_ref(suite, suite.predictor_class(guide.name), guide) if guide else None,
        budget,
        seed,
        top,
    )


@pytest.fixture(scope="session")
def ranking_job():
    return make_ranking_job


@pytest.fixture(scope="session")
def search_job():
    return make_search_job


def oracle_class(suite: Suite) -> type:
    """A predictor named ``oracle`` that knows every NB201 CIFAR-10 cell's test accuracy."""
    import numpy as np

    from nasbench_suite import Predictor

    table = suite.table("nb201-cifar10")
    truth = dict(zip(table.archs.ids, table.targets["test_accuracy"]))

    class NB201Oracle(Predictor):
        name = "oracle"

        def fit(self, archs, y, context=None):
            self.fitted_ = True
            return self

        def predict(self, archs):
            return np.array([truth[cell] for cell in archs.ids])

    return NB201Oracle
