"""The executor interface and the simplest executor, this process.

Every executor has one method, :meth:`Executor.map`, which yields ``(job, record)`` as each job
finishes (in any order), so the caller appends every record the moment it arrives. A job is
anything with the :class:`Job` interface — the study's ranking and search jobs — and knows how to
run itself given a suite (:meth:`Job.run`); executors never look inside.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from nasbench_suite.errors import ConfigError

if TYPE_CHECKING:
    from nasbench_suite.registry.suite import Suite

#: Devices a command may ask for.
DEVICES = ("auto", "cpu", "cuda")


class Job(Protocol):
    """What an executor needs of a planned job."""

    uses_gpu: bool

    def key(self) -> str: ...

    def describe(self) -> str: ...

    def failure_record(self, error: str) -> dict[str, Any]:
        """The record of this job when it failed outside its plugins (timed out, worker died)."""
        ...

    def run(self, suite: Suite) -> dict[str, Any]:
        """Run the job with ``suite``'s plugins and return its record (failures recorded in it)."""
        ...


AnyJob = TypeVar("AnyJob", bound=Job)


@dataclass(frozen=True)
class Limits:
    """Per-job limits: wall-clock seconds and resident memory (MB) of the process running it."""

    timeout: float | None = None
    memory_mb: float | None = None

    def __post_init__(self) -> None:
        for option, value in (("--timeout", self.timeout), ("--memory-limit", self.memory_mb)):
            if value is not None and not value > 0:
                raise ConfigError(f"{option}: expected a positive number (got {value})")

    @property
    def any(self) -> bool:
        return self.timeout is not None or self.memory_mb is not None


#: No per-job limits (the default).
NO_LIMITS = Limits()


def checked_device(requested: str) -> str:
    if requested not in DEVICES:
        raise ConfigError(f"--device: expected {', '.join(DEVICES[:-1])} or {DEVICES[-1]} (got {requested!r})")
    return requested


class Executor:
    """Runs jobs and yields ``(job, record)`` as each finishes."""

    def resolve_device(self, requested: str) -> str:
        """``auto`` -> ``cuda`` when this executor's machines have a CUDA device, else ``cpu``."""
        if checked_device(requested) == "cpu":
            return requested
        import torch

        available = torch.cuda.is_available()
        if requested == "cuda" and not available:
            raise ConfigError("--device cuda: no CUDA device is available (torch.cuda.is_available() is False)")
        return "cuda" if available else "cpu"

    def map(self, jobs: list[AnyJob]) -> Iterator[tuple[AnyJob, dict[str, Any]]]:
        raise NotImplementedError

    def close(self) -> None:
        """Release workers or connections."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class InProcess(Executor):
    """One job after another, in this process, with this process's suite."""

    def __init__(self, suite: Suite) -> None:
        self.suite = suite

    def map(self, jobs: list[AnyJob]) -> Iterator[tuple[AnyJob, dict[str, Any]]]:
        for job in jobs:
            yield job, job.run(self.suite)
