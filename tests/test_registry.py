"""Plugin loading and the registry: isolation of broken plugins, duplicates, selection."""

from __future__ import annotations

import pytest

from nasbench_suite import Predictor, hookimpl
from nasbench_suite.errors import PluginError, UnknownNameError
from nasbench_suite.registry import load_registry


class Echo(Predictor):
    name = "echo"
    needs = frozenset()

    def __init__(self) -> None:
        pass

    def fit(self, archs, y, context=None):
        return self

    def predict(self, archs):
        return archs.num_nodes.astype(float)


class RaisingPlugin:
    @hookimpl
    def register_predictors(self):
        raise RuntimeError("boom")


class EchoPlugin:
    @hookimpl
    def register_predictors(self):
        return [Echo]


class NotAPredictorPlugin:
    @hookimpl
    def register_predictors(self):
        return [dict, "onehot-xgb"]


def test_first_party_plugins_register_everything(registry):
    assert {"random", "param-count", "onehot-xgb", "graf-zcp-xgb", "synflow", "params"} <= set(
        registry.predictors.names()
    )
    assert {"nb201-cifar10", "nb201-cifar100", "nb201-imagenet16-120", "nb101", "analognas-cifar10"} <= set(
        registry.benchmarks.names()
    )
    assert sum(name.startswith("nasbench-graph-") for name in registry.benchmarks.names()) == 9
    assert registry.failures == []
    entry = registry.predictors.get("onehot-xgb")
    assert entry.plugin.name == "graf" and entry.plugin.distribution == "nasbench-suite"


def test_a_plugin_raising_in_a_hook_is_reported_and_isolated():
    registry = load_registry({"raiser": RaisingPlugin(), "echo-plugin": EchoPlugin()})
    assert registry.predictors.get("echo").cls is Echo
    assert "random" in registry.predictors.names()
    [failure] = registry.failures
    assert failure.name == "raiser" and "raised in register_predictors: RuntimeError: boom" in failure.error


def test_bad_classes_are_rejected_by_name():
    registry = load_registry({"weird": NotAPredictorPlugin()})
    messages = [f.error for f in registry.failures]
    assert len(messages) == 2 and all('plugin "weird"' in m and "subclass of Predictor" in m for m in messages)


def test_duplicate_names_disable_the_name_and_name_both_plugins():
    registry = load_registry({"first": EchoPlugin(), "second": EchoPlugin()})
    [failure] = registry.failures
    assert '"second"' in failure.error and '"first"' in failure.error
    with pytest.raises(PluginError, match="first, second"):
        registry.predictors.get("echo")
    assert registry.predictors.get("random").name == "random"  # the rest keeps working


def test_unknown_names_list_the_valid_ones(registry):
    with pytest.raises(UnknownNameError, match="unknown predictor 'nope'; expected one of: .*onehot-xgb"):
        registry.predictors.get("nope")


def test_autoload_can_be_disabled(monkeypatch):
    monkeypatch.setenv("NASBENCH_SUITE_DISABLE_PLUGIN_AUTOLOAD", "1")
    registry = load_registry({"echo-plugin": EchoPlugin()})
    assert registry.predictors.names() == ["echo"]
    assert registry.benchmarks.names() == []


def test_plugins_can_be_selected_by_name(monkeypatch):
    monkeypatch.setenv("NASBENCH_SUITE_PLUGINS", "baselines")
    registry = load_registry()
    assert registry.benchmarks.names() == []
    assert registry.predictors.names() == ["param-count", "random", "supernet"]
