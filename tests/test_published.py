"""Published figures as data: validated when registered, collected from plugins (a failing plugin is
isolated), matched to measured runs by their split protocol alone, and shown beside them in reports,
never ranked among them."""

from __future__ import annotations

import numpy as np
import pytest

from nasbench_suite import PublishedResult, hookimpl
from nasbench_suite.registry import load_registry
from nasbench_suite.report.published import follows, published_tables
from nasbench_suite.report.render import ReportContext, render


def _record(predictor, seed, tau, train=156, benchmark="nb201-cifar10", **split):
    record = {
        "key": f"{predictor}-{seed}-{train}-{split}", "kind": "ranking", "status": "ok", "benchmark": benchmark,
        "benchmark_name": benchmark, "target": "test_accuracy", "train_size": train, "predictor": predictor,
        "seed": seed, "kendall_tau": tau, "spearman": tau, "fit_seconds": 1.0, "predict_seconds": 0.5,
        "peak_rss_mb": 100.0, "device": "cpu", "plugins": {}, "suite_version": "x", "pool_size": 15625,
        "test_size": 15625, "test_every": True, "test_rest": False, "train_pool": 0,
    }  # fmt: skip
    record.update(split)
    return record


def _published(method="NN-Former", value=0.804, **changes):
    fields = dict(
        method=method,
        source="Xu et al., Table 2",
        protocol="TNASP splits",
        benchmark="nb201-cifar10",
        target="test_accuracy",
        train_size=156,
        value=value,
        test_cells="every",
        space_cells=15625,
    )
    return PublishedResult(**{**fields, **changes})  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"value": float("nan")}, "value must be a finite number"),
        ({"train_size": 0}, "train_size must be an integer >= 1"),
        ({"metric": "accuracy"}, "metric must be one of"),
        ({"method": " "}, "method must be a non-empty string"),
        ({"test_cells": "all"}, "test_cells must be an integer >= 1, 'every' or None"),
        ({"train_pool": 100, "test_cells": None}, "train_size 156 exceeds the training pool 100"),
    ],
)
def test_a_malformed_published_result_names_the_method_and_the_field(changes, message):
    with pytest.raises(ValueError, match=message) as error:
        _published(**changes)
    assert "published result of" in str(error.value) and "Xu et al., Table 2" in str(error.value)


def test_published_results_are_collected_and_a_failing_plugin_is_isolated():
    class Good:
        @hookimpl
        def register_published_results(self):
            return [_published()]

    class Raises:
        @hookimpl
        def register_published_results(self):
            raise RuntimeError("table not found")

    class Wrong:
        @hookimpl
        def register_published_results(self):
            return ["0.804"]

    registry = load_registry(extra_plugins={"good": Good(), "raises": Raises(), "wrong": Wrong()})
    mine = [result for result, info in registry.published if info.name == "good"]
    assert mine == [_published()]
    failures = " ".join(failure.error for failure in registry.failures)
    assert 'plugin "raises" raised in register_published_results: RuntimeError: table not found' in failures
    assert 'plugin "wrong" (register_published_results): expected PublishedResult instances' in failures


def test_the_first_party_published_figures_are_registered_with_their_sources():
    published = [result for result, _ in load_registry().published]
    by_key = {(r.method, r.benchmark, r.train_size): r for r in published}
    assert by_key["PINAT", "nb201-cifar10", 1563].value == 0.784
    assert by_key["PINAT", "nb101", 4236].value == 0.846
    assert by_key["NN-Former", "nb201-cifar10", 156].value == 0.804
    assert "not read from the paper" in by_key["NN-Former", "nb201-cifar10", 156].source
    assert all(r.test_cells == "every" and r.space_cells in (15_625, 423_624) for r in published)


def test_a_run_follows_a_protocol_only_with_the_same_benchmark_target_labels_and_test_rule():
    result = _published()
    assert follows(_record("a", 0, 0.7), result)
    assert not follows(_record("a", 0, 0.7, train=157), result)
    assert not follows(_record("a", 0, 0.7, benchmark="nb201-cifar100"), result)
    assert not follows(_record("a", 0, 0.7, test_every=False, test_rest=True, test_size=15469), result)
    assert not follows(_record("a", 0, 0.7, status="error"), result)
    rest = _published(test_cells=None)
    assert follows(_record("a", 0, 0.7, test_every=False, test_rest=True, test_size=15469), rest)
    pool = _published(train_pool=7290, test_cells=None, benchmark="nb101")
    outside = _record("a", 0, 0.7, benchmark="nb101", test_every=False, train_pool=7290, test_size=15625 - 7290)
    assert follows(outside, pool) and not follows({**outside, "train_pool": 0}, pool)
    fixed = _published(test_cells=200)
    assert follows(_record("a", 0, 0.7, test_every=False, test_size=200), fixed)


def test_the_report_shows_published_rows_beside_measured_ones_unranked():
    records = [_record(p, s, tau + 0.01 * s) for p, tau in (("graf-xgb", 0.70), ("gnn-transformer", 0.78))
               for s in range(3)]  # fmt: skip
    records.append(_record("graf-xgb", 0, 0.5, train=78))  # a size no paper reports: no table for it
    published = [_published(), _published("PINAT", 0.631), _published("PINAT", 0.549, train_size=78000)]
    ((title, table, split),) = published_tables(records, published)
    assert split == "156 labels; test: every cell, the training cells included"
    assert title == "Published beside measured: TNASP splits, nb201-cifar10, test_accuracy, 156 labels (Kendall τ)"
    assert list(table["method"]) == ["gnn-transformer", "graf-xgb", "NN-Former", "PINAT"]
    assert list(table["rank"]) == ["1", "2", "published", "published"]
    assert list(table["seeds"]) == [3, 3, "—", "—"]
    assert table["Kendall τ"].iloc[0] == f"{np.mean([0.78, 0.79, 0.80]):.3f} ± 0.010"
    assert table["Kendall τ"].iloc[2] == "0.804" and table["cells"].iloc[2] == "15,625"
    report = render(records, context=ReportContext(published=tuple(published)))
    assert "## Published beside measured: TNASP splits" in report
    assert "Test every cell (--test-size every" in report
    # published figures never enter the measured leaderboard
    leaderboard = report.split("## Ranking")[1].split("\n## ")[0]
    assert "NN-Former" not in leaderboard and "PINAT" not in leaderboard


def test_no_published_section_without_runs_that_follow_a_protocol():
    records = [_record("graf-xgb", s, 0.7, test_every=False, test_size=1000) for s in range(3)]
    assert published_tables(records, [_published()]) == []
    assert "Published beside measured" not in render(records, context=ReportContext(published=(_published(),)))


def test_runs_split_by_different_rules_are_never_pooled_even_at_one_test_size():
    from nasbench_suite.report.summaries import summarise_ranking
    from nasbench_suite.report.tables import ranking_rows

    own = [_record("graf-xgb", s, 0.70) for s in range(3)]
    relabelled = [{**_record("graf-xgb", s, 0.60), "key": f"v{s}", "train_target": "val_accuracy"} for s in range(3)]
    summary = summarise_ranking(own + relabelled)
    assert sorted(summary["split"]) == ["every cell tested", "every cell tested, labels val_accuracy"]
    assert list(summary["seeds"]) == [3, 3] and list(summary["rank"]) == [1, 1]  # each ranked in its own group
    rows = ranking_rows(summary)
    assert set(rows["split"]) == {"every cell tested", "every cell tested, labels val_accuracy"}
    default = summarise_ranking([{**r, "test_every": False} for r in own])
    assert "split" not in ranking_rows(default)  # no column where every run used the default rule
