"""Where planned jobs execute: in this process, on supervised local worker processes, or on a
Dask cluster. :func:`make_executor` picks one from the command-line options."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nasbench_suite.errors import ConfigError
from nasbench_suite.execution.base import NO_LIMITS, Executor, InProcess, Job, Limits

if TYPE_CHECKING:
    from nasbench_suite.registry.suite import Suite

__all__ = ["Executor", "InProcess", "Job", "Limits", "make_executor"]


def make_executor(suite: Suite, jobs: int = 1, limits: Limits = NO_LIMITS, scheduler: str | None = None) -> Executor:
    """The executor the command-line options ask for. ``scheduler`` is an address
    (``tcp://host:port``), the path of a Dask scheduler file, or ``local`` (a Dask ``LocalCluster``
    of ``jobs`` workers on this machine)."""
    if jobs < 1:
        raise ConfigError(f"--jobs: expected a positive integer (got {jobs})")
    if scheduler:
        from nasbench_suite.execution.dask_cluster import DaskExecutor

        if scheduler == "local":
            return DaskExecutor.local(suite.registry, jobs, limits)
        if "://" in scheduler:
            return DaskExecutor(suite.registry, address=scheduler, limits=limits)
        return DaskExecutor(suite.registry, scheduler_file=scheduler, limits=limits)
    if jobs > 1 or limits.any:
        from nasbench_suite.execution.local import LocalProcesses

        return LocalProcesses(jobs, limits)
    return InProcess(suite)
