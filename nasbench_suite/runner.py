"""Plan runs (validating everything before any work starts) and execute them on an executor
(:mod:`nasbench_suite.executors`), appending each record the moment its run finishes."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from tqdm import tqdm

from nasbench_suite.errors import ConfigError
from nasbench_suite.executors import Executor, InProcess, Task, worker_suite
from nasbench_suite.protocol import RunConfig, Suite, failure_record
from nasbench_suite.results import ResultsStore
from nasbench_suite.specs import Spec

log = logging.getLogger(__name__)

TARGET_OPTION = "target"


@dataclass(frozen=True)
class PlannedRun:
    config: RunConfig
    benchmark: Spec  # without the harness's ``target`` option
    predictor: Spec
    uses_gpu: bool = False

    def key(self) -> str:
        return self.config.key()

    def describe(self) -> str:
        c = self.config
        return f"predictor {c.predictor} on {c.benchmark} (train size {c.train_size}, seed {c.seed})"

    def failure_record(self, error: str) -> dict:
        """The record of a run that failed outside the predictor (timed out, worker died, ...)."""
        return failure_record(self.config, self.benchmark, self.predictor, error)


@dataclass
class Outcome:
    """What an execution did."""

    finished: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def resolve_target(suite: Suite, raw: Spec) -> tuple[Spec, str]:
    """Split the harness's ``target=`` option off a benchmark spec; check the target exists."""
    options = dict(raw.options)
    target_option = options.pop(TARGET_OPTION, None)
    bench_spec = Spec(raw.name, options)
    bench = suite.benchmark(bench_spec)
    target = target_option or bench.default_target
    if target not in bench.targets:
        raise ConfigError(
            f"benchmark {raw.name}: unknown target {target!r}; expected one of {', '.join(bench.targets)}"
        )
    return bench_spec, target


def plan_runs(
    suite: Suite,
    benchmarks: list[Spec],
    predictors: list[Spec],
    train_sizes: list[int],
    seeds: list[int],
    test_size: int | None,
    device: str,
    unlabelled_factor: int = 10,
    skip_incompatible: bool = False,
    score_train: bool = False,
) -> list[PlannedRun]:
    """Every run of the grid, after checking names, options, sizes and predictor needs.

    ``test_size=None`` tests on every cell outside the largest training set. Incompatible
    (benchmark, predictor) pairs raise :class:`ConfigError`, or are left out with a log message
    when ``skip_incompatible`` (the default suite).
    """
    if not train_sizes or min(train_sizes) < 1:
        raise ConfigError(f"--train-sizes: expected positive integers (got {train_sizes})")
    if not seeds or min(seeds) < 0:
        raise ConfigError(f"--seeds: expected at least one non-negative seed (got {seeds})")
    if test_size is not None and test_size < 2:
        raise ConfigError(f"--test-size: expected at least 2 cells (got {test_size})")
    if not benchmarks or not predictors:
        raise ConfigError("nothing to run: expected at least one benchmark and one predictor")
    for spec in predictors:
        suite.check_predictor_options(spec, device)
    planned = []
    for raw in benchmarks:
        bench_spec, target = resolve_target(suite, raw)
        table = suite.table(bench_spec)
        pool = len(table.indices_with(target))
        for spec in predictors:
            missing = suite.missing_needs(spec.name, table)
            if missing:
                message = f"predictor {spec.name} needs {', '.join(missing)}, which benchmark {raw.name} does not have"
                if not skip_incompatible:
                    raise ConfigError(message)
                log.info("skipping: %s", message)
                continue
            unlabelled = "unlabelled" in suite.predictor_class(spec.name).needs
            for train_size in sorted(set(train_sizes)):
                size = test_size if test_size is not None else pool - max(train_sizes)
                extra = unlabelled_factor * train_size if unlabelled else 0
                if size < 2 or size + train_size + extra > pool:
                    raise ConfigError(
                        f"benchmark {raw.name}: train size {train_size} + test size {size}"
                        f"{f' + unlabelled {extra}' if extra else ''} exceeds the {pool} cells with target {target!r}"
                    )
                for seed in seeds:
                    config = RunConfig(
                        str(bench_spec), target, str(spec), train_size, size, seed, device, extra, score_train
                    )
                    uses_gpu = device == "cuda" and "device" in suite.predictor_class(spec.name).needs
                    planned.append(PlannedRun(config, bench_spec, spec, uses_gpu))
    return planned


def _run_in_worker(run: PlannedRun) -> dict:
    return worker_suite().execute(run.config, run.benchmark, run.predictor)


Planned = TypeVar("Planned", bound=Task)


def execute_planned(
    todo: list[Planned],
    here: Callable[[Planned], dict],
    in_worker: Callable[[Planned], dict],
    store: ResultsStore,
    executor: Executor,
    progress: bool | None = None,
    unit: str = "run",
) -> Outcome:
    """Run each of ``todo`` on ``executor`` (``here`` in this process, or ``in_worker`` — a
    module-level function — in a worker) and append each record the moment it arrives."""
    outcome = Outcome()
    show = sys.stderr.isatty() if progress is None else progress
    with tqdm(total=len(todo), disable=not show, desc=f"{unit}s", unit=unit) as bar:
        for _, result in executor.map(todo, here, in_worker):
            store.append(result)
            if result["status"] == "ok":
                outcome.finished += 1
            else:
                outcome.failed += 1
                outcome.errors.append(result["error"])
            bar.update(1)
    return outcome


def execute(
    suite: Suite,
    runs: list[PlannedRun],
    store: ResultsStore,
    executor: Executor | None = None,
    force: bool = False,
    progress: bool | None = None,
) -> Outcome:
    """Execute ``runs`` not yet finished in ``store`` (all of them with ``force``) on ``executor``
    (default: one after another in this process)."""
    done = set() if force else store.finished_keys()
    todo = [run for run in runs if run.config.key() not in done]
    outcome = execute_planned(
        todo,
        lambda run: suite.execute(run.config, run.benchmark, run.predictor),
        _run_in_worker,
        store,
        executor or InProcess(),
        progress,
    )
    outcome.skipped = len(runs) - len(todo)
    return outcome
