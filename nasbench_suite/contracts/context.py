"""What a plugin may ask of the suite during a run: the run's own plugins, never a process-wide
default. The harness hands it to predictors (``FitContext.suite``) and benchmarks (``load(context)``);
:class:`nasbench_suite.registry.Suite` implements it."""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from nasbench_suite.contracts.benchmark import BenchmarkTable
    from nasbench_suite.contracts.network_builder import NetworkBuilder
    from nasbench_suite.contracts.predictor import Predictor
    from nasbench_suite.specs import Spec


class SuiteContext(Protocol):
    """The run's plugins, as a plugin sees them."""

    def network_builder(self, space: str, **options: Any) -> NetworkBuilder:
        """The registered builder of search space ``space``, configured with ``options`` (an unknown
        space or option is a :class:`~nasbench_suite.errors.ConfigError`)."""
        ...

    def table(self, spec: str | Spec) -> BenchmarkTable:
        """The table of a registered benchmark (``"nb201-cifar10"`` or a spec with options), loaded
        once per process."""
        ...

    def predictor(self, spec: str | Spec, seed: int = 0, device: str = "cpu") -> Predictor:
        """A new, unfitted registered predictor with the harness's seed and device."""
        ...


#: The run's context while the harness calls a plugin in a deprecated 0.1.0 form (a ``load()``
#: without a context, a search returning its order), for the deprecated module-level
#: ``benchmark_table`` / ``network_builder`` it may call; unset otherwise.
LEGACY_CONTEXT: ContextVar[SuiteContext | None] = ContextVar("nasbench_suite_legacy_context", default=None)
