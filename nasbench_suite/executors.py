"""Where planned work (predictor runs, search runs) executes.

Three executors share one interface, :meth:`Executor.map`, which yields ``(item, record)`` as each
item finishes, so the caller appends every record the moment it arrives:

* :class:`InProcess` — one after another in this process (``--jobs 1``, no limits).
* :class:`LocalProcesses` — supervised worker processes on this machine (``--jobs N``, or any
  ``--timeout`` / ``--memory-limit``). The parent watches each worker: a run past its time limit or
  a worker past its memory limit is stopped and recorded as failed, a worker that dies is replaced,
  and only the run it was running is lost (recorded as failed, retried on the next invocation).
* :class:`DaskExecutor` — a ``dask.distributed`` cluster (``--scheduler tcp://HOST:PORT`` or a
  scheduler file). Runs of GPU predictors ask for a ``GPU`` resource; runs of a worker that dies
  are rescheduled by Dask; plugin versions are checked on every worker before any work.

Nothing crosses a process boundary that the worker can rebuild itself: a planned item is a few
strings (specs and a config), the function to call is named by its module, and each worker builds
its own suite from its own plugins (:func:`worker_suite`).
"""

from __future__ import annotations

import ctypes
import json
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import psutil

import nasbench_suite
from nasbench_suite.errors import ConfigError, PluginError
from nasbench_suite.protocol import Suite
from nasbench_suite.registry import Registry, load_registry

log = logging.getLogger(__name__)

#: Thread pools sized by these variables are shared out among ``--jobs`` workers, so that N
#: workers on N cores do not each start N threads (XGBoost, PyTorch and BLAS would oversubscribe).
THREAD_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
#: How often the parent checks its workers' clocks and memory (seconds).
POLL_SECONDS = 0.1
#: The Dask resource a GPU run asks for; start GPU workers with ``--resources GPU=1``.
GPU_RESOURCE = "GPU"


class Task(Protocol):
    """What an executor needs of a planned item (:class:`~nasbench_suite.runner.PlannedRun`, ...)."""

    uses_gpu: bool

    def key(self) -> str: ...

    def describe(self) -> str: ...

    def failure_record(self, error: str) -> dict[str, Any]: ...


Item = TypeVar("Item", bound=Task)
Work = Callable[[Any], dict]


@dataclass(frozen=True)
class Limits:
    """Per-run limits: wall-clock seconds and resident memory (MB) of the process running it."""

    timeout: float | None = None
    memory_mb: float | None = None

    def __post_init__(self) -> None:
        for option, value in (("--timeout", self.timeout), ("--memory-limit", self.memory_mb)):
            if value is not None and not value > 0:
                raise ConfigError(f"{option}: expected a positive number (got {value})")

    @property
    def any(self) -> bool:
        return self.timeout is not None or self.memory_mb is not None


# --------------------------------------------------------------------------------------------
# Worker side


_worker_suite: Suite | None = None
_worker_lock = threading.Lock()


