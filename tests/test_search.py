"""Search strategies and the search harness: contract, SEG against the exact random expectation,
predictor guidance with an oracle, resume and failure isolation through the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nasbench_suite import ConfigError, FitContext, Predictor, hookimpl
from nasbench_suite.cli import main
from nasbench_suite.protocol import Suite
from nasbench_suite.registry import load_registry
from nasbench_suite.search_leaderboard import summarise_searches
from nasbench_suite.search_protocol import SearchConfig, SearchSuite, first_hit, target_set
from nasbench_suite.specs import Spec, parse_spec

NB201 = Spec("nb201-cifar10")


class Oracle(Predictor):
    """Predicts the true NB201 test accuracy (looked up by cell id): guidance at its best."""

    name = "oracle"
    needs = frozenset({"labels"})
    truth: dict = {}

    def __init__(self) -> None:
        pass

    def fit(self, archs, y, context: FitContext | None = None):
        self.fitted_ = True
        return self

    def predict(self, archs):
        return np.array([self.truth[cell] for cell in archs.ids])


class OraclePlugin:
    @hookimpl
    def register_predictors(self):
        return [Oracle]


@pytest.fixture(scope="module")
def searches(suite):
    return SearchSuite(suite)


@pytest.fixture(scope="module")
def oracle_searches(suite):
    table = suite.table(NB201)
    Oracle.truth = dict(zip(table.archs.ids, table.targets["test_accuracy"]))
    return SearchSuite(Suite(load_registry({"oracle-plugin": OraclePlugin()})))


def _search(searches, strategy, seed=0, budget=300, predictor=None, top=0.001):
    config = SearchConfig("nb201-cifar10", "test_accuracy", strategy, predictor, budget, seed, top)
    return searches.execute(
        config,
        NB201,
        parse_spec(strategy, "search strategy"),
        parse_spec(predictor, "predictor") if predictor else None,
    )


def test_target_set_and_first_hit():
    values = np.array([1.0, 5.0, np.nan, 3.0, 4.0])
    assert target_set(values, 0.5).tolist() == [1, 4]  # ceil(0.5 * 4 cells with a value) = 2
    assert first_hit(np.array([3, 0, 4]), np.array([1, 4])) == 3
    assert first_hit(np.array([3, 0]), np.array([1, 4])) is None


def test_random_search_has_a_gain_of_one(searches):
    records = [_search(searches, "random", seed=s, budget=15625, top=0.01) for s in range(300)]
    [row] = summarise_searches(records).to_dict("records")
    assert row["seeds"] == 300 and row["missed_target"] == 0
    assert row["seg_target"] == pytest.approx(1.0, abs=0.12)
    assert row["seg_target_ci_low"] < 1.0 < row["seg_target_ci_high"]


def test_evolution_evaluates_distinct_cells_deterministically_and_beats_random(searches):
    first = _search(searches, "evolution:population=20,tournament=5", seed=3)
    again = _search(searches, "evolution:population=20,tournament=5", seed=3)
    assert first["status"] == "ok" and first["evaluations"] == len(first["curve"]) <= 300
    assert first["evaluations"] == 300 or (first["stopped_early"] and first["reached_best"])
    assert first["curve"] == again["curve"]
    assert np.all(np.diff(first["curve"]) >= 0)  # best-so-far never decreases
    evolution = [_search(searches, "evolution", seed=s)["lookups_to_target"] for s in range(8)]
    random = [_search(searches, "random", seed=s)["lookups_to_target"] for s in range(8)]
    assert np.mean(evolution) < np.mean(random)


@pytest.mark.parametrize("strategy", ["predictor-full", "predictor-random-subset", "predictor-smart-subset"])
def test_guided_search_with_an_oracle(oracle_searches, strategy):
    record = _search(oracle_searches, f"{strategy}:initial=10,batch=5,subset=0.05", budget=40, predictor="oracle")
    assert record["status"] == "ok"
    if strategy == "predictor-full":  # scoring everything, the oracle picks the best cells at once
        assert record["lookups_to_best"] == 11
        assert record["stopped_early"] and record["evaluations"] == 15  # the round that found it ends it
    else:  # a subset holds the best cell only by luck, but the oracle picks the subset's best
        assert record["best_found"] > 93.5


@pytest.mark.parametrize("strategy", ["evolution:population=20", "predictor-smart-subset:batch=5,subset=100"])
def test_stopping_at_the_best_changes_nothing_recorded(suite, strategy):
    table = suite.table(NB201)
    values = table.targets["test_accuracy"]
    top, best = target_set(values, 0.01), np.flatnonzero(values == values.max())
    orders = []
    for stop in (False, True):
        searcher = SearchSuite(suite).build_strategy(parse_spec(strategy, "search strategy"))
        if stop:
            searcher.stop_when_reached(top, best)
        predictor = suite.build_predictor(parse_spec("onehot-xgb:n_estimators=20", "predictor"), 0, "cpu")
        orders.append(searcher.search(table, "test_accuracy", 600, np.random.default_rng(4), predictor))
    full, stopped = orders
    assert len(stopped) < len(full) == 600
    assert full[: len(stopped)].tolist() == stopped.tolist()  # the same search, cut short
    assert first_hit(stopped, best) is not None and first_hit(stopped, best) == first_hit(full, best)
    assert first_hit(stopped, top) == first_hit(full, top)


def test_smart_subset_scores_neighbours_of_the_best_cells(suite):
    from nbs_search.guided import SmartSubsetSearch

    table = suite.table(NB201)
    values = table.targets["test_accuracy"]
    ranked = np.argsort(-values)[:3]
    open_cells = np.ones(len(table), dtype=bool)
    open_cells[ranked] = False
    strategy = SmartSubsetSearch(subset=30)
    candidates = strategy.candidates(table, ranked, open_cells, np.random.default_rng(0))
    assert len(candidates) == 30 and len(set(candidates.tolist())) == 30
    first = [c for c in table.neighbours(int(ranked[0])).tolist() if open_cells[c]]  # the best parent's
    assert set(candidates[: len(first)].tolist()) == set(first) and not set(candidates) & set(ranked.tolist())
    with pytest.raises(ConfigError, match="proposer: expected one of mutation"):
        SmartSubsetSearch(proposer="nope")


def test_search_command_writes_resumes_and_isolates_failures(tmp_path, capsys):
    out = tmp_path / "search"
    args = [
        "search",
        "--strategy", "random", "--strategy", "evolution:population=10",
        "--strategy", "predictor-smart-subset:batch=20,subset=200", "--strategy", "predictor-full:initial=1",
        "--predictor", "onehot-xgb:n_estimators=20",
        "--budget", "60", "--seeds", "2", "--top", "0.01", "--out", str(out), "--device", "cpu",
        "--plot", str(tmp_path / "fig"),
    ]  # fmt: skip
    assert main([*args, "--jobs", "2"]) == 0
    records = [json.loads(line) for line in (out / "searches.jsonl").read_text().splitlines()]
    assert len(records) == 8
    failed = [r for r in records if r["status"] == "error"]
    assert len(failed) == 2 and all("initial must be >= 2" in r["error"] for r in failed)
    assert all(len(r["curve"]) == 60 or r["stopped_early"] for r in records if r["status"] == "ok")
    board = (out / "search_leaderboard.md").read_text()
    assert "SEG (95% CI)" in board and "predictor-smart-subset:batch=20" in board
    assert (tmp_path / "fig" / "nb201-cifar10-test_accuracy-regret.png").stat().st_size > 1000
    capsys.readouterr()
    assert main(args) == 0
    assert "6 already done" in capsys.readouterr().err  # failed runs are retried, finished ones kept


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--strategy", "nope"], "unknown search strategy 'nope'"),
        (["--strategy", "evolution:size=3"], "search strategy evolution: invalid options"),
        (["--strategy", "predictor-smart-subset:proposer=magic"], "proposer: expected one of mutation"),
        (["--budget", "0"], "--budget: expected a positive number"),
        (["--budget", "20000"], "exceeds the 15625 cells"),
        (["--top", "1.5"], "--top: expected a fraction"),
    ],
)
def test_bad_search_options_fail_before_any_work(tmp_path, capsys, extra, message):
    with pytest.raises(SystemExit) as exit_info:
        main(["search", "--out", str(tmp_path), "--seeds", "1", "--budget", "10", *extra])
    assert exit_info.value.code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "searches.jsonl").exists()


def test_gains_with_missed_runs_are_marked_as_upper_bounds():
    from nasbench_suite.search_leaderboard import render_searches

    def record(seed, lookups, reached):
        return {
            "key": str(seed), "status": "ok", "error": None, "benchmark": "b", "target": "t", "top_fraction": 0.01,
            "strategy": "s", "predictor": None, "lookups_to_target": lookups, "reached_target": reached,
            "lookups_to_best": 100, "reached_best": False, "expected_random_to_target": 50.0,
            "expected_random_to_best": 500.0, "seconds": 0.1, "suite_version": "x", "plugins": {},
        }  # fmt: skip

    [row] = summarise_searches([record(0, 20, True), record(1, 30, True)]).to_dict("records")
    assert row["seg_target"] == pytest.approx(2.0) and row["missed_target"] == 0
    text = render_searches([record(0, 20, True), record(1, 100, False)])
    assert "≤ 0.83" in text and "≤ 5.00" in text  # 50 / 60 with a miss; best missed by both runs
