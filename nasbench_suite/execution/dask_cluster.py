"""Dask distributed execution (``--scheduler tcp://HOST:PORT``, a scheduler file, or ``local``).

Every job is submitted as a task; runs of GPU predictors ask for a ``GPU`` resource; jobs of a
worker that dies are rescheduled by Dask; plugin versions are checked on every worker before any
work, and again in every task (for workers that join later). A task carries only the job (specs
and a config); each worker loads plugins and tables by name through its own suite.
"""

from __future__ import annotations

import ctypes
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import psutil

from nasbench_suite.errors import ConfigError, PluginError
from nasbench_suite.execution.base import NO_LIMITS, AnyJob, Executor, Limits, checked_device
from nasbench_suite.execution.worker import (
    THREAD_ENV,
    plugin_versions,
    run_job,
    threads_per_worker,
    version_mismatches,
    worker_plugin_versions,
)
from nasbench_suite.registry.registry import Registry

log = logging.getLogger(__name__)

#: How often a watched task checks its clock and memory (seconds).
POLL_SECONDS = 0.1
#: The Dask resource a GPU run asks for; start GPU workers with ``--resources GPU=1``.
GPU_RESOURCE = "GPU"


def _quiet_dask_logs() -> None:
    """Dask logs every connection at INFO; keep it to warnings unless ``--verbose``."""
    if not log.isEnabledFor(logging.INFO):
        logging.getLogger("distributed").setLevel(logging.WARNING)


class RunInterrupted(Exception):
    """Raised inside a run on a Dask worker when it passes a limit."""


def _raise_in_thread(thread_id: int, message: str) -> None:
    """Raise :class:`RunInterrupted` in another thread the next time it runs Python code."""

    class LimitExceeded(RunInterrupted):  # raised by class, so the message is baked in
        def __init__(self) -> None:
            super().__init__(message)

    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(LimitExceeded))