def threads_per_worker(jobs: int) -> int:
    return max(1, (os.cpu_count() or 1) // jobs)


def _init_worker(threads: int) -> None:
    """Set this process's thread pools (before any plugin loads XGBoost / PyTorch) and its suite."""
    global _worker_suite
    for name in THREAD_ENV:
        os.environ[name] = str(threads)
    logging.basicConfig(level=logging.WARNING)
    import torch

    torch.set_num_threads(threads)
    _worker_suite = Suite(load_registry())


def worker_suite() -> Suite:
    """The suite of this worker process, built from the worker's own plugins on first use."""
    global _worker_suite
    with _worker_lock:
        if _worker_suite is None:
            _worker_suite = Suite(load_registry())
        return _worker_suite


def plugin_versions(registry: Registry) -> dict[str, str | None]:
    """The suite's version and every loaded plugin's: what client and workers must agree on."""
    versions: dict[str, str | None] = {"nasbench-suite": nasbench_suite.__version__}
    versions.update({name: info.version for name, info in sorted(registry.plugins.items())})
    return versions


def version_mismatches(expected: dict[str, str | None], found: dict[str, str | None]) -> list[str]:
    """What differs between the client's plugins (``expected``) and a worker's (``found``)."""
    problems = []
    for name, version in expected.items():
        if name not in found:
            problems.append(f"plugin {name} is not installed")
        elif found[name] != version:
            problems.append(f"{name} is {found[name]} (expected {version})")
    return problems


def _serve(connection: multiprocessing.connection.Connection, threads: int) -> None:
    """A local worker's loop: receive ``(function, item)``, say when it starts, send the result."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        _init_worker(threads)
        ready_error = None
    except Exception as exc:
        ready_error = f"worker could not start: {type(exc).__name__}: {exc}"
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        function, item = message
        connection.send(("started", None))
        if ready_error:
            connection.send(("error", ready_error))
            continue
        try:
            reply = ("done", function(item))
        except Exception as exc:  # the work functions record plugin failures themselves
            reply = ("error", f"{type(exc).__name__}: {exc}")
        try:
            connection.send(reply)
        except Exception as exc:  # e.g. an unpicklable record
            connection.send(("error", f"could not send the result back: {type(exc).__name__}: {exc}"))


# --------------------------------------------------------------------------------------------
# Executors


def _checked_device(requested: str) -> str:
    if requested not in ("auto", "cpu", "cuda"):
        raise ConfigError(f"--device: expected auto, cpu or cuda (got {requested!r})")
    return requested


def _quiet_dask_logs() -> None:
    """Dask logs every connection at INFO; keep it to warnings unless ``--verbose``."""
    if not log.isEnabledFor(logging.INFO):
        logging.getLogger("distributed").setLevel(logging.WARNING)


class Executor:
    """Runs planned items and yields ``(item, record)`` as each finishes (in any order)."""

    def resolve_device(self, requested: str) -> str:
        """``auto`` -> ``cuda`` when this executor's machines have a CUDA device, else ``cpu``."""
        if _checked_device(requested) == "cpu":
            return requested
        import torch

        available = torch.cuda.is_available()
        if requested == "cuda" and not available:
            raise ConfigError("--device cuda: no CUDA device is available (torch.cuda.is_available() is False)")
        return "cuda" if available else "cpu"

    def map(self, todo: list[Item], here: Work, in_worker: Work) -> Iterator[tuple[Item, dict]]:
        """Run ``here(item)`` in this process or ``in_worker(item)`` (a module-level function) in a
        worker, for every item."""
        raise NotImplementedError

    def close(self) -> None:
        """Release workers or connections."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class InProcess(Executor):
    def map(self, todo: list[Item], here: Work, in_worker: Work) -> Iterator[tuple[Item, dict]]:
        for item in todo:
            yield item, here(item)


class _LocalWorker:
    """One supervised worker process and the item it is running."""

    def __init__(self, context: Any, threads: int) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, threads), daemon=True, name="nasbench-suite-worker")
        self.process.start()
        child.close()
        self.item: Any = None
        self.started: float | None = None

    @property
    def busy(self) -> bool:
        return self.item is not None

    def assign(self, function: Work, item: Any) -> None:
        self.item, self.started = item, None
        self.connection.send((function, item))

    def memory_mb(self) -> float:
        try:
            process = psutil.Process(self.process.pid)
            return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20
        except psutil.Error:
            return 0.0

    def check(self, limits: Limits) -> tuple[dict | None, str | None]:
        """``(record, None)`` when the item finished, ``(None, error)`` when it failed here (the
        caller then stops the worker), ``(None, None)`` while it runs."""
        try:
            while self.connection.poll():
                kind, payload = self.connection.recv()
                if kind == "started":
                    self.started = time.monotonic()
                elif kind == "done":
                    return payload, None
                else:
                    return None, payload
        except (EOFError, OSError):
            pass
        if not self.process.is_alive():
            return None, f"the worker process died (exit code {self.process.exitcode}) while running it"
        running = time.monotonic() - self.started if self.started is not None else 0.0
        if limits.timeout is not None and running > limits.timeout:
            return None, f"timed out after {limits.timeout:g} s (the worker process was stopped)"
        if limits.memory_mb is not None:
            used = self.memory_mb()
            if used > limits.memory_mb:
                return None, (
                    f"exceeded the memory limit: {used:.0f} MB > {limits.memory_mb:g} MB "
                    "(the worker process was stopped)"
                )
        return None, None

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(10)
        self.connection.close()


class LocalProcesses(Executor):
    """``jobs`` supervised worker processes; each keeps its loaded tables between runs."""

    def __init__(self, jobs: int, limits: Limits = Limits()) -> None:
        if jobs < 1:
            raise ConfigError(f"--jobs: expected a positive integer (got {jobs})")
        self.jobs, self.limits = jobs, limits

    def map(self, todo: list[Item], here: Work, in_worker: Work) -> Iterator[tuple[Item, dict]]:
        context = multiprocessing.get_context("spawn")
        threads = threads_per_worker(self.jobs)
        queue: deque[Item] = deque(todo)
        workers: list[_LocalWorker] = []
        try:
            while queue or any(w.busy for w in workers):
                for worker in [w for w in workers if not w.busy and not w.process.is_alive()]:
                    worker.stop()  # died between runs: replaced below
                    workers.remove(worker)
                for worker in [w for w in workers if not w.busy]:
                    if queue:
                        worker.assign(in_worker, queue.popleft())
                while queue and len(workers) < self.jobs:
                    workers.append(_LocalWorker(context, threads))
                    workers[-1].assign(in_worker, queue.popleft())
                busy = [w for w in workers if w.busy]
                multiprocessing.connection.wait(
                    [w.connection for w in busy] + [w.process.sentinel for w in busy], timeout=POLL_SECONDS
                )
                for worker in busy:
                    record, error = worker.check(self.limits)
                    if record is None and error is None:
                        continue
                    item, worker.item = worker.item, None
                    if error is not None:
                        worker.stop()
                        workers.remove(worker)
                        record = item.failure_record(f"{item.describe()}: {error}")
                    yield item, record
        finally:
            for worker in workers:
                worker.stop()


class RunInterrupted(Exception):
    """Raised inside a run on a Dask worker when it passes a limit."""


def _raise_in_thread(thread_id: int, message: str) -> None:
    """Raise :class:`RunInterrupted` in another thread the next time it runs Python code."""

    class LimitExceeded(RunInterrupted):  # raised by class, so the message is baked in
        def __init__(self) -> None:
            super().__init__(message)

    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(LimitExceeded))


def _run_watched(function: Work, item: Any, limits: Limits) -> dict:
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


def run_on_dask_worker(function: Work, item: Any, expected: dict[str, str | None], limits: Limits) -> dict:
    """The task a Dask worker runs: check its plugins match the client's, then run the item within
    its limits."""
    problems = version_mismatches(expected, _worker_plugin_versions())
    if problems:
        raise PluginError(f"this Dask worker's plugins differ from the client's: {'; '.join(problems)}")
    return _run_watched(function, item, limits) if limits.any else function(item)


def _worker_plugin_versions() -> dict[str, str | None]:
    return plugin_versions(worker_suite().registry)


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
        limits: Limits = Limits(),
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
    def local(cls, registry: Registry, workers: int, limits: Limits = Limits()) -> DaskExecutor:
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
        for address, found in self.client.run(_worker_plugin_versions).items():
            problems = version_mismatches(self.expected, found)
            if problems:
                raise ConfigError(f"Dask worker {address}: plugins differ from this machine's: {'; '.join(problems)}")

    def _gpu_workers(self) -> list[str]:
        return [a for a, info in self.workers().items() if info.get("resources", {}).get(GPU_RESOURCE, 0) > 0]

    def resolve_device(self, requested: str) -> str:
        if _checked_device(requested) == "cpu":
            return requested
        if self._gpu_workers():
            return "cuda"
        if requested == "cuda":
            raise ConfigError(
                f"--device cuda: no worker of {self.where} declares a {GPU_RESOURCE} resource "
                f"(start GPU workers with --resources {GPU_RESOURCE}=1)"
            )
        return "cpu"

    def map(self, todo: list[Item], here: Work, in_worker: Work) -> Iterator[tuple[Item, dict]]:
        from dask.distributed import as_completed

        if any(item.uses_gpu for item in todo) and not self._gpu_workers():
            raise ConfigError(f"runs need a GPU but no worker of {self.where} declares a {GPU_RESOURCE} resource")
        pending = {}
        for item in todo:
            future = self.client.submit(
                run_on_dask_worker,
                in_worker,
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


def make_executor(
    registry: Registry,
    jobs: int = 1,
    limits: Limits = Limits(),
    scheduler: str | None = None,
) -> Executor:
    """The executor the command-line options ask for. ``scheduler`` is an address
    (``tcp://host:port``), the path of a Dask scheduler file, or ``local`` (a Dask ``LocalCluster``
    of ``jobs`` workers on this machine)."""
    if jobs < 1:
        raise ConfigError(f"--jobs: expected a positive integer (got {jobs})")
    if scheduler == "local":
        return DaskExecutor.local(registry, jobs, limits)
    if scheduler:
        if "://" in scheduler:
            return DaskExecutor(registry, address=scheduler, limits=limits)
        return DaskExecutor(registry, scheduler_file=scheduler, limits=limits)
    if jobs > 1 or limits.any:
        return LocalProcesses(jobs, limits)
    return InProcess()
