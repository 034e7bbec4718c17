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


# ---- the published protocols' splits: test the rest, test every cell, a fixed training pool ------------


def test_test_rest_scores_every_cell_outside_the_runs_own_training_cells_nested_across_sizes():
    pool = np.arange(500)
    small = make_split(pool, "nb201-cifar10", 3, train_size=20, test_size=480, test_rest=True)
    large = make_split(pool, "nb201-cifar10", 3, train_size=50, test_size=440, unlabelled_size=10, test_rest=True)
    assert set(small.train) <= set(large.train)
    assert sorted([*small.train, *small.test]) == list(pool)
    assert sorted([*large.train, *large.unlabelled, *large.test]) == list(pool)
    with pytest.raises(ConfigError, match="test size 400, but every other cell is 480 cells"):
        make_split(pool, "nb201-cifar10", 3, train_size=20, test_size=400, test_rest=True)


def test_test_every_scores_every_cell_training_cells_included():
    pool = np.arange(300)
    split = make_split(pool, "nb101", 1, train_size=30, test_size=300, test_every=True)
    assert np.array_equal(split.test, pool) and set(split.train) <= set(pool) and len(split.train) == 30
    larger = make_split(pool, "nb101", 1, train_size=60, test_size=300, test_every=True)
    assert set(split.train) <= set(larger.train)


def test_a_training_pool_is_fixed_across_seeds_and_tests_come_from_outside_it():
    pool = np.arange(2000)
    splits = [make_split(pool, "nb101", seed, 50, 1000, unlabelled_size=20, train_pool=300) for seed in range(4)]
    labelled = set().union(*(set(s.train) | set(s.unlabelled) for s in splits))
    assert len(labelled) <= 300  # every seed labels cells of the same 300
    assert all(not set(s.test) & labelled for s in splits)
    assert len({tuple(s.train) for s in splits}) == 4  # but each seed its own
    nested = make_split(pool, "nb101", 0, 100, 1000, train_pool=300)
    assert set(make_split(pool, "nb101", 0, 50, 1000, train_pool=300).train) <= set(nested.train)
    with pytest.raises(ConfigError, match="labels from a pool of 300"):
        make_split(pool, "nb101", 0, 290, 1000, unlabelled_size=20, train_pool=300)


def _planned(suite, **options):
    from nasbench_suite.study.experiment import Experiment
    from nasbench_suite.study.planning import plan_ranking

    experiment = Experiment("ranking", (parse_spec("nb201-cifar10", "benchmark"),),
                            (parse_spec("random", "predictor"),), seeds=1, **options)  # fmt: skip
    return plan_ranking(experiment, suite, "cpu")


def test_planning_sizes_each_published_test_rule(suite):
    rest = _planned(suite, train_sizes=(78, 1563), test_size="rest")
    assert [(job.train_size, job.test_size, job.test_rest) for job in rest] == [(78, 15547, True), (1563, 14062, True)]
    every = _planned(suite, train_sizes=(78, 1563), test_size="every")
    assert [(job.test_size, job.test_every) for job in every] == [(15625, True), (15625, True)]
    pooled = _planned(suite, train_sizes=(72, 729), train_pool=7290)
    assert {(job.test_size, job.train_pool) for job in pooled} == {(15625 - 7290, 7290)}
    # the protocol options are part of a run's identity, and absent from older keys
    assert '"test_every": true' in every[0].key() and "test_every" not in _planned(suite, train_sizes=(78,))[0].key()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"train_sizes": (100,), "train_pool": 50}, "--train-pool 50: train size 100 needs 100 cells from the pool"),
        ({"train_sizes": (100,), "train_pool": 15625}, "the pool must leave cells outside it"),
        ({"train_sizes": (100,), "train_pool": 500, "test_size": "every"}, "cannot be combined with --train-pool"),
        ({"train_sizes": (100,), "train_pool": -1}, "--train-pool: expected a non-negative number"),
    ],
)
def test_bad_protocol_options_are_config_errors(suite, options, message):
    with pytest.raises(ConfigError, match=message):
        _planned(suite, **options)


def test_the_command_line_takes_every_test_rule(tmp_path):
    from nasbench_suite.cli.parser import test_size

    assert (test_size("all"), test_size("rest"), test_size("every"), test_size("200")) == (None, "rest", "every", 200)
    with pytest.raises(Exception, match="expected an integer, 'all', 'rest' or 'every'"):
        test_size("most")


class _Echo(Predictor):
    """Remembers its training labels; predicts the label of a training cell, else 0."""

    name = "echo-labels"

    def fit(self, archs, y, context=None):
        self.seen_ = dict(zip(archs.ids, y))
        return self

    def predict(self, archs):
        return np.array([self.seen_.get(cell, 0.0) for cell in archs.ids])


def test_a_training_target_labels_the_training_cells_and_the_scored_target_is_unchanged():
    from nasbench_suite import hookimpl

    class Plugin:
        @hookimpl
        def register_predictors(self):
            return [_Echo]

    suite = Suite(load_registry({"echo": Plugin()}))
    jobs = {
        given: make_ranking_job(suite, "echo-labels", benchmark="nb101:target=test_accuracy", train_size=50,
                                test_size=151644, test_every=True, train_target=given, score_train=True)
        for given in ("", "val_accuracy")
    }  # fmt: skip
    scored_on_own_labels, relabelled = (jobs[given].run(suite) for given in ("", "val_accuracy"))
    # echoing the scored target on the training cells ranks them perfectly; echoing the validation
    # accuracy does not (the two accuracies disagree), so the labels were the training target's
    assert scored_on_own_labels["train_kendall_tau"] == pytest.approx(1.0)
    assert relabelled["status"] == "ok" and relabelled["train_target"] == "val_accuracy"
    assert 0.3 < relabelled["train_kendall_tau"] < 0.99
    assert '"train_target": "val_accuracy"' in jobs["val_accuracy"].key() and "train_target" not in jobs[""].key()
    with pytest.raises(ConfigError, match="--train-target val_acc: benchmark nb201-cifar10 has no such target"):
        _planned(Suite(load_registry()), train_sizes=(10,), train_target="val_acc")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"train_sizes": (20000,), "test_size": "every"}, "train size 20000 exceeds the 15625 cells"),
        ({"train_sizes": (100,), "train_pool": 500, "test_size": "rest"}, "with a pool the test cells are already"),
        ({"train_sizes": (100,), "train_pool": 500, "test_size": 15200}, "test size 15200 exceeds the cells outside"),
        ({"train_sizes": (15624,), "test_size": "rest"}, "leaves fewer than 2 of the 15625 cells"),
    ],
)
def test_split_sizes_that_do_not_fit_are_config_errors(suite, options, message):
    with pytest.raises(ConfigError, match=message):
        _planned(suite, **options)
    if options.get("test_size") == "every":
        with pytest.raises(ConfigError, match="train 500 \\+ unlabelled 0 cells needed but only 100"):
            make_split(np.arange(100), "x", 0, 500, 100, test_every=True)
