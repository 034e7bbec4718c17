"""Plan a study: turn its experiments into jobs, checking names, options, sizes and what every
predictor needs before any work starts (a bad study fails at once, with exit status 2)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from nasbench_suite.contracts.benchmark import BenchmarkTable
from nasbench_suite.contracts.configurable import Configurable
from nasbench_suite.errors import ConfigError
from nasbench_suite.registry.suite import TARGET_OPTION, Suite, is_target
from nasbench_suite.specs import Spec, labels_telling_apart, parse_spec
from nasbench_suite.study.constraints import check_constraint, parse_constraint
from nasbench_suite.study.experiment import DEFAULT_GUIDE, TEST_EVERY, TEST_REST, Experiment, Study, seed_range
from nasbench_suite.study.jobs import PluginRef
from nasbench_suite.study.pareto import ParetoSearchJob
from nasbench_suite.study.ranking import RankingJob, labelled_cells
from nasbench_suite.study.searching import SearchJob

log = logging.getLogger(__name__)

Job = RankingJob | SearchJob | ParetoSearchJob


def plan(study: Study, suite: Suite, resolve_device: Callable[[str], str]) -> list[Job]:
    """Every job of the study, in order, without duplicates (a job in two experiments runs once)."""
    jobs: dict[str, Job] = {}
    for experiment in study.experiments:
        device = resolve_device(experiment.device)
        planner = plan_ranking if experiment.kind == "ranking" else plan_search
        for job in planner(experiment, suite, device):
            jobs.setdefault(job.key(), job)
    return list(jobs.values())


def display_labels(study: Study, suite: Suite, where: str = "study") -> dict[str, dict[str, str]]:
    """The study's display labels as ``role -> label as leaderboards show the spec -> display label``
    (the spec resolved as planning resolves it); two specs of one role with one label are an error."""
    given: list[tuple[str, PluginRef, str]] = []
    for role, text, display in study.labels:
        spec = parse_spec(text, role)
        if role == "benchmark":
            ref = plugin_ref(suite, suite.benchmark_class(spec.name), suite.resolve_benchmark(spec)[0])
        else:
            cls = suite.predictor_class(spec.name) if role == "predictor" else suite.strategy_class(spec.name)
            ref = plugin_ref(suite, cls, spec)
        given.append((role, ref, display))
    labels: dict[str, dict[str, str]] = {}
    for role, ref, display in given:
        # specs that share a label (two files of one name) are told apart as reports tell them apart
        sharing = sorted({other.identity for r, other, _ in given if r == role and other.label == ref.label})
        key = labels_telling_apart(ref.label, sharing)[ref.identity] if len(sharing) > 1 else ref.label
        shown = labels.setdefault(role, {})
        clash = [other for other, text in shown.items() if text == display and other != key]
        if clash:
            raise ConfigError(f"{where}: label {display!r} is given to two {role}s ({clash[0]} and {key})")
        shown[key] = display
    return labels


def plugin_ref(suite: Suite, cls: type[Configurable], spec: Spec) -> PluginRef:
    """How a job refers to a plugin spec: as given, as identified in keys, as labelled."""
    return PluginRef(spec, suite.identity(cls, spec), suite.label(cls, spec))


def _check_seeds(experiment: Experiment) -> None:
    if experiment.seeds < 1:
        raise ConfigError(f"--seeds: expected at least 1 (got {experiment.seeds})")
    if experiment.first_seed < 0:
        raise ConfigError(f"--first-seed: expected a non-negative seed (got {experiment.first_seed})")


def _uses_gpu(suite: Suite, predictor: Spec | None, device: str) -> bool:
    return device == "cuda" and predictor is not None and "device" in suite.predictor_class(predictor.name).needs


def plan_ranking(experiment: Experiment, suite: Suite, device: str) -> list[RankingJob]:
    """Every ranking job of the block. Without named predictors the block runs every fast
    predictor, leaving out those a benchmark cannot serve (a named one is an error instead)."""
    train_sizes = sorted(set(experiment.train_sizes))
    if not train_sizes or train_sizes[0] < 1:
        raise ConfigError(f"--train-sizes: expected positive integers (got {list(experiment.train_sizes)})")
    _check_seeds(experiment)
    rest = experiment.test_size == TEST_REST
    every = experiment.test_size == TEST_EVERY
    if every and experiment.train_pool:
        raise ConfigError("--test-size every tests on the training cells too; it cannot be combined with --train-pool")
    if rest and experiment.train_pool:
        raise ConfigError(
            "--test-size rest with --train-pool: with a pool the test cells are already every cell outside it; "
            "leave --test-size out (or give a number of test cells)"
        )
    if isinstance(experiment.test_size, int) and experiment.test_size < 2:
        raise ConfigError(f"--test-size: expected at least 2 cells (got {experiment.test_size})")
    if experiment.train_pool < 0:
        raise ConfigError(f"--train-pool: expected a non-negative number of cells (got {experiment.train_pool})")
    if experiment.unlabelled_factor < 0:
        raise ConfigError(f"--unlabelled-factor: expected a non-negative integer (got {experiment.unlabelled_factor})")
    named = bool(experiment.predictors)
    predictors = list(experiment.predictors) or [
        Spec(name) for name in suite.registry.predictors.names() if suite.predictor_class(name).fast
    ]
    if not experiment.benchmarks or not predictors:
        raise ConfigError("nothing to run: expected at least one benchmark and one predictor")
    for spec in predictors:
        suite.check_predictor(spec, device)
    jobs = []
    for raw in experiment.benchmarks:
        bench_spec, target = suite.resolve_benchmark(raw)
        table = suite.table(bench_spec)
        benchmark = plugin_ref(suite, suite.benchmark_class(raw.name), bench_spec)
        served = []
        for spec in predictors:
            missing = suite.missing_needs(spec.name, table, target)
            if missing:
                message = f"predictor {spec.name} needs {', '.join(missing)}, which benchmark {raw.name} does not have"
                if any(is_target(table, need.removeprefix("cost:"), target) for need in missing):
                    message += f" as a cost ({target} is the target)"
                if named:
                    raise ConfigError(message)
                log.info("skipping: %s", message)
            else:
                served.append(spec)
        train_target = _check_train_target(suite, bench_spec, table, target, experiment.train_target, raw.name)
        pool = len(labelled_cells(table, target, train_target))
        factor = experiment.unlabelled_factor
        unlabelled = {spec: "unlabelled" in suite.predictor_class(spec.name).needs for spec in served}
        largest = train_sizes[-1] * (1 + (factor if any(unlabelled.values()) else 0))
        labelled_pool = experiment.train_pool or pool  # where labels come from; tests come from the other cells
        outside = pool - experiment.train_pool if experiment.train_pool else pool - largest
        test_size = experiment.test_size if isinstance(experiment.test_size, int) else outside
        if experiment.train_pool and (largest > experiment.train_pool or experiment.train_pool >= pool):
            raise ConfigError(_pool_too_small(raw.name, target, pool, experiment.train_pool, train_sizes[-1], largest))
        if every:
            test_size = pool
        fits = largest <= pool if every else 2 <= test_size <= outside + (largest if rest else 0)
        if not fits:
            raise ConfigError(_too_large(raw.name, target, pool, train_sizes[-1], experiment, any(unlabelled.values())))
        for spec in served:
            predictor = plugin_ref(suite, suite.predictor_class(spec.name), spec)
            for train_size in train_sizes:
                extra = factor * train_size if unlabelled[spec] else 0
                if rest and not experiment.train_pool:  # every cell outside this run's own training cells
                    test_size = labelled_pool - train_size - extra
                for seed in seed_range(experiment):
                    jobs.append(
                        RankingJob(
                            benchmark,
                            target,
                            predictor,
                            train_size,
                            test_size,
                            seed,
                            device,
                            extra,
                            experiment.score_train,
                            _uses_gpu(suite, spec, device),
                            train_pool=experiment.train_pool,
                            train_target=train_target,
                            test_rest=rest,
                            test_every=every,
                        )  # fmt: skip
                    )
    return jobs


def _check_train_target(
    suite: Suite, spec: Spec, table: BenchmarkTable, target: str, train_target: str, name: str
) -> str:
    """``train_target`` checked against the table ("" when it is the scored target itself)."""
    if not train_target or train_target == target:
        return ""
    if train_target not in table.targets:
        raise ConfigError(
            f"--train-target {train_target}: benchmark {name} has no such target; expected one of "
            f"{', '.join(table.targets)}"
        )
    if suite.minimises(spec, train_target) != suite.minimises(spec, target):
        raise ConfigError(f"--train-target {train_target}: one of it and {target} is minimised, the other not")
    return train_target


def _pool_too_small(benchmark: str, target: str, pool: int, train_pool: int, train_size: int, needed: int) -> str:
    cells = f"benchmark {benchmark} has {pool} cells with target {target!r}"
    if train_pool >= pool:
        return f"--train-pool {train_pool}: {cells}; the pool must leave cells outside it to test on"
    return f"--train-pool {train_pool}: train size {train_size} needs {needed} cells from the pool ({cells})"


def _too_large(benchmark: str, target: str, pool: int, train_size: int, experiment: Experiment, pooled: bool) -> str:
    cells = f"the {pool} cells of benchmark {benchmark} with target {target!r}"
    extra = f" + unlabelled pool {experiment.unlabelled_factor} x {train_size}" if pooled else ""
    if experiment.test_size == TEST_EVERY:
        return f"train size {train_size}{extra} exceeds {cells}; use smaller --train-sizes (or --unlabelled-factor)"
    if experiment.test_size in (None, TEST_REST):
        return (
            f"train size {train_size}{extra} leaves fewer than 2 of {cells} to test on; "
            f"use smaller --train-sizes (or --unlabelled-factor)"
        )
    if experiment.train_pool:
        outside = f"the cells outside the --train-pool of {experiment.train_pool}"
        return f"test size {experiment.test_size} exceeds {outside} (of {cells})"
    return f"train size {train_size}{extra} + test size {experiment.test_size} exceeds {cells}"


def plan_search(experiment: Experiment, suite: Suite, device: str) -> list[SearchJob | ParetoSearchJob]:
    """Every search job of the block: strategies that use a predictor run once per predictor. With
    two objectives, every job is a Pareto search by a multi-objective strategy."""
    if experiment.budget < 1:
        raise ConfigError(f"--budget: expected a positive number of look-ups (got {experiment.budget})")
    _check_seeds(experiment)
    if not 0 < experiment.top_fraction < 1:
        raise ConfigError(f"--top: expected a fraction between 0 and 1 (got {experiment.top_fraction})")
    pareto = bool(experiment.objectives)
    if pareto:
        _check_pareto_options(experiment)
    constraint = parse_constraint(experiment.constraint) if experiment.constraint is not None else None
    strategies = list(experiment.strategies) or [
        Spec(name) for name in suite.registry.strategies.names() if suite.strategy_class(name).multi_objective == pareto
    ]
    predictors = list(experiment.predictors) or [Spec(DEFAULT_GUIDE)]
    for spec in predictors:
        suite.check_predictor(spec, device)
    for spec in strategies:
        suite.strategy(spec)  # names and options, before any work
        _check_objective_count(suite, spec, experiment)
    jobs: list[SearchJob | ParetoSearchJob] = []
    for raw in experiment.benchmarks:
        bench_spec, target = suite.resolve_benchmark(raw)
        table = suite.table(bench_spec)
        benchmark = plugin_ref(suite, suite.benchmark_class(raw.name), bench_spec)
        if pareto:
            _check_objectives(suite, raw, experiment.objectives)
            pool = int(
                np.isfinite(np.column_stack([table.targets[o] for o in experiment.objectives])).all(axis=1).sum()
            )
            what = f"with both objectives {' and '.join(experiment.objectives)}"
        elif constraint is not None:
            pool = check_constraint(constraint, table, raw.name, target)
            what = f"with target {target!r} under --constraint {constraint}"
        else:
            pool = len(table.indices_with(target))
            what = f"with target {target!r}"
        if experiment.budget > pool:
            raise ConfigError(f"--budget {experiment.budget} exceeds the {pool} cells of {raw.name} {what}")
        minimised = tuple(name for name in experiment.objectives if suite.minimises(bench_spec, name))
        for strategy_spec in strategies:
            cls = suite.strategy_class(strategy_spec.name)
            strategy = plugin_ref(suite, cls, strategy_spec)
            guides: list[Spec | None] = list(predictors) if cls.uses_predictor else [None]
            for spec in guides:
                for name in experiment.objectives or (target,):
                    _check_guide(suite, spec, table, name, raw.name)
                guide = plugin_ref(suite, suite.predictor_class(spec.name), spec) if spec else None
                for seed in seed_range(experiment):
                    if pareto:
                        jobs.append(
                            ParetoSearchJob(
                                benchmark,
                                tuple(experiment.objectives),
                                minimised,
                                strategy,
                                guide,
                                experiment.budget,
                                seed,
                                experiment.hv_target,
                                device,
                                _uses_gpu(suite, spec, device),
                            )  # fmt: skip
                        )
                        continue
                    jobs.append(
                        SearchJob(
                            benchmark,
                            target,
                            strategy,
                            guide,
                            experiment.budget,
                            seed,
                            experiment.top_fraction,
                            device,
                            _uses_gpu(suite, spec, device),
                            str(constraint) if constraint is not None else None,
                        )  # fmt: skip
                    )
    return jobs


def _check_pareto_options(experiment: Experiment) -> None:
    objectives = experiment.objectives
    if len(objectives) != 2 or len(set(objectives)) != 2:
        raise ConfigError(
            f"--objective: a multi-objective search takes two different objectives (got {', '.join(objectives)})"
        )
    if experiment.constraint is not None:
        raise ConfigError("--constraint: not taken by a multi-objective search (make it a second --objective)")
    if not 0 < experiment.hv_target <= 1:
        raise ConfigError(f"--hv-target: expected a fraction in (0, 1] (got {experiment.hv_target})")
    named = [spec for spec in experiment.benchmarks if "target" in spec.options]
    if named:
        raise ConfigError(
            f"benchmark {named[0].name}: target= is not taken by a multi-objective search; "
            "name the metrics with --objective"
        )


def _check_objective_count(suite: Suite, spec: Spec, experiment: Experiment) -> None:
    """A multi-objective strategy needs two objectives; a single-objective one takes none."""
    cls = suite.strategy_class(spec.name)
    if cls.multi_objective and not experiment.objectives:
        raise ConfigError(
            f"strategy {spec.name} is multi-objective: give two objectives, e.g. --objective test_accuracy "
            "--objective edgegpu_latency (got one objective, the benchmark's target)"
        )
    if experiment.objectives and not cls.multi_objective:
        multi = [name for name in suite.registry.strategies.names() if suite.strategy_class(name).multi_objective]
        raise ConfigError(
            f"strategy {spec.name} searches one objective; with --objective give multi-objective strategies "
            f"({', '.join(multi) or 'none registered'})"
        )


def _check_objectives(suite: Suite, raw: Spec, objectives: tuple[str, ...]) -> None:
    """Each objective must be a target the benchmark offers, as ``target=`` would be."""
    for name in objectives:
        try:
            suite.resolve_benchmark(Spec(raw.name, {**raw.options, TARGET_OPTION: name}))
        except ConfigError as exc:
            raise ConfigError(f"--objective {name}: {exc}") from None


def _check_guide(suite: Suite, spec: Spec | None, table: BenchmarkTable, target: str, benchmark: str) -> None:
    if spec is None:
        return
    missing = suite.missing_needs(spec.name, table, target)
    if missing:
        reason = f" as a cost ({target} is the target)" if f"cost:{target}" in missing else ""
        raise ConfigError(
            f"predictor {spec.name} cannot guide a search on benchmark {benchmark}: it needs "
            f"{', '.join(missing)}, which the benchmark does not have{reason}"
        )
