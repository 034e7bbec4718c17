"""Execute planned jobs on an executor, appending each record to the results store the moment its
job finishes; finished jobs are skipped on a re-run (resume), failed ones are retried."""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field

from tqdm import tqdm

from nasbench_suite.execution.base import Executor, Job
from nasbench_suite.study.experiment import NOUNS
from nasbench_suite.study.records import ResultsStore


@dataclass
class Outcome:
    """What an execution did, counted per kind of job (``kinds``: the kinds planned)."""

    kinds: tuple[str, ...] = ("ranking",)
    finished: Counter = field(default_factory=Counter)
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """``"8 runs finished, 0 failed, 0 already done"`` (``jobs``, split by kind, for a mix)."""
        total = sum(self.finished.values())
        if len(self.kinds) == 1:
            finished = f"{total} {_noun(self.kinds[0], total)} finished"
        else:
            parts = ", ".join(f"{self.finished[kind]} {_noun(kind, self.finished[kind])}" for kind in self.kinds)
            finished = f"{total} jobs finished ({parts})"
        return f"{finished}, {self.failed} failed, {self.skipped} already done"


def _noun(kind: str, count: int) -> str:
    singular, plural = NOUNS[kind]
    return singular if count == 1 else plural


def pending(jobs: list[Job], store: ResultsStore, force: bool = False) -> list[Job]:
    """The ``jobs`` a run would execute: those not finished in ``store`` (all of them with ``force``)."""
    done = set() if force else store.finished_keys()
    return [job for job in jobs if job.key() not in done]


def execute(
    jobs: list[Job],
    store: ResultsStore,
    executor: Executor,
    force: bool = False,
    progress: bool | None = None,
) -> Outcome:
    """Run the ``jobs`` not yet finished in ``store`` (all of them with ``force``) on ``executor``."""
    todo = pending(jobs, store, force)
    kinds = tuple(kind for kind in NOUNS if any(job.kind == kind for job in jobs)) or ("ranking",)
    outcome = Outcome(kinds, skipped=len(jobs) - len(todo))
    show = sys.stderr.isatty() if progress is None else progress
    with tqdm(total=len(todo), disable=not show, desc="jobs", unit="job") as bar:
        for job, record in executor.map(todo):
            store.append(record)
            if record["status"] == "ok":
                outcome.finished[job.kind] += 1
            else:
                outcome.failed += 1
                outcome.errors.append(record["error"])
            bar.update(1)
    return outcome
