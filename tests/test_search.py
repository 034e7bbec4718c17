"""Search strategies and search jobs: the look-up contract, SEG against the exact random
expectation, guidance with an oracle, early stopping, resume and failure isolation through the CLI."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import numpy as np
import pytest
from conftest import make_search_job, oracle_class

from nasbench_suite import ConfigError, Guide, SearchStrategy, SearchTask, hookimpl
from nasbench_suite.cli import main
from nasbench_suite.contracts.strategy import SearchFinished
from nasbench_suite.errors import StrategyError
from nasbench_suite.registry import Suite, load_registry
from nasbench_suite.report.summaries import summarise_search
from nasbench_suite.study.searching import first_hit, target_set

ROOT = Path(__file__).resolve().parents[1]


class EvaluatesTwice(SearchStrategy):
    name = "evaluates-twice"

    def search(self, task):
        task.evaluate([3, 4])
        task.evaluate([4])


class PastTheBudget(SearchStrategy):
    name = "past-the-budget"

    def search(self, task):
        task.evaluate(np.arange(task.budget + 1))


class TestPlugin:
    @hookimpl
    def register_predictors(self):
        return [self.oracle]

    @hookimpl
    def register_search_strategies(self):
        return [EvaluatesTwice, PastTheBudget]


@pytest.fixture(scope="module")
def oracle_suite(suite):
    plugin = TestPlugin()
    plugin.oracle = oracle_class(suite)
    return Suite(load_registry({"test-plugin": plugin}))


def _search(suite, strategy, seed=0, budget=300, predictor=None, top=0.001):
    return make_search_job(suite, strategy, predictor, budget=budget, seed=seed, top=top).run(suite)


def test_target_set_and_first_hit():
    values = np.array([1.0, 5.0, np.nan, 3.0, 4.0])
    assert target_set(values, 0.5).tolist() == [1, 4]  # ceil(0.5 * 4 cells with a value) = 2
    assert first_hit(np.array([3, 0, 4]), np.array([1, 4])) == 3
    assert first_hit(np.array([3, 0]), np.array([1, 4])) is None


def test_a_task_hands_out_values_only_for_paid_look_ups(suite):
    table = suite.table("nb201-cifar10")
    task = SearchTask(table, "test_accuracy", 5, np.random.default_rng(0))
    assert not hasattr(task, "targets") and not hasattr(task, "values")
    values = task.evaluate([7, 2])
    assert values.tolist() == table.targets["test_accuracy"][[7, 2]].tolist() and task.remaining == 3
    assert task.evaluated.tolist() == [7, 2] and not task.unevaluated()[[7, 2]].any()
    with pytest.raises(StrategyError, match="cell 2 was evaluated twice"):
        task.evaluate([2])
    with pytest.raises(StrategyError, match="cell 9 was evaluated twice"):
        task.evaluate([9, 9])
    with pytest.raises(StrategyError, match="asked for 4 cells with 3 look-ups left"):
        task.evaluate([10, 11, 12, 13])
    with pytest.raises(StrategyError, match="outside the table"):
        task.evaluate([len(table)])
    task.evaluate([10, 11, 12])
    assert task.finished
    with pytest.raises(SearchFinished):  # the budget is spent: the next look-up ends the search
        task.evaluate([13])


@pytest.mark.parametrize(
    ("strategy", "message"),
    [("evaluates-twice", "cell 4 was evaluated twice"), ("past-the-budget", "asked for 51 cells with 50 look-ups")],
)
def test_a_strategy_breaking_the_contract_fails_its_run_with_a_strategy_error(oracle_suite, strategy, message):
    record = _search(oracle_suite, strategy, budget=50)
    assert record["status"] == "error" and "StrategyError" in record["error"] and message in record["error"]
    assert "PredictorError" not in record["error"]


def test_random_search_has_a_gain_of_one(suite):
    records = [_search(suite, "random", seed=s, budget=15625, top=0.01) for s in range(300)]
    [row] = summarise_search(records).to_dict("records")
    assert row["seeds"] == 300 and row["missed_target"] == 0
    assert row["seg_target"] == pytest.approx(1.0, abs=0.12)
    assert row["seg_target_ci_low"] < 1.0 < row["seg_target_ci_high"]


def test_evolution_evaluates_distinct_cells_deterministically_and_beats_random(suite):
    first = _search(suite, "evolution:population=20,tournament=5", seed=3)
    again = _search(suite, "evolution:population=20,tournament=5", seed=3)
    assert first["status"] == "ok" and first["evaluations"] == len(first["curve"]) <= 300
    assert first["evaluations"] == 300 or (first["stopped_early"] and first["reached_best"])
    assert first["curve"] == again["curve"]
    assert np.all(np.diff(first["curve"]) >= 0)  # best-so-far never decreases
    evolution = [_search(suite, "evolution", seed=s)["lookups_to_target"] for s in range(8)]
    random = [_search(suite, "random", seed=s)["lookups_to_target"] for s in range(8)]
    assert np.mean(evolution) < np.mean(random)


@pytest.mark.parametrize("strategy", ["predictor-full", "predictor-random-subset", "predictor-smart-subset"])
def test_guided_search_with_an_oracle(oracle_suite, strategy):
    record = _search(oracle_suite, f"{strategy}:initial=10,batch=5,subset=0.05", budget=40, predictor="oracle")
    assert record["status"] == "ok"
    if strategy == "predictor-full":  # scoring everything, the oracle picks the best cells at once
        assert record["lookups_to_best"] == 11
        assert record["stopped_early"] and record["evaluations"] == 15  # the round that found it ends it
    else:  # a subset holds the best cell only by luck, but the oracle picks the subset's best
        assert record["best_found"] > 93.5


@pytest.mark.parametrize("strategy", ["evolution:population=20", "predictor-smart-subset:batch=5,subset=100"])
def test_stopping_at_the_best_changes_nothing_recorded(suite, strategy):
    from nasbench_suite.specs import parse_spec

    table = suite.table("nb201-cifar10")
    values = table.targets["test_accuracy"]
    top, best = target_set(values, 0.01), np.flatnonzero(values == values.max())
    pool = np.flatnonzero(np.isfinite(values))
    orders = []
    for goals in ((), (top, best)):
        task = SearchTask(table, "test_accuracy", 600, np.random.default_rng(4), goals=goals)
        predictor = suite.predictor("onehot-xgb:n_estimators=20")
        task.guide = Guide(predictor, table.archs, lambda p, cells, y: p.fit(table.archs[cells], y), pool)
        with contextlib.suppress(SearchFinished):
            suite.strategy(parse_spec(strategy, "search strategy")).search(task)
        orders.append(task.evaluated)
    full, stopped = orders
    assert len(stopped) < len(full) == 600
    assert full[: len(stopped)].tolist() == stopped.tolist()  # the same search, cut short
    assert first_hit(stopped, best) is not None and first_hit(stopped, best) == first_hit(full, best)
    assert first_hit(stopped, top) == first_hit(full, top)


def test_smart_subset_scores_neighbours_of_the_best_cells(suite):
    from nbs_search.guided import SmartSubsetSearch

    table = suite.table("nb201-cifar10")
    values = table.targets["test_accuracy"]
    ranked = np.argsort(-values)[:3]
    task = SearchTask(table, "test_accuracy", 100, np.random.default_rng(0))
    task.evaluate(ranked)
    candidates = SmartSubsetSearch(subset=30).candidates(task, ranked)
    assert len(candidates) == 30 and len(set(candidates.tolist())) == 30
    first = [c for c in table.neighbours(int(ranked[0])).tolist() if c not in ranked]  # the best parent's
    assert set(candidates[: len(first)].tolist()) == set(first) and not set(candidates) & set(ranked.tolist())
    with pytest.raises(ConfigError, match="proposer must be one of mutation"):
        SmartSubsetSearch(proposer="nope").validate()


def test_search_command_writes_resumes_and_isolates_failures(tmp_path, capsys, fault_plugins):
    out = tmp_path / "search"
    args = [
        "search",
        "--strategy", "random", "--strategy", "evolution:population=10",
        "--strategy", "predictor-smart-subset:batch=20,subset=200",
        "--predictor", "onehot-xgb:n_estimators=20", "--predictor", "fault-raises-in-fit",
        "--budget", "60", "--seeds", "2", "--top", "0.01", "--out", str(out), "--device", "cpu",
        "--plot", str(tmp_path / "fig"),
    ]  # fmt: skip
    assert main([*args, "--jobs", "2"]) == 1  # two searches failed
    records = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    assert len(records) == 8 and {r["kind"] for r in records} == {"search"}
    failed = [r for r in records if r["status"] == "error"]
    assert len(failed) == 2 and all("injected fault in fit" in r["error"] for r in failed)
    assert all(len(r["curve"]) == 60 or r["stopped_early"] for r in records if r["status"] == "ok")
    board = (out / "leaderboard.md").read_text()
    assert "SEG (95% CI)" in board and "predictor-smart-subset:batch=20" in board and "Failures:" in board
    assert (tmp_path / "fig" / "nb201-cifar10-test_accuracy-top1pct-budget60-regret.png").stat().st_size > 1000
    capsys.readouterr()
    assert main([*args, "--allow-failures"]) == 0
    assert "6 already done" in capsys.readouterr().err  # failed runs are retried, finished ones kept


def test_a_search_whose_runs_all_fail_ends_with_its_failures_table(tmp_path, capsys, fault_plugins):
    args = ["search", "--strategy", "predictor-full", "--predictor", "fault-raises-in-fit", "--budget", "30"]
    assert main([*args, "--seeds", "2", "--device", "cpu", "--out", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert "Failures:" in out and "predictor-full with fault-raises-in-fit on nb201-cifar10: 2 of 2 failed" in out
    assert "Traceback" not in err and "0 searches finished, 2 failed" in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--strategy", "nope"], "unknown search strategy 'nope'"),
        (
            ["--strategy", "evolution:size=3"],
            "search strategy evolution: unknown option 'size'; expected one of population",
        ),
        (["--strategy", "predictor-smart-subset:proposer=magic"], "proposer must be one of mutation"),
        (["--strategy", "predictor-full:initial=1"], "initial must be an integer >= 2 (got 1)"),
        (["--budget", "0"], "--budget: expected a positive number"),
        (["--budget", "20000"], "exceeds the 15625 cells"),
        (["--top", "1.5"], "--top: expected a fraction"),
        (
            ["--benchmark", "nb101", "--strategy", "predictor-full", "--predictor", "supernet"],
            "predictor supernet cannot guide a search on benchmark nb101: it needs cost:supernet",
        ),
    ],
)
def test_bad_search_options_fail_before_any_work(tmp_path, capsys, extra, message):
    with pytest.raises(SystemExit) as exit_info:
        main(["search", "--out", str(tmp_path), "--seeds", "1", "--budget", "10", *extra])
    assert exit_info.value.code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "records.jsonl").exists()


def test_gains_with_missed_runs_are_marked_as_upper_bounds():
    from nasbench_suite.report.render import render

    def record(seed, lookups, reached):
        return {
            "key": str(seed), "kind": "search", "status": "ok", "error": None, "benchmark": "b", "target": "t",
            "top_fraction": 0.01, "budget": 100, "strategy": "s", "predictor": None, "lookups_to_target": lookups,
            "reached_target": reached, "lookups_to_best": 100, "reached_best": False,
            "expected_random_to_target": 50.0, "expected_random_to_best": 500.0, "seconds": 0.1,
            "suite_version": "x", "plugins": {},
        }  # fmt: skip

    [row] = summarise_search([record(0, 20, True), record(1, 30, True)]).to_dict("records")
    assert row["seg_target"] == pytest.approx(2.0) and row["missed_target"] == 0
    text = render([record(0, 20, True), record(1, 100, False)])
    assert "≤ 0.83" in text and "≤ 5.00" in text  # 50 / 60 with a miss; best missed by both runs


@pytest.mark.parametrize("weights", ["random", "all ones"])
def test_neighbours_are_the_cells_one_column_away(monkeypatch, weights):
    """Against brute force; with every hash weight 1 the key is the row's sum, so cells that differ in
    several columns collide all the time and must be told apart by the check that follows the hash."""
    from nasbench_suite.contracts import benchmark
    from nasbench_suite.testing import make_architectures

    if weights == "all ones":
        monkeypatch.setattr(benchmark, "_hash_weights", lambda columns: np.ones(columns, dtype=np.uint64))
    rng = np.random.default_rng(0)
    encoding = rng.integers(-1, 3, size=(400, 6))
    encoding[7] = encoding[3]  # a duplicate row: an identical encoding counts as a neighbour
    table = benchmark.BenchmarkTable(make_architectures(400)[0], {"y": rng.normal(size=400)}, encoding)
    for index in range(len(table)):
        differing = (encoding != encoding[index]).sum(axis=1)
        expected = np.flatnonzero(differing <= 1)
        assert table.neighbours(index).tolist() == expected[expected != index].tolist(), index
    assert 7 in table.neighbours(3).tolist()
    empty = benchmark.BenchmarkTable(make_architectures(5)[0], {"y": np.arange(5.0)}, np.zeros((5, 0), dtype=int))
    assert empty.neighbours(2).tolist() == []


def test_bananas_with_an_oracle_goes_straight_to_the_best_cell(oracle_suite):
    record = _search(oracle_suite, "bananas", budget=200, predictor="oracle")
    assert record["status"] == "ok" and record["reached_best"] and record["lookups_to_best"] <= 60


@pytest.mark.parametrize(
    ("guide", "members"),
    [
        ("onehot-xgb:n_estimators=20", 5),
        ("onehot-rf:n_estimators=20", 1),
        ("bananas-mlp:ensemble=3,epochs=10", 1),  # BANANAS' predictor: its ensemble's spread is the uncertainty
        ("gp", 1),
    ],
)
def test_bananas_grows_its_batch_and_ensembles_a_guide_without_its_own_uncertainty(suite, guide, members):
    from nbs_search.bananas import Bananas

    table = suite.table("nb201-cifar10")
    task = SearchTask(table, "test_accuracy", 150, np.random.default_rng(1))
    fitted_on: list[int] = []

    def fit(predictor, cells, values):
        fitted_on.append(len(cells))
        return predictor.fit(table.archs[cells], values)

    task.guide = Guide(suite.predictor(guide), table.archs, fit, np.arange(len(table)))
    Bananas(growth=0.2).search(task)  # no goals: it runs to the budget
    assert len(task.evaluated) == 150 and len(set(task.evaluated.tolist())) == 150
    rounds = fitted_on[::members]
    assert fitted_on == [size for size in rounds for _ in range(members)]  # `members` fits a round, on every cell
    assert rounds[0] == 10  # after the random initial design
    batches = np.diff([*rounds, 150]).tolist()
    expected = [max(5, int(np.ceil(0.2 * size))) for size in rounds]
    assert batches[:-1] == expected[:-1] and 0 < batches[-1] <= expected[-1]  # the last one cut at the budget
    assert batches[0] == 5 and max(batches) > 10  # 5 a round at first, 20% of what is known later
    small = Bananas(subset=3)  # the candidates are never fewer than the grown batch
    assert small.batch_size(task) == 8 and small.subset_size(task) == 8


@pytest.mark.parametrize("strategy", ["bananas", "evolution"])
def test_a_smaller_budget_searches_the_first_look_ups_of_a_larger_one(suite, strategy):
    from nasbench_suite.specs import parse_spec

    table = suite.table("nb201-cifar10")
    orders = []
    for budget in (60, 200):
        task = SearchTask(table, "test_accuracy", budget, np.random.default_rng(2))
        predictor = suite.predictor("onehot-xgb:n_estimators=20")
        task.guide = Guide(
            predictor, table.archs, lambda p, cells, y: p.fit(table.archs[cells], y), np.arange(len(table))
        )
        with contextlib.suppress(SearchFinished):  # the budget is spent
            suite.strategy(parse_spec(strategy, "search strategy")).search(task)
        orders.append(task.evaluated.tolist())
    assert len(orders[0]) == 60 and orders[1][:60] == orders[0]


def test_bananas_options_are_checked():
    from nbs_search.bananas import Bananas

    with pytest.raises(ConfigError, match="bananas: growth must be in"):
        Bananas(growth=1.5).validate()
    with pytest.raises(ConfigError, match="bananas: acquisition must be one of"):
        Bananas(acquisition="best").validate()


@pytest.mark.parametrize("study, folder", [
    ("search-defaults-tuning.toml", "search-defaults/tuning"), ("search-defaults.toml", "search-defaults"),
])  # fmt: skip
def test_the_committed_search_defaults_studies_are_complete(tmp_path, capsys, study, folder):
    """Each study file plans, with bananas' defaults as they are now, exactly the jobs whose records are
    committed: changing a default (or a study file) after the fact makes this fail."""
    out = tmp_path / "copy"
    out.mkdir()
    committed = (ROOT / "results" / folder / "records.jsonl").read_text()
    (out / "records.jsonl").write_text(committed)
    assert main(["study", str(ROOT / "studies" / study), "--out", str(out)]) == 0
    assert f"0 failed, {len(committed.splitlines())} already done" in capsys.readouterr().err


def test_the_default_search_command_reproduces_the_held_out_runs(tmp_path, capsys):
    """`nasbench-suite search --benchmark B --strategy evolution --strategy bananas --predictor graf-xgb`,
    with no other option, is the held-out block at 1,000 look-ups and the top 0.1%: nothing to run."""
    out = tmp_path / "copy"
    out.mkdir()
    (out / "records.jsonl").write_bytes((ROOT / "results" / "search-defaults" / "records.jsonl").read_bytes())
    command = ["search", "--benchmark", "nb201-cifar100", "--strategy", "evolution", "--strategy", "bananas"]
    assert main([*command, "--predictor", "graf-xgb", "--out", str(out)]) == 0
    assert "0 searches finished, 0 failed, 40 already done" in capsys.readouterr().err
