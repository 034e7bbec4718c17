"""A plugin package written against the 0.1.0 README (tests/compat/nbs-compat010, frozen) installs
as a user installs one (pip, entry points) and loads, runs, searches and renders unchanged, with
deprecation warnings naming what to change and no errors; and each deprecated form works alone."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import nasbench_suite
from nasbench_suite import (
    Benchmark,
    BenchmarkTable,
    Predictor,
    SearchStrategy,
    SuiteDeprecationWarning,
    hookimpl,
    load_suite,
    suite_of,
)
from nasbench_suite.cli import main
from nasbench_suite.deprecation import DEPRECATIONS, noting_deprecations, warn

PACKAGE = Path(__file__).resolve().parent / "compat" / "nbs-compat010"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The frozen 0.1.0 plugin, pip-installed into a folder of its own."""
    target = tmp_path_factory.mktemp("compat-site")
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index"]
    build = tmp_path_factory.mktemp("compat-src") / PACKAGE.name  # pip may write build files into the source
    shutil.copytree(PACKAGE, build)
    subprocess.run([*pip, "--target", str(target), str(build)], check=True, capture_output=True, text=True)
    return target


def _cli(site: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NASBENCH_SUITE_PLUGINS"}  # every installed plugin
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "nasbench_suite", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=600
    )


def _warned(stderr: str) -> set[str]:
    """Keys of the deprecation table whose warning text appears on standard error."""
    return {key for key, entry in DEPRECATIONS.items() if f"{entry.old}, deprecated since" in stderr}


def _records(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "records.jsonl").read_text().splitlines()]


