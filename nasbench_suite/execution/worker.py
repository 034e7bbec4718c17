"""The worker side of the process executors: each worker process builds its own suite from its own
plugins (nothing crosses a process boundary that the worker can rebuild), shares the machine's cores
with the other workers, and runs jobs with :func:`run_job`."""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from nasbench_suite._version import __version__
from nasbench_suite.deprecation import show_deprecations
from nasbench_suite.registry.registry import Registry, load_registry
from nasbench_suite.registry.suite import Suite

#: Thread pools sized by these variables are shared out among ``--jobs`` workers, so that N
#: workers on N cores do not each start N threads (XGBoost, PyTorch and BLAS would oversubscribe).
THREAD_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")

_worker_suite: Suite | None = None
_worker_lock = threading.Lock()


def threads_per_worker(jobs: int) -> int:
    return max(1, (os.cpu_count() or 1) // jobs)


def init_worker(threads: int) -> None:
    """Set this process's thread pools (before any plugin loads XGBoost / PyTorch) and its suite."""
    global _worker_suite
    for name in THREAD_ENV:
        os.environ[name] = str(threads)
    logging.basicConfig(level=logging.WARNING)
    import torch

    torch.set_num_threads(threads)
    show_deprecations()  # as the command line does: a spawned process does not inherit its filters
    _worker_suite = Suite(load_registry())


def worker_suite() -> Suite:
    """The suite of this worker process, built from the worker's own plugins on first use."""
    global _worker_suite
    with _worker_lock:
        if _worker_suite is None:  # a Dask worker (local workers are set up by init_worker)
            show_deprecations()
            _worker_suite = Suite(load_registry())
        return _worker_suite


def run_job(job: Any) -> dict[str, Any]:
    """What a worker runs for each job: the job, with the worker's own suite."""
    return job.run(worker_suite())


def plugin_versions(registry: Registry) -> dict[str, str | None]:
    """The suite's version and every loaded plugin's: what client and workers must agree on."""
    versions: dict[str, str | None] = {"nasbench-suite": __version__}
    versions.update({name: info.version for name, info in sorted(registry.plugins.items())})
    return versions


def worker_plugin_versions() -> dict[str, str | None]:
    return plugin_versions(worker_suite().registry)


def version_mismatches(expected: dict[str, str | None], found: dict[str, str | None]) -> list[str]:
    """What differs between the client's plugins (``expected``) and a worker's (``found``)."""
    problems = []
    for name, version in expected.items():
        if name not in found:
            problems.append(f"plugin {name} is not installed")
        elif found[name] != version:
            problems.append(f"{name} is {found[name]} (expected {version})")
    return problems
