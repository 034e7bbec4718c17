"""Plan search runs (validating everything first) and execute them, appending each record the moment
it finishes; finished runs are skipped on a re-run, as for predictor runs."""

from __future__ import annotations

from dataclasses import dataclass

from nasbench_suite.errors import ConfigError
from nasbench_suite.results import ResultsStore
from nasbench_suite.runner import Outcome, execute_planned, resolve_target, worker_suite
from nasbench_suite.search_protocol import SearchConfig, SearchSuite
from nasbench_suite.specs import Spec


@dataclass(frozen=True)
class PlannedSearch:
    config: SearchConfig
    benchmark: Spec  # without the harness's ``target`` option
    strategy: Spec
    predictor: Spec | None


def plan_searches(
    searches: SearchSuite,
    benchmarks: list[Spec],
    strategies: list[Spec],
    predictors: list[Spec],
    budget: int,
    seeds: list[int],
    top_fraction: float,
    device: str,
) -> list[PlannedSearch]:
    """Every search of the grid: strategies that use a predictor run once per predictor."""
    if budget < 1:
        raise ConfigError(f"--budget: expected a positive number of look-ups (got {budget})")
    if not seeds or min(seeds) < 0:
        raise ConfigError(f"--seeds: expected at least one non-negative seed (got {seeds})")
    if not 0 < top_fraction < 1:
        raise ConfigError(f"--top: expected a fraction between 0 and 1 (got {top_fraction})")
    suite = searches.suite
    for spec in predictors:
        suite.check_predictor_options(spec, device)
    for spec in strategies:
        searches.build_strategy(spec)  # names and options, before any work
    planned = []
    for raw in benchmarks:
        bench_spec, target = resolve_target(suite, raw)
        pool = len(suite.table(bench_spec).indices_with(target))
        if budget > pool:
            raise ConfigError(f"--budget {budget} exceeds the {pool} cells of {raw.name} with target {target!r}")
        for strategy in strategies:
            uses_predictor = searches.strategy_class(strategy.name).uses_predictor
            if uses_predictor and not predictors:
                raise ConfigError(f"search strategy {strategy.name} needs a predictor (--predictor)")
            for predictor in predictors if uses_predictor else [None]:
                for seed in seeds:
                    config = SearchConfig(
                        str(bench_spec),
                        target,
                        str(strategy),
                        str(predictor) if predictor else None,
                        budget,
                        seed,
                        top_fraction,
                        device,
                    )
                    planned.append(PlannedSearch(config, bench_spec, strategy, predictor))
    return planned


def _search_in_worker(run: PlannedSearch) -> dict:
    return SearchSuite(worker_suite()).execute(run.config, run.benchmark, run.strategy, run.predictor)


def execute_searches(
    searches: SearchSuite,
    planned: list[PlannedSearch],
    store: ResultsStore,
    force: bool = False,
    jobs: int = 1,
    progress: bool | None = None,
) -> Outcome:
    """Run the planned searches not yet finished in ``store`` (all with ``force``), in ``jobs``
    processes."""
    done = set() if force else store.finished_keys()
    todo = [run for run in planned if run.config.key() not in done]
    outcome = execute_planned(
        todo,
        lambda run: searches.execute(run.config, run.benchmark, run.strategy, run.predictor),
        _search_in_worker,
        store,
        lambda run: f"search {run.config.strategy} on {run.config.benchmark} (seed {run.config.seed})",
        jobs,
        progress,
        unit="search",
    )
    outcome.skipped = len(planned) - len(todo)
    return outcome
