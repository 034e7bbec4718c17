"""The one registry: every predictor, benchmark, search strategy and network builder the plugins
contribute.

The registry calls each plugin's ``register_*`` hook separately, so a plugin that raises, or
returns something that is not a proper class, is reported by name and left out while every other
plugin keeps working.

Name clashes: a name registered by one of the suite's own plugins (the ``nasbench-suite``
distribution) always stays the suite's; another plugin that registers it too is reported, naming
both plugins, and its class is left out. When two other plugins register the same name, neither
is used (which one would be is an accident of loading order): the clash is reported, and asking
for the name is a configuration error (exit status 2) naming both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from nasbench_suite.contracts.benchmark import Benchmark
from nasbench_suite.contracts.claims import Claim
from nasbench_suite.contracts.legacy import class_uses
from nasbench_suite.contracts.network_builder import NetworkBuilder
from nasbench_suite.contracts.predictor import Predictor, is_known_need
from nasbench_suite.contracts.published import PublishedResult
from nasbench_suite.contracts.strategy import SearchStrategy
from nasbench_suite.deprecation import DEPRECATIONS, Deprecation
from nasbench_suite.errors import AmbiguousNameError, UnknownNameError, first_line
from nasbench_suite.registry.loading import LoadedPlugins, PluginFailure, PluginInfo, build_plugin_manager

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")

T = TypeVar("T")


@dataclass(frozen=True)
class Entry(Generic[T]):
    """A registered class and the plugin that contributed it."""

    name: str
    cls: type[T]
    plugin: PluginInfo


@dataclass
class Kind(Generic[T]):
    """All entries of one kind (predictor, benchmark, search strategy or network builder)."""

    label: str
    plural: str
    base: type
    hook: str
    entries: dict[str, Entry[T]] = field(default_factory=dict)
    #: names registered by several plugins that are not the suite's own -> those plugins
    ambiguous: dict[str, list[str]] = field(default_factory=dict)

    def names(self) -> list[str]:
        return sorted(self.entries)

    def get(self, name: str) -> Entry[T]:
        if name in self.ambiguous:
            raise AmbiguousNameError(
                f"{self.label} {name!r} is registered by several plugins ({', '.join(self.ambiguous[name])}); "
                f"uninstall one, or choose plugins with NASBENCH_SUITE_PLUGINS"
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
        self.predictors: Kind[Predictor] = Kind("predictor", "predictors", Predictor, "register_predictors")
        self.benchmarks: Kind[Benchmark] = Kind("benchmark", "benchmarks", Benchmark, "register_benchmarks")
        self.strategies: Kind[SearchStrategy] = Kind(
            "search strategy", "search strategies", SearchStrategy, "register_search_strategies"
        )
        self.networks: Kind[NetworkBuilder] = Kind(
            "network builder", "network builders", NetworkBuilder, "register_network_builders"
        )
        #: plugin name -> keys of the deprecated contract forms its classes use
        self._class_deprecations: dict[str, list[str]] = {}
        for kind in self.kinds:
            self._collect(kind)
        self.claims: list[tuple[Claim, PluginInfo]] = self._collect_instances("register_claims", Claim)
        self.published: list[tuple[PublishedResult, PluginInfo]] = self._collect_instances(
            "register_published_results", PublishedResult
        )

    @property
    def kinds(self) -> tuple[Kind, ...]:
        return (self.predictors, self.benchmarks, self.strategies, self.networks)

    @property
    def plugins(self) -> dict[str, PluginInfo]:
        return self.loaded.infos

    def deprecated_uses(self, plugin_name: str) -> list[Deprecation]:
        """The deprecated forms a plugin uses, as far as loading it shows: deprecated names it
        imported (from the warnings) and contract forms of its classes (from their signatures)."""
        keys = [*self._plugin_info(plugin_name).deprecated, *self._class_deprecations.get(plugin_name, [])]
        return [DEPRECATIONS[key] for key in dict.fromkeys(keys)]

    def _plugin_info(self, plugin_name: str) -> PluginInfo:
        return self.loaded.infos.get(plugin_name) or PluginInfo(plugin_name, None, None, source="registered in code")

    def _fail(self, plugin_name: str, message: str) -> None:
        info = self._plugin_info(plugin_name)
        self.failures.append(PluginFailure(plugin_name, info.distribution, message, info.version))

    def _collect(self, kind: Kind) -> None:
        caller = getattr(self.loaded.manager.hook, kind.hook)
        for impl in caller.get_hookimpls():  # registration order
            plugin_name = impl.plugin_name
            try:
                returned = impl.function()
            except Exception as exc:  # isolate the plugin, report it by name
                self._fail(plugin_name, f'plugin "{plugin_name}" raised in {kind.hook}: {first_line(exc)}')
                continue
            for cls in returned or []:
                problem = _class_problem(cls, kind)
                if problem:
                    self._fail(plugin_name, f'plugin "{plugin_name}" ({kind.hook}): {problem}')
                    continue
                self._add(kind, Entry(cls.name, cls, self._plugin_info(plugin_name)))
                self._class_deprecations.setdefault(plugin_name, []).extend(class_uses(cls))

    def _collect_instances(self, hook: str, cls: type[T]) -> list[tuple[T, PluginInfo]]:
        """Every ``cls`` instance the plugins return from ``hook``, with the plugin that returned it; a
        plugin that raises or returns anything else is reported and left out."""
        collected = []
        for impl in getattr(self.loaded.manager.hook, hook).get_hookimpls():
            try:
                returned = list(impl.function() or [])
            except Exception as exc:  # isolate the plugin, report it by name
                self._fail(impl.plugin_name, f'plugin "{impl.plugin_name}" raised in {hook}: {first_line(exc)}')
                continue
            for item in returned:
                if isinstance(item, cls):
                    collected.append((item, self._plugin_info(impl.plugin_name)))
                else:
                    self._fail(
                        impl.plugin_name,
                        f'plugin "{impl.plugin_name}" ({hook}): expected {cls.__name__} instances (got {item!r})',
                    )
        return collected

    def _add(self, kind: Kind, entry: Entry) -> None:
        name, plugin = entry.name, entry.plugin.name
        present = kind.entries.get(name)
        if name in kind.ambiguous:
            kind.ambiguous[name].append(plugin)
            self._fail(plugin, _clash(kind, name, plugin, kind.ambiguous[name][0]) + "; neither is used")
        elif present is None:
            kind.entries[name] = entry
        elif present.plugin.builtin != entry.plugin.builtin:  # the suite's own plugin keeps its name
            kept, dropped = (present, entry) if present.plugin.builtin else (entry, present)
            kind.entries[name] = kept
            self._fail(
                dropped.plugin.name, _clash(kind, name, dropped.plugin.name, kept.plugin.name) + "; the suite's is kept"
            )
        else:
            del kind.entries[name]
            kind.ambiguous[name] = [present.plugin.name, plugin]
            self._fail(plugin, _clash(kind, name, plugin, present.plugin.name) + "; neither is used")


def _clash(kind: Kind, name: str, plugin: str, other: str) -> str:
    return f'plugin "{plugin}" registers {kind.label} {name!r}, which plugin "{other}" also registers'


def _class_problem(cls: object, kind: Kind) -> str | None:
    if not isinstance(cls, type) or not issubclass(cls, kind.base):
        return f"expected a subclass of {kind.base.__name__} (got {cls!r})"
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        return f"{cls.__name__}.name must be a lowercase name like 'my-plugin' (got {name!r})"
    if kind.base is Predictor:
        unknown = [need for need in cls.needs if not is_known_need(need)]
        if unknown:
            return f"{cls.__name__}.needs has unknown entries {unknown}"
    if kind.base in (Predictor, Benchmark, SearchStrategy):
        try:
            names = cls.param_names()
        except TypeError as exc:
            return str(exc)
        declared = [option for option in (*cls.input_files, *cls.cache_files) if option not in names]
        if declared:
            return f"{cls.__name__} declares file options {declared} that its __init__ does not take"
    targets = getattr(cls, "targets", ())
    if kind.base is Benchmark and targets and getattr(cls, "default_target", None) not in targets:
        return f"{cls.__name__}.default_target must be one of its targets"
    return None


def load_registry(extra_plugins: dict[str, object] | None = None) -> Registry:
    """Build a plugin manager (entry points + ``extra_plugins``) and collect its registry."""
    return Registry(build_plugin_manager(extra_plugins))
