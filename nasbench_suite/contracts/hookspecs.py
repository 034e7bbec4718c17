"""Every extension point of the suite, in one place.

Plugins implement these hooks with :data:`hookimpl` and are discovered through the entry-point
group ``nasbench_suite``. Each ``register_*`` hook takes no arguments and returns a list of classes
(``register_claims``: of :class:`~nasbench_suite.Claim` instances; ``register_published_results``: of
:class:`~nasbench_suite.PublishedResult` instances);
the registry validates what comes back (names, base classes, declarations, clashes) and names the
plugin on any problem, leaving that class out while every other plugin keeps working. Hooks are
called with keyword arguments only, so an implementation may accept fewer arguments than a spec
that grows later. The plugin author's reference is ``docs/plugins.md``.
"""

from __future__ import annotations

import pluggy

PROJECT_NAME = "nasbench_suite"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def register_predictors() -> list[type]:
    """Return predictor classes (subclasses of :class:`nasbench_suite.Predictor`).

    Zero-cost proxies are predictors too: they declare that they need no labels.
    """


@hookspec
def register_benchmarks() -> list[type]:
    """Return benchmark classes (subclasses of :class:`nasbench_suite.Benchmark`)."""


@hookspec
def register_search_strategies() -> list[type]:
    """Return search-strategy classes (subclasses of :class:`nasbench_suite.SearchStrategy`)."""


@hookspec
def register_claims() -> list:
    """Return :class:`nasbench_suite.Claim` instances: the claims of a method's paper, each with the
    comparison that tests it, which reports evaluate wherever their records allow."""


@hookspec
def register_published_results() -> list:
    """Return :class:`nasbench_suite.PublishedResult` instances: figures from papers' tables (method,
    metric, value, source, split protocol), which reports show beside measured runs of the same
    protocol, marked as published and never ranked among them."""


@hookspec
def register_network_builders() -> list[type]:
    """Return network-builder classes (subclasses of :class:`nasbench_suite.NetworkBuilder`), one
    per search space, each named after the space it builds."""