def test_the_010_plugin_loads_and_lists_the_deprecated_api_it_uses(site, tmp_path):
    result = _cli(site, "plugins", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    listing = json.loads(result.stdout)
    assert listing["failures"] == []
    [plugin] = [p for p in listing["plugins"] if p["name"] == "compat010"]
    assert (plugin["distribution"], plugin["version"]) == ("nbs-compat010", "0.1.0")
    assert plugin["contributes"] == {
        "predictor": ["opcount-ridge", "network-params"],
        "benchmark": ["nb201-subset", "cells-csv"],
        "search strategy": ["guided-neighbours"],
    }
    used = {use["api"] for use in plugin["deprecated"]}
    assert used == {
        DEPRECATIONS[key].old
        for key in ("benchmark_table", "network_builder", "benchmark_load_without_context", "search_returning_order")
    }
    assert all(use["removal"] == "0.3.0" and use["replacement"] for use in plugin["deprecated"])
    assert all(not p["deprecated"] for p in listing["plugins"] if p["distribution"] == "nasbench-suite")
    assert {"benchmark_table", "network_builder"} <= _warned(result.stderr)  # imported at load time

    text = _cli(site, "plugins", cwd=tmp_path).stdout
    block = text.split("compat010 (nbs-compat010 0.1.0)\n")[1].split("\n\n")[0]
    assert f"  deprecated: {DEPRECATIONS['benchmark_load_without_context'].old} (to be removed in 0.3.0)" in block


def test_the_010_benchmarks_and_predictors_run_with_warnings_and_no_errors(site, tmp_path):
    result = _cli(
        site,
        "run",
        *("--benchmark", "nb201-subset:size=2000", "--benchmark", "cells-csv"),
        *("--predictor", "opcount-ridge:alpha=0.5", "--predictor", "network-params", "--predictor", "onehot-xgb"),
        *("--train-sizes", "20", "--seeds", "2", "--test-size", "100", "--out", "out"),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    records = _records(tmp_path / "out")
    assert len(records) == 12 and all(r["status"] == "ok" for r in records), [r.get("error") for r in records]
    assert {r["benchmark_label"] for r in records} == {"nb201-subset:size=2000", "cells-csv"}
    assert {r["pool_size"] for r in records if r["benchmark_name"] == "cells-csv"} == {150}
    params = [r for r in records if r["predictor_name"] == "network-params"]
    assert all(r["kendall_tau"] > 0.3 for r in params)  # bigger NB201 networks are better: real signal
    assert {"benchmark_load_without_context", "table_sample", "table_enumerate"} <= _warned(result.stderr)
    assert "Traceback" not in result.stderr


def test_the_010_strategy_searches_under_the_harness_rules(site, tmp_path):
    result = _cli(
        site,
        "search",
        *("--benchmark", "nb201-subset", "--strategy", "guided-neighbours", "--strategy", "evolution"),
        *("--predictor", "opcount-ridge", "--predictor", "graf-xgb"),
        *("--budget", "60", "--seeds", "3", "--top", "0.01", "--jobs", "2", "--out", "out"),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    records = _records(tmp_path / "out")
    guided = [r for r in records if r["strategy_name"] == "guided-neighbours"]
    assert len(records) == 9 and len(guided) == 6 and all(r["status"] == "ok" for r in records)
    assert {r["predictor_name"] for r in guided} == {"opcount-ridge", "graf-xgb"}
    assert all(0 < r["evaluations"] <= 60 for r in guided)
    assert {"search_returning_order", "strategy_finished"} <= _warned(result.stderr)  # shown by the workers

    report = _cli(site, "leaderboard", "out", "--format", "html", "--output", "report.html", cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    html = (tmp_path / "report.html").read_text()
    assert "guided-neighbours" in html and "nbs-compat010 0.1.0" in html


def test_the_010_predictor_passes_its_own_conformance_checks(site, monkeypatch):
    from nasbench_suite.testing import check_predictor

    monkeypatch.syspath_prepend(str(site))
    with pytest.warns(SuiteDeprecationWarning, match="network_builder"):
        predictors = importlib.import_module("nbs_compat010.predictors")
    check_predictor(predictors.OpCountRidge())
    for name in [m for m in sys.modules if m.startswith("nbs_compat010")]:
        monkeypatch.delitem(sys.modules, name)


# -- each deprecated form on its own ----------------------------------------------------------------


def test_removed_names_resolve_with_a_warning_naming_the_replacement():
    with pytest.warns(SuiteDeprecationWarning, match=r"context\.table\('name:key=value'\)"):
        table = nasbench_suite.benchmark_table("nb201-cifar10")
    assert len(table) == len(load_suite().table("nb201-cifar10")) == 15625
    with pytest.warns(SuiteDeprecationWarning, match="to be removed in 0.3.0"):
        from nasbench_suite import network_builder
    assert network_builder("nb201", channels=4, cells_per_stage=1).name == "nb201"
    assert "benchmark_table" not in nasbench_suite.__all__  # a star import does not warn


def test_moved_modules_import_with_a_warning_and_give_the_same_objects():
    for old in ("nasbench_suite.predictor", "nasbench_suite.hookspecs", "nasbench_suite.paths"):
        sys.modules.pop(old, None)
    with pytest.warns(SuiteDeprecationWarning, match=r"importing nasbench_suite\.predictor"):
        from nasbench_suite.predictor import Predictor
    with pytest.warns(SuiteDeprecationWarning, match="hookspecs"):
        from nasbench_suite.hookspecs import hookimpl as old_hookimpl
    with pytest.warns(SuiteDeprecationWarning):
        from nasbench_suite.paths import cache_dir
    assert Predictor is nasbench_suite.Predictor and old_hookimpl is hookimpl and cache_dir is nasbench_suite.cache_dir
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("nasbench_suite.no_such_module")


def test_table_sample_and_enumerate_still_work_with_a_warning():
    table = load_suite().table("nb201-cifar10")
    with pytest.warns(SuiteDeprecationWarning, match="BenchmarkTable.sample"):
        cells = table.sample(5, np.random.default_rng(0), exclude=np.arange(100))
    assert len(set(cells)) == 5 and cells.min() >= 100
    with pytest.warns(SuiteDeprecationWarning, match="numpy.arange"):
        assert (table.enumerate() == np.arange(len(table))).all()


class _ContextFree(Benchmark):
    name = "context-free"
    targets = ("acc",)
    default_target = "acc"

    def load(self):
        source = load_suite().table("nb201-cifar10")
        return BenchmarkTable(archs=source.archs[:50], targets={"acc": source.targets["test_accuracy"][:50]})


class _ContextFreePlugin:
    @hookimpl
    def register_benchmarks(self):
        return [_ContextFree]


def test_a_benchmark_loading_without_a_context_warns_once_and_is_listed():
    suite = load_suite({"context-free-plugin": _ContextFreePlugin()})
    with pytest.warns(
        SuiteDeprecationWarning, match=r"benchmark context-free \(.*_ContextFree\) uses Benchmark.load"
    ) as caught:
        suite.table("context-free")
        load_suite({"context-free-plugin": _ContextFreePlugin()}).table("context-free")  # a second context
    assert len([w for w in caught if w.category is SuiteDeprecationWarning]) == 1
    assert Path(caught[0].filename).name == "test_compatibility.py"  # points at the plugin's load
    uses = suite.registry.deprecated_uses("context-free-plugin")
    assert [use.old for use in uses] == [DEPRECATIONS["benchmark_load_without_context"].old]
    assert suite.registry.deprecated_uses("tables") == []


class _NeedsContext(Predictor):
    """A current predictor that builds on another plugin: its fit needs the run's context."""

    name = "needs-context"

    def fit(self, archs, y, context=None):
        self.space_ = suite_of(context, self.name).network_builder(archs.space.name, channels=4).name
        self.coef_ = np.linalg.lstsq(archs.onehot_operations().sum(axis=1), y, rcond=None)[0]
        return self

    def predict(self, archs):
        return archs.onehot_operations().sum(axis=1) @ self.coef_


class _OldGreedy(SearchStrategy):
    """A 0.1.0 strategy: fits the predictor it is handed without a context, returns its order."""

    name = "old-greedy"
    uses_predictor = True

    def search(self, table, target, budget, rng, predictor=None):
        values = table.targets[target]
        order = list(rng.choice(table.indices_with(target), size=10, replace=False))
        predictor.fit(table.archs[np.asarray(order)], values[np.asarray(order)])
        rest = np.setdiff1d(table.indices_with(target), order)
        order += list(rest[np.argsort(-predictor.predict(table.archs[rest]))[: budget - len(order)]])
        return np.asarray(order)


class _OldRepeating(SearchStrategy):
    """A 0.1.0 strategy that breaks the contract: it returns one cell twice."""

    name = "old-repeating"

    def search(self, table, target, budget, rng, predictor=None):
        return np.array([3, 5, 3])


class _OldStrategies:
    @hookimpl
    def register_predictors(self):
        return [_NeedsContext]

    @hookimpl
    def register_search_strategies(self):
        return [_OldGreedy, _OldRepeating]


def test_a_010_strategy_works_with_guides_that_need_the_context_and_is_held_to_the_contract(tmp_path, monkeypatch):
    import nasbench_suite.cli as cli

    real = cli.load_registry
    monkeypatch.setattr(cli, "load_registry", lambda: real({"old-strategies": _OldStrategies()}))
    with pytest.warns(SuiteDeprecationWarning, match="returning the order"):
        main(
            [
                "search",
                *("--benchmark", "nb201-cifar10", "--strategy", "old-greedy", "--strategy", "old-repeating"),
                *("--predictor", "needs-context", "--budget", "30", "--seeds", "1", "--out", str(tmp_path)),
            ]
        )
    records = {r["strategy_name"]: r for r in _records(tmp_path)}
    assert records["old-greedy"]["status"] == "ok" and records["old-greedy"]["evaluations"] == 30
    assert records["old-repeating"]["status"] == "error"
    assert (
        "the order returned by the 0.1.0-style search() breaks the contract: cell 3 was evaluated twice"
        in (records["old-repeating"]["error"])
    )


def test_only_the_suites_own_deprecations_are_noted_and_an_error_filter_raises_at_every_use():
    with noting_deprecations() as noted, pytest.warns(SuiteDeprecationWarning):
        warnings.warn(SuiteDeprecationWarning("a plugin's own deprecation"), stacklevel=1)
    assert noted == []
    with warnings.catch_warnings():
        warnings.simplefilter("error", SuiteDeprecationWarning)
        for _ in range(2):  # "once" counts only warnings that went through
            with noting_deprecations() as noted, pytest.raises(SuiteDeprecationWarning, match="arange"):
                warn("table_enumerate", "a test", once=True)
            assert noted == ["table_enumerate"]