def _run_watched(function: Callable[[Any], dict], item: Any, limits: Limits) -> dict:
    """Run ``function(item)`` in a thread and wait for it within ``limits``. A run past a limit is
    recorded as failed at once, and its thread is interrupted the next time it executes Python
    code (a call stuck in native code finishes in the background)."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["record"] = function(item)
        except BaseException as exc:  # handed to the waiting thread
            outcome["error"] = exc

    runner = threading.Thread(target=target, name=f"nasbench-suite run {item.key()[:40]}", daemon=True)
    runner.start()
    start, process = time.monotonic(), psutil.Process()
    problem = None
    while runner.is_alive() and problem is None:
        runner.join(POLL_SECONDS)
        if limits.timeout is not None and time.monotonic() - start > limits.timeout:
            problem = f"timed out after {limits.timeout:g} s"
        elif limits.memory_mb is not None:
            used = process.memory_info().rss / 2**20
            if used > limits.memory_mb:
                problem = f"exceeded the memory limit: {used:.0f} MB > {limits.memory_mb:g} MB"
    if problem is not None and runner.is_alive():
        _raise_in_thread(runner.ident, problem)
        return item.failure_record(f"{item.describe()}: {problem} (the run was interrupted on its Dask worker)")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["record"]


def run_on_dask_worker(
    function: Callable[[Any], dict], item: Any, expected: dict[str, str | None], limits: Limits
) -> dict:
    """The task a Dask worker runs: check its plugins match the client's, then run the item within
    its limits."""
    problems = version_mismatches(expected, worker_plugin_versions())
    if problems:
        raise PluginError(f"this Dask worker's plugins differ from the client's: {'; '.join(problems)}")
    return _run_watched(function, item, limits) if limits.any else function(item)


def read_scheduler_file(path: str) -> str:
    """The scheduler address in a Dask scheduler file (the JSON that ``dask scheduler
    --scheduler-file`` writes)."""
    expected = "expected tcp://HOST:PORT, local, or a Dask scheduler file"
    try:
        with open(path, encoding="utf-8") as handle:
            content = json.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"--scheduler {path}: no such file ({expected})") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"--scheduler {path}: not a Dask scheduler file ({exc})") from None
    if not isinstance(content, dict) or not isinstance(content.get("address"), str):
        raise ConfigError(f'--scheduler {path}: not a Dask scheduler file (no "address" entry)')
    return content["address"]


class DaskExecutor(Executor):
    """Submits every item as a task to a ``dask.distributed`` scheduler."""

    def __init__(
        self,
        registry: Registry,
        address: str | None = None,
        scheduler_file: str | None = None,
        limits: Limits = NO_LIMITS,
        connect_timeout: float = 30,
    ) -> None:
        try:
            from dask.distributed import Client
        except ImportError:
            raise ConfigError(
                "--scheduler needs dask.distributed; install it with: pip install 'nasbench-suite[dask]'"
            ) from None
        where = address or scheduler_file
        _quiet_dask_logs()
        if scheduler_file is not None:
            address = read_scheduler_file(scheduler_file)
        try:
            self.client = Client(address, timeout=connect_timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ConfigError(f"--scheduler {where}: cannot connect to the Dask scheduler ({exc})") from None
        self.where, self.limits = where, limits
        self.cluster: Any = None
        self.expected = plugin_versions(registry)
        try:
            self.check_workers()
        except Exception:
            self.client.close()
            raise

    @classmethod
    def local(cls, registry: Registry, workers: int, limits: Limits = NO_LIMITS) -> DaskExecutor:
        """A ``LocalCluster`` of ``workers`` single-threaded worker processes on loopback, sharing
        this machine's cores as ``--jobs`` does; it is shut down on :meth:`close`."""
        cluster = start_local_cluster(workers)
        try:
            executor = cls(registry, address=cluster.scheduler_address, limits=limits)
        except Exception:
            cluster.close()
            raise
        executor.where, executor.cluster = f"local cluster {cluster.scheduler_address}", cluster
        return executor

    def workers(self) -> dict[str, dict]:
        return self.client.scheduler_info(n_workers=-1)["workers"]

    def check_workers(self) -> None:
        """At least one worker, and every worker runs the client's suite and plugin versions."""
        if not self.workers():
            raise ConfigError(f"--scheduler {self.where}: the cluster has no workers")
        for address, found in self.client.run(worker_plugin_versions).items():
            problems = version_mismatches(self.expected, found)
            if problems:
                raise ConfigError(f"Dask worker {address}: plugins differ from this machine's: {'; '.join(problems)}")

    def _gpu_workers(self) -> list[str]:
        return [a for a, info in self.workers().items() if info.get("resources", {}).get(GPU_RESOURCE, 0) > 0]

    def resolve_device(self, requested: str) -> str:
        if checked_device(requested) == "cpu":
            return requested
        if self._gpu_workers():
            return "cuda"
        if requested == "cuda":
            raise ConfigError(
                f"--device cuda: no worker of {self.where} declares a {GPU_RESOURCE} resource "
                f"(start GPU workers with --resources {GPU_RESOURCE}=1)"
            )
        return "cpu"

    def map(self, jobs: list[AnyJob]) -> Iterator[tuple[AnyJob, dict[str, Any]]]:
        from dask.distributed import as_completed

        if any(item.uses_gpu for item in jobs) and not self._gpu_workers():
            raise ConfigError(f"runs need a GPU but no worker of {self.where} declares a {GPU_RESOURCE} resource")
        pending = {}
        for item in jobs:
            future = self.client.submit(
                run_on_dask_worker,
                run_job,
                item,
                self.expected,
                self.limits,
                pure=False,
                resources={GPU_RESOURCE: 1} if item.uses_gpu else None,
            )
            pending[future] = item
        try:
            for future in as_completed(pending):
                item = pending.pop(future)
                try:
                    record = future.result()
                except Exception as exc:  # e.g. KilledWorker after repeated worker deaths
                    record = item.failure_record(f"{item.describe()}: on Dask: {type(exc).__name__}: {exc}")
                yield item, record
        finally:
            if pending:
                self.client.cancel(list(pending))

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def start_local_cluster(workers: int, **options: Any) -> Any:
    """A Dask ``LocalCluster`` of ``workers`` single-threaded worker processes on loopback, sharing
    this machine's cores as ``--jobs`` does, without a dashboard or a fixed port. ``options`` go to
    ``LocalCluster`` (e.g. ``resources={"GPU": 1}``)."""
    try:
        from dask.distributed import LocalCluster
    except ImportError:
        raise ConfigError(
            "--scheduler local needs dask.distributed; install it with: pip install 'nasbench-suite[dask]'"
        ) from None
    _quiet_dask_logs()
    settings: dict[str, Any] = {
        "n_workers": workers,
        "threads_per_worker": 1,
        "processes": True,
        "host": "127.0.0.1",
        "dashboard_address": None,
        "scheduler_kwargs": {"dashboard_address": "127.0.0.1:0"},  # its HTTP routes, on any free port
        "silence_logs": logging.INFO if log.isEnabledFor(logging.INFO) else logging.WARNING,
    }
    settings |= options
    if settings["processes"]:  # worker processes get their share of the cores
        settings["env"] = {name: str(threads_per_worker(workers)) for name in THREAD_ENV}
    return LocalCluster(**settings)
