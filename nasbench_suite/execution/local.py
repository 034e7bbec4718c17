"""Supervised worker processes on this machine (``--jobs N``, or any ``--timeout`` /
``--memory-limit``).

The parent watches each worker: a job past its time limit or a worker past its memory limit is
stopped and the job recorded as failed, a worker that dies is replaced, and only the job it was
running is lost (recorded as failed, retried on the next invocation). Each worker keeps its loaded
tables between jobs.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

import psutil

from nasbench_suite.errors import ConfigError
from nasbench_suite.execution.base import NO_LIMITS, AnyJob, Executor, Limits
from nasbench_suite.execution.worker import init_worker, run_job, threads_per_worker

#: How often the parent checks its workers' clocks and memory (seconds).
POLL_SECONDS = 0.1


def _serve(connection: multiprocessing.connection.Connection, threads: int) -> None:
    """A local worker's loop: receive ``(function, job)``, say when it starts, send the record."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        init_worker(threads)
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

    def assign(self, function: Callable[[Any], dict], item: Any) -> None:
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

    def __init__(self, jobs: int, limits: Limits = NO_LIMITS) -> None:
        if jobs < 1:
            raise ConfigError(f"--jobs: expected a positive integer (got {jobs})")
        self.jobs, self.limits = jobs, limits

    def map(self, jobs: list[AnyJob]) -> Iterator[tuple[AnyJob, dict[str, Any]]]:
        context = multiprocessing.get_context("spawn")
        threads = threads_per_worker(self.jobs)
        queue: deque[AnyJob] = deque(jobs)
        workers: list[_LocalWorker] = []
        try:
            while queue or any(w.busy for w in workers):
                for worker in [w for w in workers if not w.busy and not w.process.is_alive()]:
                    worker.stop()  # died between runs: replaced below
                    workers.remove(worker)
                for worker in [w for w in workers if not w.busy]:
                    if queue:
                        worker.assign(run_job, queue.popleft())
                while queue and len(workers) < self.jobs:
                    workers.append(_LocalWorker(context, threads))
                    workers[-1].assign(run_job, queue.popleft())
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
