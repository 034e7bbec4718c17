"""The names 0.1.0 offered in ``nasbench_suite`` and 0.2.0 removed without a deprecation period,
back as deprecated shims: ``benchmark_table`` and ``network_builder`` delegate to a default context
over the installed plugins (:func:`default_suite`), as they did then. ``nasbench_suite`` resolves
them with a warning (they are not in its ``__all__``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nasbench_suite.registry.suite import Suite, load_suite
from nasbench_suite.specs import Spec

if TYPE_CHECKING:
    from nasbench_suite.contracts.benchmark import BenchmarkTable
    from nasbench_suite.contracts.network_builder import NetworkBuilder

_default: Suite | None = None


def default_suite() -> Suite:
    """One context over the installed plugins per process, for the deprecated module-level names."""
    global _default
    if _default is None:
        _default = load_suite()
    return _default


def benchmark_table(name: str, **options: Any) -> BenchmarkTable:
    """Deprecated since 0.2.0: the table of registered benchmark ``name`` with ``options``.

    Use the run's context instead: ``context.table(...)`` in ``Benchmark.load(self, context)``,
    ``suite_of(context).table(...)`` in ``Predictor.fit``, ``load_suite().table(...)`` elsewhere.
    """
    return default_suite().table(Spec(name, dict(options)))


def network_builder(space: str, **options: Any) -> NetworkBuilder:
    """Deprecated since 0.2.0: the registered network builder of search space ``space``.

    Use ``suite_of(context).network_builder(space, **options)`` in ``Predictor.fit`` instead.
    """
    return default_suite().network_builder(space, **options)


#: Names removed from ``nasbench_suite`` that still resolve there, with a warning.
REMOVED_NAMES = {"benchmark_table": benchmark_table, "network_builder": network_builder}
