"""Build the pluggy plugin manager and load plugins from entry points.

Environment variables (read when the manager is built, never at import):

``NASBENCH_SUITE_DISABLE_PLUGIN_AUTOLOAD``
    When set to a non-empty value other than ``0``, no entry point is loaded.
``NASBENCH_SUITE_PLUGINS``
    Comma-separated entry-point names; when set, only these plugins are loaded.
``NASBENCH_SUITE_PLUGIN_MODULES``
    Comma-separated importable modules to register as plugins as well, without packaging them
    (like pytest's ``PYTEST_PLUGINS``). Worker processes inherit the variable, so such plugins
    also run under ``--jobs`` and on a local Dask cluster.

A plugin that fails to import is recorded as a :class:`PluginFailure` and skipped, so one
broken distribution never takes the suite down. Failures are reported by whoever shows them (the
command line prints each once); they are not logged here.
"""

from __future__ import annotations

import importlib.metadata
import os
from dataclasses import dataclass, field

import pluggy

from nasbench_suite.contracts import hookspecs
from nasbench_suite.deprecation import noting_deprecations
from nasbench_suite.errors import first_line

ENTRY_POINT_GROUP = "nasbench_suite"
DISABLE_AUTOLOAD_ENV = "NASBENCH_SUITE_DISABLE_PLUGIN_AUTOLOAD"
SELECT_PLUGINS_ENV = "NASBENCH_SUITE_PLUGINS"
PLUGIN_MODULES_ENV = "NASBENCH_SUITE_PLUGIN_MODULES"


#: The distribution whose plugins are the suite's own (built-in): they win every name clash.
SUITE_DISTRIBUTION = "nasbench-suite"


@dataclass(frozen=True)
class PluginInfo:
    """Where a loaded plugin comes from: an entry point of a distribution, a module named in
    ``NASBENCH_SUITE_PLUGIN_MODULES`` (``source="module"``), or an object registered in code."""

    name: str
    distribution: str | None
    version: str | None
    source: str = "entry point"
    #: Deprecated forms (keys of the deprecation table) the plugin used while it was imported.
    deprecated: tuple[str, ...] = ()

    @property
    def builtin(self) -> bool:
        return self.distribution == SUITE_DISTRIBUTION and self.source == "entry point"

    def describe(self) -> str:
        """``"graf (nasbench-suite 0.2.0)"``, ``"my_module (module from NASBENCH_SUITE_PLUGIN_MODULES)"``."""
        if self.distribution:
            return _shipped_by(self.name, self.distribution, self.version)
        if self.source == "module":
            version = f", version {self.version}" if self.version else ""
            return f"{self.name} (module from {PLUGIN_MODULES_ENV}{version})"
        return f"{self.name} ({self.source})"


@dataclass(frozen=True)
class PluginFailure:
    """A plugin that could not be used, and why (one line)."""

    name: str
    distribution: str | None
    error: str
    version: str | None = None

    def describe(self) -> str:
        """``"myplugin (my-dist 1.0)"``: the plugin and the distribution that ships it."""
        return _shipped_by(self.name, self.distribution, self.version) if self.distribution else self.name


def _shipped_by(name: str, distribution: str, version: str | None) -> str:
    return f"{name} ({distribution} {version})"


@dataclass
class LoadedPlugins:
    """The plugin manager plus what was loaded and what failed."""

    manager: pluggy.PluginManager
    infos: dict[str, PluginInfo] = field(default_factory=dict)
    failures: list[PluginFailure] = field(default_factory=list)


def _autoload_disabled() -> bool:
    value = os.environ.get(DISABLE_AUTOLOAD_ENV, "")
    return value not in ("", "0")


def _selected_names() -> set[str] | None:
    value = os.environ.get(SELECT_PLUGINS_ENV)
    if value is None:
        return None
    return {name.strip() for name in value.split(",") if name.strip()}


def build_plugin_manager(extra_plugins: dict[str, object] | None = None) -> LoadedPlugins:
    """Create a plugin manager, load entry points, and register ``extra_plugins``.

    ``extra_plugins`` maps a name to a plugin object (a module or instance with hookimpls); tests
    use it to add plugins without installing anything.
    """
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    loaded = LoadedPlugins(manager=manager)
    if not _autoload_disabled():
        _load_entry_points(loaded, _selected_names())
    _load_modules(loaded, os.environ.get(PLUGIN_MODULES_ENV, ""))
    for name, plugin in (extra_plugins or {}).items():
        manager.register(plugin, name=name)
        loaded.infos[name] = PluginInfo(name=name, distribution=None, version=None, source="registered in code")
    manager.check_pending()
    return loaded


def _load_entry_points(loaded: LoadedPlugins, selected: set[str] | None) -> None:
    entry_points = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    for entry_point in sorted(entry_points, key=lambda ep: ep.name):
        if selected is not None and entry_point.name not in selected:
            continue
        dist = entry_point.dist
        dist_name = dist.metadata["Name"] if dist is not None else None
        version = dist.version if dist is not None else None
        if loaded.manager.get_plugin(entry_point.name) is not None:
            loaded.failures.append(
                PluginFailure(
                    entry_point.name,
                    dist_name,
                    f'a plugin named "{entry_point.name}" is already registered; entry-point names must be unique',
                    version,
                )
            )
            continue
        try:
            with noting_deprecations() as deprecated:
                plugin = entry_point.load()
            loaded.manager.register(plugin, name=entry_point.name)
        except Exception as exc:  # a broken plugin must not take the suite down
            message = f'Error importing plugin "{entry_point.name}": {first_line(exc)}'
            loaded.failures.append(PluginFailure(entry_point.name, dist_name, message, version))
            continue
        loaded.infos[entry_point.name] = PluginInfo(
            entry_point.name, dist_name, version, deprecated=tuple(dict.fromkeys(deprecated))
        )


def _load_modules(loaded: LoadedPlugins, modules: str) -> None:
    for name in filter(None, (part.strip() for part in modules.split(","))):
        if loaded.manager.get_plugin(name) is not None:
            continue
        try:
            with noting_deprecations() as deprecated:
                plugin = importlib.import_module(name)
        except Exception as exc:  # reported like a broken entry point
            message = f'Error importing plugin module "{name}" (from {PLUGIN_MODULES_ENV}): {first_line(exc)}'
            loaded.failures.append(PluginFailure(name, None, message))
            continue
        if loaded.manager.is_registered(plugin):  # already loaded through its entry point
            continue
        loaded.manager.register(plugin, name=name)
        version = getattr(plugin, "__version__", None)
        loaded.infos[name] = PluginInfo(
            name, None, version, source="module", deprecated=tuple(dict.fromkeys(deprecated))
        )
