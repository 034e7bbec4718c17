"""The run's context: the registry plus everything built from it for one process — benchmark
tables (loaded once), predictors, strategies and network builders made from specs, with clean
errors for bad options — and how a spec appears in run keys and on leaderboards.

Plugins see it through :class:`nasbench_suite.SuiteContext`: the harness hands it to predictors in
``FitContext.suite`` and to benchmarks in ``load(context)``, so a plugin building on another
plugin's contribution reaches the run's own plugins, never a process-wide default.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from nasbench_suite.contracts.benchmark import Benchmark, BenchmarkTable
from nasbench_suite.contracts.configurable import Configurable
from nasbench_suite.contracts.legacy import load_table
from nasbench_suite.contracts.network_builder import NetworkBuilder
from nasbench_suite.contracts.predictor import Predictor, cost_needs
from nasbench_suite.contracts.strategy import SearchStrategy
from nasbench_suite.data.columns import COLUMN_OPTIONS, ColumnFiles, column_files, join_columns, split_files
from nasbench_suite.data.files import file_identity
from nasbench_suite.errors import ConfigError, DataFileError, PluginError, SuiteError
from nasbench_suite.registry.registry import Registry, load_registry
from nasbench_suite.specs import Spec, format_spec, parse_spec

#: Benchmark-spec options the harness reads itself, never passed to the benchmark (with the column
#: options of :mod:`nasbench_suite.data.columns` and ``<cost>=<column>`` renames).
TARGET_OPTION = "target"
#: ``lower=latency_ms`` (several joined by ``+``): targets to minimise beyond those the benchmark
#: declares (``lower_is_better``), e.g. a latency column of a user's file. It stays in the spec, so
#: it is part of a run's identity (scores depend on it).
LOWER_OPTION = "lower"


class Suite:
    """Resolves specs to plugin instances and caches loaded tables (one per process and spec)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._tables: dict[str, BenchmarkTable] = {}

    # -- benchmarks ------------------------------------------------------------------------------

    def benchmark_class(self, name: str) -> type[Benchmark]:
        return self.registry.benchmarks.get(name).cls

    def benchmark(self, spec: Spec) -> Benchmark:
        """The benchmark of ``spec`` (without harness options), options checked."""
        return self.benchmark_class(spec.name).from_options(self.split_columns(spec)[1])

    def cost_names(self, benchmark: str) -> list[str]:
        """Costs a ``<cost>=<column>`` rename may name on ``benchmark``: those registered predictors
        need, except names the benchmark takes as options of its own."""
        own = set(self.benchmark_class(benchmark).param_names())
        needed = {
            cost for name in self.registry.predictors.names() for cost in cost_needs(self.predictor_class(name).needs)
        }
        return sorted(cost for cost in needed if cost.isidentifier() and cost not in own)

    def split_columns(self, spec: Spec) -> tuple[ColumnFiles | None, dict[str, Any]]:
        """What to join onto the table, and the benchmark's own options (without ``lower=``)."""
        options = {k: v for k, v in spec.options.items() if k != LOWER_OPTION}
        return column_files(options, self.cost_names(spec.name))

    def minimises(self, bench_spec: Spec, target: str) -> bool:
        """Whether lower values of ``target`` are better on the benchmark of ``bench_spec``: declared
        by the benchmark, or named by the spec's ``lower=``."""
        return self.benchmark(bench_spec).minimises(target) or target in lower_targets(bench_spec)

    def resolve_benchmark(self, raw: Spec) -> tuple[Spec, str]:
        """Split the harness's ``target=`` off a benchmark spec and check the target exists (a target
        may be a column of a joined file)."""
        bench_spec = raw.without(TARGET_OPTION)
        cls = self.benchmark_class(raw.name)
        columns, own = self.split_columns(bench_spec)
        benchmark = cls.from_options(own)
        target = raw.options.get(TARGET_OPTION) or benchmark.default_target_name()
        offered = benchmark.target_names()
        if target not in offered:
            if columns is not None:
                offered = tuple(self.table(bench_spec).targets)
            if target not in offered:
                raise ConfigError(
                    f"benchmark {raw.name}: unknown target {target!r}; expected one of {', '.join(offered)}"
                )
        lower = lower_targets(bench_spec)
        if lower:
            offered = tuple(self.table(bench_spec).targets)
            unknown = [name for name in lower if name not in offered]
            if unknown:
                raise ConfigError(
                    f"benchmark {raw.name}: lower= names {unknown[0]!r}, which is not a target; expected targets "
                    f"joined by + from {', '.join(offered)}"
                )
        return bench_spec, str(target)

    def table(self, spec: str | Spec) -> BenchmarkTable:
        """The loaded table of a benchmark spec (without ``target=``), loaded once per process, with
        the columns of any ``columns=`` files joined."""
        if isinstance(spec, str):
            spec = parse_spec(spec, "benchmark")
        key = str(spec)
        if key not in self._tables:
            columns, own = self.split_columns(spec)
            if columns is not None:
                self._tables[key] = join_columns(self.table(Spec(spec.name, own)), columns)
            else:
                benchmark = self.benchmark(spec)
                with _reported(f"benchmark {spec.name}", self.registry.benchmarks.get(spec.name).plugin.name):
                    with_context(benchmark.validate, self)
                    table = load_table(benchmark, self)
                if not isinstance(table, BenchmarkTable):
                    kind = type(table).__name__
                    raise PluginError(f"benchmark {spec.name}: load() returned {kind}, not a BenchmarkTable")
                self._tables[key] = table
        return self._tables[key]

    # -- predictors --------------------------------------------------------------------------------

    def predictor_class(self, name: str) -> type[Predictor]:
        return self.registry.predictors.get(name).cls

    def build_predictor(self, spec: Spec, seed: int, device: str) -> Predictor:
        cls = self.predictor_class(spec.name)
        return cls.from_options(spec.options, cls.harness_params(seed, device))

    def predictor(self, spec: str | Spec, seed: int = 0, device: str = "cpu") -> Predictor:
        """A new, unfitted registered predictor (``SuiteContext`` for plugins)."""
        return self.build_predictor(parse_spec(spec, "predictor") if isinstance(spec, str) else spec, seed, device)

    def check_predictor(self, spec: Spec, device: str = "cpu") -> None:
        """Option names, then the predictor's own :meth:`~Predictor.validate` of their values (a file
        an option names that cannot be read is a configuration error too: nothing has run yet)."""
        predictor = self.build_predictor(spec, seed=0, device=device)
        try:
            with _reported(f"predictor {spec}", self.registry.predictors.get(spec.name).plugin.name):
                with_context(predictor.validate, self)
        except (ConfigError, DataFileError) as exc:
            raise ConfigError(f"predictor {spec}: {exc}") from None

    def missing_needs(self, predictor: str, table: BenchmarkTable, target: str | None = None) -> list[str]:
        """Needs of ``predictor`` that ``table`` cannot satisfy: a cost it lacks, or the target itself
        (never handed to a predictor as a cost, under its own name or another)."""
        needs = self.predictor_class(predictor).needs
        return [
            f"cost:{cost}"
            for cost in cost_needs(needs)
            if cost not in table.archs.costs or is_target(table, cost, target)
        ]

    # -- search strategies ---------------------------------------------------------------------------

    def strategy_class(self, name: str) -> type[SearchStrategy]:
        return self.registry.strategies.get(name).cls

    def strategy(self, spec: Spec) -> SearchStrategy:
        """The strategy of ``spec``, options checked and validated."""
        strategy = self.strategy_class(spec.name).from_options(spec.options)
        with _reported(f"search strategy {spec}", self.registry.strategies.get(spec.name).plugin.name):
            with_context(strategy.validate, self)
        return strategy

    # -- network builders --------------------------------------------------------------------------

    def network_builder(self, space: str, **options: Any) -> NetworkBuilder:
        """The registered builder of search space ``space`` with ``options``."""
        cls = self.registry.networks.get(space).cls
        try:
            return cls(**options)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"network builder {space}: invalid options {options} ({exc})") from None

    # -- how specs appear in keys and on leaderboards ------------------------------------------------

    def identity(self, cls: type[Configurable], spec: Spec) -> str:
        """The spec as it identifies a run: every option at its effective value (defaults filled in,
        so a changed default is new work), input files by content, cache locations left out."""
        given = dict(spec.options)
        columns = given.pop(COLUMN_OPTIONS[0], None) if issubclass(cls, Benchmark) else None
        options = {}
        for key, value in cls.resolved_options(given).items():
            if key in cls.input_files:
                options[key] = file_identity(value)
            elif key not in cls.cache_files:
                options[key] = value
        if columns is not None:
            options[COLUMN_OPTIONS[0]] = "+".join(str(file_identity(path)) for path in split_files(columns))
        return format_spec(spec.name, options)

    @staticmethod
    def label(cls: type[Configurable], spec: Spec) -> str:
        """The spec as leaderboards show it: the name and the options that name no file."""
        files = {*cls.input_files, *cls.cache_files, *(COLUMN_OPTIONS[:1] if issubclass(cls, Benchmark) else ())}
        return format_spec(spec.name, {k: v for k, v in spec.options.items() if k not in files})


