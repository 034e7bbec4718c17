"""The one registry: every predictor, benchmark, search strategy and network builder the plugins
contribute.

The registry calls each plugin's ``register_*`` hook separately, so a plugin that raises, returns
something that is not a proper class, or reuses a name is reported by name and left out while
every other plugin keeps working.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from nasbench_suite.benchmark import Benchmark
from nasbench_suite.errors import PluginError, UnknownNameError
from nasbench_suite.networks import NetworkBuilder
from nasbench_suite.plugin_manager import LoadedPlugins, PluginFailure, PluginInfo, build_plugin_manager
from nasbench_suite.predictor import Predictor, is_known_need
from nasbench_suite.search import SearchStrategy

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")

T = TypeVar("T")


@dataclass(frozen=True)
class Entry(Generic[T]):
    """A registered class and the plugin that contributed it."""

    name: str
    cls: type[T]
    plugin: PluginInfo

    @property
    def version(self) -> str | None:
        return self.plugin.version


@dataclass
class Kind(Generic[T]):
    """All entries of one kind (predictor, benchmark, search strategy or network builder)."""

    label: str
    base: type
    hook: str
    entries: dict[str, Entry[T]] = field(default_factory=dict)
    clashes: dict[str, list[str]] = field(default_factory=dict)

    def names(self) -> list[str]:
        return sorted(self.entries)

    def get(self, name: str) -> Entry[T]:
        if name in self.clashes:
            raise PluginError(
                f"{self.label} {name!r} is registered by several plugins ({', '.join(self.clashes[name])}); "
                f"uninstall one or select plugins with NASBENCH_SUITE_PLUGINS"
            )
        try:
            return self.entries[name]
        except KeyError:
            raise UnknownNameError(
                f"unknown {self.label} {name!r}; expected one of: {', '.join(self.names()) or '(none registered)'}"
            ) from None


class Registry:
    """Predictors, benchmarks, search strategies and network builders, collected from a plugin manager."""

    def __init__(self, loaded: LoadedPlugins) -> None:
        self.loaded = loaded
        self.failures: list[PluginFailure] = list(loaded.failures)
        self.predictors: Kind[Predictor] = Kind("predictor", Predictor, "register_predictors")
        self.benchmarks: Kind[Benchmark] = Kind("benchmark", Benchmark, "register_benchmarks")
        self.strategies: Kind[SearchStrategy] = Kind("search strategy", SearchStrategy, "register_search_strategies")
        self.networks: Kind[NetworkBuilder] = Kind("network builder", NetworkBuilder, "register_network_builders")
        for kind in (self.predictors, self.benchmarks, self.strategies, self.networks):
            self._collect(kind)

    @property
    def plugins(self) -> dict[str, PluginInfo]:
        return self.loaded.infos

    def _plugin_info(self, plugin_name: str) -> PluginInfo:
        return self.loaded.infos.get(plugin_name) or PluginInfo(plugin_name, None, None)

    def _fail(self, plugin_name: str, message: str) -> None:
        self.failures.append(PluginFailure(plugin_name, self._plugin_info(plugin_name).distribution, message))

    def _collect(self, kind: Kind) -> None:
        caller = getattr(self.loaded.manager.hook, kind.hook)
        for impl in caller.get_hookimpls():  # registration order
            plugin_name = impl.plugin_name
            try:
                returned = impl.function()
            except Exception as exc:  # isolate the plugin, report it by name
                self._fail(plugin_name, f'plugin "{plugin_name}" raised in {kind.hook}: {type(exc).__name__}: {exc}')
                continue
            for cls in returned or []:
                problem = _class_problem(cls, kind)
                if problem:
                    self._fail(plugin_name, f'plugin "{plugin_name}" ({kind.hook}): {problem}')
                    continue
                self._add(kind, cls, plugin_name)

    def _add(self, kind: Kind, cls: type, plugin_name: str) -> None:
        name = cls.name
        if name in kind.clashes:
            kind.clashes[name].append(plugin_name)
        elif name in kind.entries:
            first = kind.entries.pop(name).plugin.name
            kind.clashes[name] = [first, plugin_name]
        else:
            kind.entries[name] = Entry(name, cls, self._plugin_info(plugin_name))
            return
        self._fail(
            plugin_name,
            f'plugin "{plugin_name}" registers {kind.label} {name!r}, which plugin "{kind.clashes[name][0]}" '
            f"also registers; the name is disabled until one is removed",
        )


def _class_problem(cls: object, kind: Kind) -> str | None:
    if not isinstance(cls, type) or not issubclass(cls, kind.base):
        return f"expected a subclass of {kind.base.__name__} (got {cls!r})"
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        return f"{cls.__name__}.name must be a lowercase name like 'my-predictor' (got {name!r})"
    if kind.base is Predictor:
        unknown = [need for need in cls.needs if not is_known_need(need)]
        if unknown:
            return f"{cls.__name__}.needs has unknown entries {unknown}"
        try:
            cls.param_names()
        except TypeError as exc:
            return str(exc)
    if kind.base is Benchmark and getattr(cls, "default_target", None) not in getattr(cls, "targets", ()):
        return f"{cls.__name__}.default_target must be one of its targets"
    return None


def load_registry(extra_plugins: dict[str, object] | None = None) -> Registry:
    """Build a plugin manager (entry points + ``extra_plugins``) and collect its registry."""
    return Registry(build_plugin_manager(extra_plugins))


@functools.cache
def default_registry() -> Registry:
    """The registry of the installed plugins, built once per process (for plugins that need another
    plugin's contribution, e.g. a network builder)."""
    return load_registry()
