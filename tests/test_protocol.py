"""The ranking protocol: paired deterministic splits, isolation of failing predictors, records."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_ranking_job

from nasbench_suite import ConfigError, FitContext, Predictor, check_predictions
from nasbench_suite.registry import Suite, load_registry
from nasbench_suite.specs import Spec, parse_spec
from nasbench_suite.study.ranking import make_split


def test_splits_are_deterministic_disjoint_and_nested():
    pool = np.arange(1000)
    small = make_split(pool, "nb201-cifar10", seed=3, train_size=10, test_size=100)
    large = make_split(pool, "nb201-cifar10", seed=3, train_size=50, test_size=100, unlabelled_size=200)
    again = make_split(pool, "nb201-cifar10", seed=3, train_size=10, test_size=100)
    assert np.array_equal(small.train, again.train) and np.array_equal(small.test, again.test)
    assert np.array_equal(small.test, large.test)  # same test cells at every train size
    assert set(small.train) <= set(large.train)  # nested training sets
    assert not set(large.train) & set(large.test) and not set(large.unlabelled) & (set(large.train) | set(large.test))
    other = make_split(pool, "nb201-cifar10", seed=4, train_size=10, test_size=100)
    assert not np.array_equal(small.test, other.test)


def test_split_larger_than_pool_is_a_config_error():
    with pytest.raises(ConfigError, match="only 10 have the target"):
        make_split(np.arange(10), "x", 0, train_size=8, test_size=5)


def test_check_predictions_enforces_the_contract():
    assert check_predictions([1, 2, 3], 3).dtype == np.float64
    with pytest.raises(Exception, match=r"shape \(2,\); expected \(3,\)"):
        check_predictions([1, 2], 3)
    with pytest.raises(Exception, match="1 non-finite"):
        check_predictions([1, np.inf, 3], 3)


class _Base(Predictor):
    needs = frozenset()

    def __init__(self) -> None:
        pass

    def fit(self, archs, y, context=None):
        return self

    def predict(self, archs):
        return archs.costs["params"].astype(float)


class RaisesInFit(_Base):
    name = "raises-in-fit"

    def fit(self, archs, y, context=None):
        raise RuntimeError("out of cheese")


class ReturnsNaN(_Base):
    name = "returns-nan"

    def predict(self, archs):
        return np.full(len(archs), np.nan)


class WrongLength(_Base):
    name = "wrong-length"

    def predict(self, archs):
        return np.zeros(len(archs) + 1)


class Constant(_Base):
    name = "constant"

    def predict(self, archs):
        return np.ones(len(archs))


class NeedsPool(_Base):
    name = "needs-pool"
    needs = frozenset({"labels", "unlabelled"})

    def fit(self, archs, y, context=None):
        assert context is not None and context.unlabelled is not None
        self.pool_ids_ = set(context.unlabelled.ids)
        self.train_ids_ = set(archs.ids)
        return self


class Faulty:
    from nasbench_suite import hookimpl

    @hookimpl
    def register_predictors(self):
        return [RaisesInFit, ReturnsNaN, WrongLength, Constant, NeedsPool, NeedsContext]


@pytest.fixture(scope="module")
def faulty_suite():
    return Suite(load_registry({"faulty": Faulty()}))


def _execute(suite, predictor, seed=0, train_size=20, unlabelled=0):
    return make_ranking_job(suite, predictor, train_size=train_size, seed=seed, unlabelled_size=unlabelled).run(suite)


@pytest.mark.parametrize(
    ("predictor", "message"),
    [
        ("raises-in-fit", "failed in fit: RuntimeError: out of cheese"),
        ("returns-nan", "failed in predict: PredictorError: predict returned 200 non-finite values"),
        ("wrong-length", r"predict returned shape (201,); expected (200,)"),
    ],
)
def test_failures_are_recorded_with_their_message(faulty_suite, predictor, message):
    record = _execute(faulty_suite, predictor)
    assert record["status"] == "error"
    assert message in record["error"] and predictor in record["error"]
    assert "kendall_tau" not in record


def test_constant_predictions_are_undefined_not_zero(faulty_suite):
    record = _execute(faulty_suite, "constant")
    assert record["status"] == "ok"
    assert record["kendall_tau"] is None and record["spearman"] is None
    assert "kendall_tau" in record["undefined_metrics"]
    assert record["precision_at_10"] is not None  # defined: a tie-broken top-k still exists


def test_a_good_run_records_metrics_costs_and_provenance(faulty_suite):
    record = _execute(faulty_suite, "param-count")
    assert record["status"] == "ok" and record["kendall_tau"] > 0.3
    assert record["fit_seconds"] >= 0 and record["peak_rss_mb"] > 0
    assert record["plugins"]["benchmark"]["plugin"] == "tables" and record["kind"] == "ranking"
    assert record["suite_version"] and record["train_size"] == 20 and record["test_size"] == 200
    assert record["predictor_label"] == record["predictor_name"] == "param-count"


def test_unlabelled_pool_is_supplied_and_disjoint(faulty_suite):
    predictor = faulty_suite.build_predictor(Spec("needs-pool"), 0, "cpu")
    table = faulty_suite.table(Spec("nb201-cifar10"))
    split = make_split(table.indices_with("test_accuracy"), "nb201-cifar10", 0, 20, 200, 100)
    predictor.fit(
        table.archs[split.train],
        table.targets["test_accuracy"][split.train],
        FitContext(unlabelled=table.archs[split.unlabelled]),
    )
    assert len(predictor.pool_ids_) == 100 and not predictor.pool_ids_ & predictor.train_ids_
    assert _execute(faulty_suite, "needs-pool", unlabelled=100)["status"] == "ok"


def test_same_seed_gives_identical_metrics(suite):
    first = _execute(suite, "onehot-xgb:n_estimators=30", seed=5)
    second = _execute(suite, "onehot-xgb:n_estimators=30", seed=5)
    assert first["kendall_tau"] == second["kendall_tau"]
    assert first["predictor_params"]["random_state"] == 5


def test_spec_values_are_literals_and_lowercase_booleans_are_booleans():
    spec = parse_spec("synflow:cache=false,tuned=true,batch_size=8,lr=1e-3,data=/x/y.zip,name='a'", "predictor")
    assert spec.options == {"cache": False, "tuned": True, "batch_size": 8, "lr": 1e-3, "data": "/x/y.zip", "name": "a"}
    with pytest.raises(ConfigError, match="expected key=value options"):
        parse_spec("synflow:cache", "predictor")


class NeedsContext(_Base):
    name = "needs-context"

    def fit(self, archs, y, context=None):
        self.builder_ = type(context.suite.network_builder("nb201", channels=4)).__name__
        return self


def test_fit_gets_the_runs_own_plugins_through_the_context(faulty_suite):
    record = _execute(faulty_suite, "needs-context")
    assert record["status"] == "ok"


def test_file_options_are_identified_by_content_and_left_off_labels(tmp_path, faulty_suite):
    first, second = tmp_path / "a" / "cifar.zip", tmp_path / "b" / "cifar.zip"
    for path in (first, second):
        path.parent.mkdir()
        path.write_bytes(b"same bytes")
    cls = faulty_suite.predictor_class("ghn")
    specs = [Spec("ghn", {"data": str(path), "steps": 5, "checkpoint": str(path) + ".pt"}) for path in (first, second)]
    identities = {faulty_suite.identity(cls, spec) for spec in specs}
    assert len(identities) == 1  # the same content in another folder is the same run
    [identity] = identities
    assert "cifar.zip@sha256:" in identity and str(tmp_path) not in identity and "checkpoint" not in identity
    second.write_bytes(b"other bytes")
    assert faulty_suite.identity(cls, Spec("ghn", {"data": str(second)})) not in identities
    assert Suite.label(cls, specs[0]) == "ghn:steps=5"


def test_a_run_is_identified_by_its_effective_configuration(faulty_suite):
    cls = faulty_suite.predictor_class("onehot-xgb")
    implicit = faulty_suite.identity(cls, Spec("onehot-xgb"))
    explicit = faulty_suite.identity(cls, Spec("onehot-xgb", {"n_estimators": 500}))
    assert implicit == explicit  # the default spelled out is the same run
    assert implicit != faulty_suite.identity(cls, Spec("onehot-xgb", {"n_estimators": 50}))
    assert "n_estimators=500" in implicit and "random_state" not in implicit  # the harness sets that one
    assert Suite.label(cls, Spec("onehot-xgb")) == "onehot-xgb"  # labels show what was asked for
