"""The deprecation table: every public name or contract form that still works but will be removed,
with the version that deprecated it, the version that may remove it and what to use instead.

A deprecated form warns with :class:`SuiteDeprecationWarning` (a ``DeprecationWarning``) whose
message names the replacement. The command line shows these warnings once per place of use;
``nasbench-suite plugins`` lists, per plugin, the deprecated forms it uses. The policy is
``docs/compatibility.md``: nothing public is removed or changes signature before it has been
deprecated for at least one minor release.
"""

from __future__ import annotations

import contextlib
import inspect
import sys
import warnings
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


class SuiteDeprecationWarning(DeprecationWarning):
    """A deprecated nasbench-suite API was used; the message names its replacement and the
    version that will remove it. ``key`` is the entry of :data:`DEPRECATIONS` (empty for a warning
    raised by someone else)."""

    def __init__(self, message: str, key: str = "") -> None:
        super().__init__(message, key)  # both in ``args``, so the key survives pickling
        self.key = key

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Deprecation:
    """One deprecated form: ``old`` works until ``removal``; ``new`` is what to use instead."""

    key: str
    old: str
    new: str
    since: str
    removal: str

    def message(self, who: str | None = None) -> str:
        used = f"{who} uses " if who else ""
        return (
            f"{used}{self.old}, deprecated since nasbench-suite {self.since}, to be removed in {self.removal}: "
            f"{self.new}"
        )

    def as_dict(self) -> dict[str, str]:
        return {"api": self.old, "since": self.since, "removal": self.removal, "replacement": self.new}


def _table(*entries: Deprecation) -> dict[str, Deprecation]:
    return {entry.key: entry for entry in entries}


#: Every deprecated form, by key. Removing one from the suite means removing it here first.
DEPRECATIONS: dict[str, Deprecation] = _table(
    Deprecation(
        "benchmark_table",
        "nasbench_suite.benchmark_table(name, **options)",
        "use the run's context: context.table('name:key=value') in Benchmark.load(self, context), "
        "suite_of(context, self.name).table(...) in Predictor.fit, or load_suite().table(...) outside a run",
        "0.2.0",
        "0.3.0",
    ),
    Deprecation(
        "network_builder",
        "nasbench_suite.network_builder(space, **options)",
        "use the run's context: suite_of(context, self.name).network_builder(space, **options) in Predictor.fit, "
        "context.network_builder(...) in Benchmark.load(self, context), or load_suite().network_builder(...)",
        "0.2.0",
        "0.3.0",
    ),
    Deprecation(
        "benchmark_load_without_context",
        "Benchmark.load(self) without a context",
        "define load(self, context) (the context may go unused)",
        "0.2.0",
        "0.3.0",
    ),
    Deprecation(
        "search_returning_order",
        "SearchStrategy.search(self, table, target, budget, rng, predictor=None) returning the order",
        "define search(self, task): look cells up with task.evaluate(cells), use task.guide for the predictor",
        "0.2.0",
        "0.3.0",
    ),
    Deprecation(
        "strategy_finished",
        "SearchStrategy.finished(order) and SearchStrategy.stop_when_reached(*goals)",
        "check task.finished in search(self, task); the harness stops the search itself",
        "0.2.0",
        "0.3.0",
    ),
    Deprecation(
        "table_sample",
        "BenchmarkTable.sample(n, rng, exclude=None)",
        "use rng.choice(...) on table.indices_with(target), or task.random_unevaluated(n) in a search",
        "0.2.0",
        "0.3.0",
    ),
    Deprecation(
        "table_enumerate",
        "BenchmarkTable.enumerate()",
        "use numpy.arange(len(table))",
        "0.2.0",
        "0.3.0",
    ),
    Deprecation(
        "module_path",
        "the 0.1.0 module paths nasbench_suite.{architectures,benchmark,predictor,search,networks,hookspecs,"
        "paths,images,checkpoints}",
        "import the public names from nasbench_suite itself (the others are internal)",
        "0.2.0",
        "0.3.0",
    ),
)

_warned_once: set[tuple[str, str]] = set()
#: While set (by plugin loading), every deprecated form used is noted here as well as warned about.
_noted: ContextVar[list[str] | None] = ContextVar("nasbench_suite_deprecations_noted", default=None)


def warn(
    key: str, who: str | None = None, stacklevel: int = 2, once: bool = False, at: Callable[..., Any] | None = None
) -> None:
    """Warn that deprecated form ``key`` is used (by ``who``, where known), located at the caller
    ``stacklevel`` frames up, or at the definition of function ``at`` (a plugin's method the harness
    calls in its deprecated form). With ``once``, warn only the first time for this ``key`` and
    ``who`` in the process that the warning went through; otherwise the warnings filter decides
    (by default once per place of use)."""
    noted = _noted.get()
    if noted is not None:
        noted.append(key)
    if once and (key, who or "") in _warned_once:
        return
    warning = SuiteDeprecationWarning(DEPRECATIONS[key].message(who), key)
    code = getattr(inspect.unwrap(at), "__code__", None) if at is not None else None
    if code is None:
        warnings.warn(warning, stacklevel=stacklevel + 1)
    else:
        module = getattr(at, "__module__", None) or "<unknown>"
        warnings.warn_explicit(warning, SuiteDeprecationWarning, code.co_filename, code.co_firstlineno, module)
    if once:  # only once it went through: under an "error" filter every use raises
        _warned_once.add((key, who or ""))


@contextlib.contextmanager
def noting_deprecations() -> Iterator[list[str]]:
    """Collect the keys of the deprecated forms used inside the block (say, while a plugin is
    imported); the warnings themselves go to the warnings filters as usual."""
    noted: list[str] = []
    token = _noted.set(noted)
    try:
        yield noted
    finally:
        _noted.reset(token)


def show_deprecations() -> None:
    """Show this suite's deprecation warnings once per place of use (Python hides them outside
    ``__main__``), unless the user chose warning filters (``-W``, ``PYTHONWARNINGS``). Called by the
    command line and by worker processes."""
    if not sys.warnoptions:
        warnings.filterwarnings("default", category=SuiteDeprecationWarning)
