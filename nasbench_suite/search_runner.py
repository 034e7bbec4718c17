"""Plan search runs (validating everything first) and execute them, appending each record the moment
it finishes; finished runs are skipped on a re-run, as for predictor runs."""

from __future__ import annotations

from dataclasses import dataclass

from nasbench_suite.errors import ConfigError
from nasbench_suite.executors import Executor, InProcess, worker_suite
from nasbench_suite.results import ResultsStore
from nasbench_suite.runner import Outcome, execute_planned, resolve_target
from nasbench_suite.search_protocol import SearchConfig, SearchSuite, search_failure_record
from nasbench_suite.specs import Spec


@dataclass(frozen=True)
class PlannedSearch:
    config: SearchConfig
    benchmark: Spec  # without the harness's ``target`` option
    strategy: Spec
    predictor: Spec | None
    uses_gpu: bool = False

    def key(self) -> str:
        return self.config.key()

    def describe(self) -> str:
        c = self.config
        using = f" with {c.predictor}" if c.predictor else ""
        return f"search {c.strategy}{using} on {c.benchmark} (seed {c.seed})"

    def failure_record(self, error: str) -> dict:
        return search_failure_record(self.config, error)


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
                    uses_gpu = (
                        device == "cuda"
                        and predictor is not None
                        and "device" in suite.predictor_class(predictor.name).needs
                    )
                    planned.append(PlannedSearch(config, bench_spec, strategy, predictor, uses_gpu))
    return planned


def _search_in_worker(run: PlannedSearch) -> dict:
    return SearchSuite(worker_suite()).execute(run.config, run.benchmark, run.strategy, run.predictor)


def execute_searches(
    searches: SearchSuite,
    planned: list[PlannedSearch],
    store: ResultsStore,
    force: bool = False,
    executor: Executor | None = None,
    progress: bool | None = None,
) -> Outcome:
    """Run the planned searches not yet finished in ``store`` (all with ``force``) on ``executor``
    (default: one after another in this process)."""
    done = set() if force else store.finished_keys()
    todo = [run for run in planned if run.config.key() not in done]
    outcome = execute_planned(
        todo,
        lambda run: searches.execute(run.config, run.benchmark, run.strategy, run.predictor),
        _search_in_worker,
        store,
        executor or InProcess(),
        progress,
        unit="search",
    )
    outcome.skipped = len(planned) - len(todo)
    return outcome
