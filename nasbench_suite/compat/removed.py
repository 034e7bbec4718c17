"""The names 0.1.0 offered in ``nasbench_suite`` and 0.2.0 removed without a deprecation period,
back as deprecated shims: ``benchmark_table`` and ``network_builder`` delegate to the run's context
where the harness knows it, else to a default context over the installed plugins (:func:`context`).
``nasbench_suite`` resolves them with a warning (they are not in its ``__all__``)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from nasbench_suite.contracts.context import LEGACY_CONTEXT
from nasbench_suite.registry.suite import load_suite
from nasbench_suite.specs import Spec

if TYPE_CHECKING:
    from nasbench_suite.contracts.benchmark import BenchmarkTable
    from nasbench_suite.contracts.context import SuiteContext
    from nasbench_suite.contracts.network_builder import NetworkBuilder

_default: SuiteContext | None = None


def context() -> SuiteContext:
    """The context the deprecated names delegate to: the run's own while the harness calls a plugin
    in a 0.1.0 form, else one context over the installed plugins per process (as 0.1.0 had)."""
    global _default
    active = LEGACY_CONTEXT.get()
    if active is not None:
        return active
    if _default is None:
        _default = load_suite()
    return _default


def benchmark_table(name: str, **options: Any) -> BenchmarkTable:
    """Deprecated since 0.2.0: a fresh copy of the table of registered benchmark ``name`` with
    ``options`` (a copy, as 0.1.0 loaded one anew on each call: the caller may change it).

    Use the run's context instead: ``context.table(...)`` in ``Benchmark.load(self, context)``,
    ``suite_of(context, self.name).table(...)`` in ``Predictor.fit``, ``load_suite().table(...)`` elsewhere.
    """
    return copy.deepcopy(context().table(Spec(name, dict(options))))


def network_builder(space: str, **options: Any) -> NetworkBuilder:
    """Deprecated since 0.2.0: the registered network builder of search space ``space``.

    Use ``suite_of(context, self.name).network_builder(space, **options)`` in ``Predictor.fit`` instead.
    """
    return context().network_builder(space, **options)


#: Names removed from ``nasbench_suite`` that still resolve there, with a warning.
REMOVED_NAMES = {"benchmark_table": benchmark_table, "network_builder": network_builder}