def lower_targets(spec: Spec) -> tuple[str, ...]:
    """The targets a benchmark spec's ``lower=`` names (``lower=latency_ms+energy_mj``)."""
    given = spec.options.get(LOWER_OPTION)
    return tuple(name for name in str(given).split("+") if name) if given is not None else ()


def with_context(method: Any, context: Suite) -> Any:
    """Call a plugin's ``validate`` with the context, or without it where the method takes no
    argument (a plugin that needs no other plugin may leave the parameter out)."""
    parameters = list(inspect.signature(method).parameters.values())
    return method(context) if parameters else method()


class _reported:
    """Turn an unexpected exception of a plugin's own code (outside a run) into a
    :class:`PluginError` naming it; the suite's own errors pass through unchanged."""

    def __init__(self, what: str, plugin: str) -> None:
        self.what, self.plugin = what, plugin

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, error: BaseException | None, _tb: object) -> bool:
        if error is None or not isinstance(error, Exception) or isinstance(error, SuiteError):
            return False
        raise PluginError(f"{self.what} (plugin {self.plugin}) raised {type(error).__name__}: {error}") from error


def load_suite(extra_plugins: dict[str, object] | None = None) -> Suite:
    """A context over the installed plugins (and ``extra_plugins``), for using plugins outside the
    harness: ``load_suite().table("nb201-cifar10")``."""
    return Suite(load_registry(extra_plugins))


def is_target(table: BenchmarkTable, cost: str, target: str | None) -> bool:
    """Whether cost ``cost`` is the target: by name, or cell by cell (a column named twice, e.g. a
    file's column given as both ``params=`` and ``target=``)."""
    if cost == target:
        return True
    if target is None or target not in table.targets or cost not in table.archs.costs:
        return False
    values = np.asarray(table.archs.costs[cost], dtype=np.float64)
    return bool(np.array_equal(values, np.asarray(table.targets[target], dtype=np.float64), equal_nan=True))
