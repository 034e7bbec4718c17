"""The first-party search strategies: acquisition functions, ensembles and the guide's uncertainty,
exploration, local search (alone and guided), label-free guides, and the greedy ablation, which
reproduces the recorded searches of the suite's first version exactly."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import make_search_job, oracle_class
from nbs_search.acquisition import ACQUISITIONS
from nbs_search.guided import mutations

from nasbench_suite import FitContext, Guide, Predictor, SearchTask, hookimpl
from nasbench_suite.registry import Suite, load_registry

RESULTS = Path(__file__).resolve().parents[2] / "results" / "search" / "v0.1" / "searches.jsonl"


class CountingPrior(Predictor):
    """A label-free prior (the parameter count) that counts its fits and scored cells."""

    name = "counting-prior"
    needs = frozenset()
    fits: list = []
    scored: list = []

    def fit(self, archs, y, context=None):
        assert y is None
        CountingPrior.fits.append(len(archs))
        return self

    def predict(self, archs):
        CountingPrior.scored.append(len(archs))
        return archs.costs["params"].astype(float)


class NeedsPool(Predictor):
    """A guide that asks for unlabelled cells and checks it gets unevaluated ones."""

    name = "needs-pool"
    needs = frozenset({"labels", "unlabelled"})
    pools: list = []

    def fit(self, archs, y, context=None):
        pool = set(context.unlabelled.ids)
        assert not pool & set(archs.ids)
        NeedsPool.pools.append((len(archs), len(pool)))
        return self

    def predict(self, archs):
        return archs.costs["params"].astype(float)


class Plugin:
    @hookimpl
    def register_predictors(self):
        return [self.oracle, CountingPrior, NeedsPool]


@pytest.fixture(scope="module")
def oracle_suite(suite):
    plugin = Plugin()
    plugin.oracle = oracle_class(suite)
    return Suite(load_registry({"test-guides": plugin}))


def _search(suite, strategy, predictor=None, budget=200, seed=0, top=0.001):
    return make_search_job(suite, strategy, predictor, budget=budget, seed=seed, top=top).run(suite)


def test_acquisitions_rank_by_mean_bound_or_a_sample():
    mean, std = np.array([1.0, 2.0, 3.0]), np.array([5.0, 0.0, 0.0])
    rng = np.random.default_rng(0)
    assert ACQUISITIONS["greedy"](mean, std, rng, 1.0).tolist() == [1.0, 2.0, 3.0]
    assert ACQUISITIONS["ucb"](mean, std, rng, 0.5).tolist() == [3.5, 2.0, 3.0]
    draws = np.array([ACQUISITIONS["its"](mean, std, np.random.default_rng(s), 1.0) for s in range(400)])
    assert np.all(draws[:, 1:] == [2.0, 3.0])  # no spread, no exploration
    assert abs(draws[:, 0].mean() - 1.0) < 0.8 and draws[:, 0].std() == pytest.approx(5.0, rel=0.15)


def _guide(suite, spec, table):
    task = SearchTask(table, "test_accuracy", 100, np.random.default_rng(0))
    predictor = suite.predictor(spec)

    def fit(member, cells, values):
        y = values if "labels" in member.needs else None
        return member.fit(table.archs[cells], y, FitContext(suite=suite))

    return task, Guide(predictor, table.archs, fit, np.flatnonzero(task.has_value))


def test_an_ensemble_of_bootstrap_fits_gives_a_spread_and_a_forest_its_own(suite):
    table = suite.table("nb201-cifar10")
    task, guide = _guide(suite, "onehot-xgb:n_estimators=30", table)
    cells = np.arange(0, 15000, 150)
    values = table.targets["test_accuracy"][cells]
    members = guide.fit_ensemble(cells, values, 4, np.random.default_rng(1))
    assert len({id(m) for m in members}) == 4 and len({m.random_state for m in members}) == 4
    mean, std = guide.distribution(members, np.arange(20))
    assert mean.shape == std.shape == (20,) and (std > 0).all()
    single = guide.distribution(guide.fit_ensemble(cells, values, 1, np.random.default_rng(1)), np.arange(20))
    assert (single[1] == 0).all()  # one XGBoost model: no uncertainty of its own
    _, forest = _guide(suite, "onehot-rf:n_estimators=20", table)
    assert forest.has_uncertainty and not guide.has_uncertainty
    mean, std = forest.distribution([forest.fit(cells, values)], np.arange(20))
    assert (std > 0).all()  # the spread of its trees


def test_a_label_free_guide_is_a_prior_fitted_once_and_scored_once_per_cell(oracle_suite):
    CountingPrior.fits.clear()
    CountingPrior.scored.clear()
    record = _search(oracle_suite, "predictor-smart-subset:subset=50", "counting-prior", budget=100)
    assert record["status"] == "ok"
    assert CountingPrior.fits == [15625]  # once, on every cell with a value
    assert sum(CountingPrior.scored) <= 15625 and len(CountingPrior.scored) > 1  # cached between rounds


def test_a_guide_that_needs_unlabelled_cells_gets_unevaluated_ones(oracle_suite):
    NeedsPool.pools.clear()
    record = _search(oracle_suite, "predictor-random-subset:ensemble=1", "needs-pool", budget=40)
    assert record["status"] == "ok" and NeedsPool.pools[0] == (10, 100)  # 10 x the evaluated cells


@pytest.mark.parametrize("acquisition", ["greedy", "ucb", "its"])
def test_guided_search_with_an_oracle_goes_straight_to_the_best(oracle_suite, acquisition):
    record = _search(oracle_suite, f"predictor-full:acquisition={acquisition},batch=5", "oracle")
    assert record["lookups_to_best"] == 11  # the oracle has no spread: every acquisition ranks by it


def test_exploration_spends_its_share_on_unranked_mutations_of_the_best_cells(suite):
    table = suite.table("nb201-cifar10")
    task = SearchTask(table, "test_accuracy", 100, np.random.default_rng(0))
    ranked = np.argsort(-table.targets["test_accuracy"])[:3]
    task.evaluate(ranked)
    chosen = mutations(task, ranked, np.zeros(0, dtype=np.int64), 6, parents=1)
    assert len(set(chosen.tolist())) == 6 and set(chosen.tolist()) <= set(table.neighbours(int(ranked[0])).tolist())
    everything = mutations(task, ranked, np.zeros(0, dtype=np.int64), 100, parents=1)
    assert len(set(everything.tolist())) == 100  # neighbourhoods exhausted: topped up with random cells


def test_local_search_climbs_and_restarts_on_a_local_optimum(suite):
    record = _search(suite, "local-search", budget=400, seed=3)
    values = suite.table("nb201-cifar10").targets["test_accuracy"]
    assert record["status"] == "ok" and record["best_found"] > np.quantile(values, 0.99)
    random = [_search(suite, "random", budget=400, seed=s)["lookups_to_target"] for s in range(6)]
    climbing = [_search(suite, "local-search", budget=400, seed=s)["lookups_to_target"] for s in range(6)]
    assert np.mean(climbing) < np.mean(random)


def test_predictor_local_search_evaluates_neighbours_in_predicted_order(oracle_suite):
    record = _search(oracle_suite, "predictor-local-search:batch=1,initial=5", "oracle", budget=300)
    curve = np.array(record["curve"])
    assert record["status"] == "ok" and record["reached_best"]
    assert np.all(np.diff(curve) >= 0) and record["lookups_to_best"] < 60


@pytest.mark.parametrize(
    ("strategy", "predictor", "seed"),
    [
        ("predictor-full", "onehot-xgb", 5),
        ("predictor-smart-subset", "graf-xgb", 10),
        ("predictor-random-subset", "onehot-xgb", 9),
    ],
)
def test_the_greedy_ablation_reproduces_the_first_versions_searches(suite, strategy, predictor, seed):
    recorded = next(
        r
        for r in map(json.loads, RESULTS.read_text().splitlines())
        if (r["strategy"], r["predictor"], r["seed"], r["benchmark"]) == (strategy, predictor, seed, "nb201-cifar10")
    )
    again = _search(suite, f"{strategy}:explore=0", predictor, budget=1000, seed=seed)
    assert again["curve"] == recorded["curve"] and again["lookups_to_target"] == recorded["lookups_to_target"]


@pytest.mark.parametrize(
    ("strategy", "message"),
    [
        ("predictor-full:acquisition=magic", "acquisition must be one of greedy, ucb, its (got 'magic')"),
        ("predictor-smart-subset:ensemble=0", "ensemble must be a positive integer (got 0)"),
        ("predictor-full:explore=1.5", "explore must be in [0, 1] (got 1.5)"),
        ("predictor-local-search:restart_pool=0", "restart_pool must be a positive integer (got 0)"),
        ("local-search:batch=-1", "batch must be 0 (every neighbour) or a positive integer (got -1)"),
    ],
)
def test_bad_strategy_options_are_config_errors_before_any_work(suite, strategy, message):
    from nasbench_suite import ConfigError, parse_spec

    with pytest.raises(ConfigError, match=re.escape(message)):
        suite.strategy(parse_spec(strategy, "search strategy"))
