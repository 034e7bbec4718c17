"""Plugin loading and the registry: isolation of broken plugins, name clashes, selection."""

from __future__ import annotations

import pytest

from nasbench_suite import Predictor, SearchStrategy, hookimpl
from nasbench_suite.errors import AmbiguousNameError, UnknownNameError
from nasbench_suite.registry import load_registry
from nasbench_suite.registry.loading import PluginInfo


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


def test_two_other_plugins_with_one_name_make_it_ambiguous_naming_both():
    registry = load_registry({"first": EchoPlugin(), "second": EchoPlugin()})
    [failure] = registry.failures
    assert '"second"' in failure.error and '"first"' in failure.error and "neither is used" in failure.error
    with pytest.raises(AmbiguousNameError, match="registered by several plugins .first, second."):
        registry.predictors.get("echo")  # a configuration error: exit status 2 on the command line
    assert registry.predictors.get("random").name == "random"  # the rest keeps working


class ShadowsOneHot(Predictor):
    name = "onehot-xgb"
    needs = frozenset()

    def fit(self, archs, y, context=None):
        return self

    def predict(self, archs):
        return archs.num_nodes.astype(float)


class ShadowPlugin:
    @hookimpl
    def register_predictors(self):
        return [ShadowsOneHot]


def test_a_clash_with_a_builtin_keeps_the_builtin_and_names_both():
    registry = load_registry({"shadow": ShadowPlugin()})
    entry = registry.predictors.get("onehot-xgb")
    assert entry.plugin.name == "graf" and entry.cls is not ShadowsOneHot
    assert entry.cls.fast  # still in the default suite
    [failure] = registry.failures
    assert failure.name == "shadow"
    assert 'plugin "shadow" registers predictor \'onehot-xgb\', which plugin "graf" also registers' in failure.error
    assert "the suite's is kept" in failure.error


class NoInitStrategy(SearchStrategy):
    name = "no-init"

    def search(self, task):
        task.evaluate(0)


class NoInitPlugin:
    @hookimpl
    def register_predictors(self):
        return [type("NoInitPredictor", (ShadowsOneHot,), {"name": "no-init"})]

    @hookimpl
    def register_search_strategies(self):
        return [NoInitStrategy]


def test_a_predictor_or_strategy_without_an_init_takes_no_options():
    registry = load_registry({"no-init": NoInitPlugin()})
    assert registry.failures == []
    for kind in (registry.predictors, registry.strategies):
        cls = kind.get("no-init").cls
        assert cls.param_names() == [] and cls().get_params() == {}


def test_plugin_descriptions_say_where_a_plugin_comes_from():
    assert PluginInfo("graf", "nasbench-suite", "0.1.0").describe() == "graf (nasbench-suite 0.1.0)"
    module = PluginInfo("mine", None, None, source="module").describe()
    assert module == "mine (module from NASBENCH_SUITE_PLUGIN_MODULES)" and "None" not in module


def test_a_module_loaded_by_entry_point_and_by_name_is_registered_once(monkeypatch):
    monkeypatch.setenv("NASBENCH_SUITE_PLUGIN_MODULES", "nbs_baselines.plugin")
    registry = load_registry()
    assert registry.failures == []
    assert registry.predictors.get("random").plugin.name == "baselines"


def test_a_broken_plugin_module_is_reported_once(monkeypatch, caplog):
    monkeypatch.setenv("NASBENCH_SUITE_PLUGIN_MODULES", "no_such_module_xyz")
    registry = load_registry()
    [failure] = registry.failures
    assert 'Error importing plugin module "no_such_module_xyz"' in failure.error
    assert "no_such_module_xyz" not in caplog.text  # reported by the caller, not logged a second time


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
