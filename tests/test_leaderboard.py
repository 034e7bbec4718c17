"""Summaries and the one report: ranks, intervals, failures, labels, both kinds together."""

import numpy as np
import pandas as pd
import pytest

from nasbench_suite.report import render as report
from nasbench_suite.report.summaries import distinct_labels, label, summarise_ranking, summarise_search


def _rec(predictor, seed, tau, status="ok", train=10):
    return {
        "key": f"{predictor}-{seed}-{train}",
        "kind": "ranking",
        "benchmark": "b",
        "target": "t",
        "train_size": train,
        "predictor": predictor,
        "seed": seed,
        "status": status,
        "kendall_tau": tau,
        "spearman": tau,
        "pearson": tau,
        "precision_at_10": 0.1,
        "precision_at_100": None,
        "fit_seconds": 0.1,
        "predict_seconds": 0.1,
        "peak_rss_mb": 10.0,
        "error": None if status == "ok" else "boom",
        "suite_version": "9.9",
        "plugins": {"predictor": {"distribution": "dist-x", "version": "1.0"}},
    }


def _search(seed, status="ok", **outcome):
    record = {
        "key": f"s-{seed}", "kind": "search", "status": status, "error": None if status == "ok" else "broke",
        "benchmark": "b", "target": "t", "top_fraction": 0.01, "budget": 100, "strategy": "s", "predictor": None,
        "seed": seed, "suite_version": "9.9", "plugins": {},
    }  # fmt: skip
    if status == "ok":
        record |= {
            "lookups_to_target": 20, "reached_target": True, "lookups_to_best": 100, "reached_best": False,
            "expected_random_to_target": 50.0, "expected_random_to_best": 500.0, "seconds": 0.1, **outcome,
        }  # fmt: skip
    return record


def test_summary_ranks_by_mean_tau_and_counts_failures():
    records = [_rec("good", s, 0.6 + 0.01 * s) for s in range(3)] + [_rec("bad", s, 0.1) for s in range(3)]
    records += [_rec("broken", 0, None, status="error"), _rec("flat", 0, None)]
    summary = summarise_ranking(records).set_index("predictor")
    assert summary.loc["good", "rank"] == 1 and summary.loc["bad", "rank"] == 2
    assert summary.loc["good", "kendall_tau_mean"] == np.float64(0.61)
    assert summary.loc["good", "kendall_tau_ci_low"] <= 0.61 <= summary.loc["good", "kendall_tau_ci_high"]
    assert summary.loc["broken", "failed"] == 1 and summary.loc["broken", "seeds"] == 0
    assert summary.loc["flat", "undefined"] == 1


def test_rendered_board_shows_failed_and_undefined_and_versions():
    records = [_rec("good", 0, 0.5), _rec("broken", 0, None, status="error"), _rec("flat", 0, None)]
    text = report.render(records, "markdown")
    lines = {line.split("|")[5].strip(): line for line in text.splitlines() if line.startswith("| b ")}
    assert "failed" in lines["broken"] and "undefined" in lines["flat"] and "0.500" in lines["good"]
    assert "nasbench-suite 9.9" in text and "dist-x 1.0" in text


def test_search_summary_reports_gain_hit_rate_median_and_budget():
    records = [_search(0), _search(1, lookups_to_target=100, reached_target=False), _search(2)]
    [row] = summarise_search(records).to_dict("records")
    assert row["budget"] == 100 and row["missed_target"] == 1 and row["hit_rate_target"] == pytest.approx(2 / 3)
    assert row["lookups_to_target_median"] == 20 and row["seg_target"] == pytest.approx(50 / (140 / 3))


def test_a_search_whose_runs_all_failed_is_listed_under_failures():
    text = report.render([_search(0, status="error"), _search(1, status="error")])
    assert "Failures:" in text and "- s on b: 2 of 2 failed; first error: broke" in text  # no guide, no "with"
    [row] = [line for line in text.splitlines() if line.startswith("| b ")]
    assert row.split("|")[3].strip() == "—"  # listed unranked


def test_one_report_holds_both_kinds_and_csv_tells_them_apart():
    records = [_rec("good", 0, 0.5), _search(0)]
    text = report.render(records)
    assert "## Ranking" in text and "## Search" in text and "SEG = " in text
    csv = report.render(records, "csv")
    assert "ranking" in csv and "search" in csv


def test_labels_leave_out_file_options_also_for_old_records():
    assert label({"predictor": "p", "predictor_label": "p:steps=5"}, "predictor") == "p:steps=5"
    old = {"predictor": "ghn:channels=8,data='/work/cifar10.zip',steps=5"}  # suite 0.1.0 kept no label
    assert label(old, "predictor") == "ghn:channels=8,steps=5"
    assert label({"benchmark": "nb101:path='/data/x.tfrecord'"}, "benchmark") == "nb101"


def test_failed_ranking_rows_are_listed_unranked():
    records = [_rec("good", 0, 0.5), _rec("good", 1, 0.4), _rec("broken", 0, None, status="error")]
    summary = summarise_ranking(records)
    ranks = dict(zip(summary["predictor"], summary["rank"]))
    assert ranks["good"] == 1 and ranks["broken"] is pd.NA
    [row] = [line for line in report.render(records).splitlines() if line.startswith("| b ") and "broken" in line]
    assert [cell.strip() for cell in row.split("|")[1:5]] == ["b", "t", "10", "—"]


def test_two_files_of_one_name_get_labels_that_tell_them_apart():
    def csv_record(digest: str, seed: int, tau: float) -> dict:
        record = _rec("param-count", seed, tau) | {"key": f"{digest}-{seed}"}
        return record | {
            "benchmark": f"csv:path='cells.csv@sha256:{digest}',space='nb101'",
            "benchmark_label": "csv:path='cells.csv',space='nb101'",
        }

    records = [csv_record("1111222233334444", seed, 0.5) for seed in range(2)]
    records += [csv_record("aaaabbbbccccdddd", seed, 0.3) for seed in range(2)]
    text = report.render(records)
    assert "csv:path='cells.csv@11112222',space='nb101'" in text
    assert "csv:path='cells.csv@aaaabbbb',space='nb101'" in text
    assert report.render(records[:2]).count("csv:path='cells.csv',space='nb101'") >= 1  # no clash: no hash
    # a default that changed between two runs: the same label, two identities
    old = _rec("graf-xgb", 0, 0.5) | {"predictor": "graf-xgb:n_estimators=100", "predictor_label": "graf-xgb"}
    new = _rec("graf-xgb", 0, 0.4) | {
        "predictor": "graf-xgb:n_estimators=300",
        "predictor_label": "graf-xgb",
        "key": "k",
    }
    labels = set(summarise_ranking(distinct_labels([old, new]))["predictor_label"])
    assert labels == {"graf-xgb:n_estimators=100", "graf-xgb:n_estimators=300"}


def test_plugins_without_a_version_are_named_by_where_they_come_from():
    record = _rec("m-pred", 0, 0.5) | {
        "plugins": {"predictor": {"plugin": "my_mod", "distribution": None, "version": None, "source": "module"}}
    }
    text = report.render([record])
    assert "my_mod (module, no version)" in text and "my_mod None" not in text


def test_labels_do_not_depend_on_the_order_of_the_records():
    records = [
        _rec("p", 0, 0.5) | {"predictor": "p:a=1,b=1", "predictor_label": "p", "finished_at": "1"},
        _rec("p", 1, 0.4) | {"predictor": "p:a=2,b=1", "predictor_label": "p", "key": "k2", "finished_at": "2"},
        _rec("p", 2, 0.3) | {"predictor": "p:a=1,b=2", "predictor_label": "p:a=1", "key": "k3", "finished_at": "3"},
    ]
    forward = [r["predictor_label"] for r in distinct_labels(records)]
    backward = [r["predictor_label"] for r in reversed(distinct_labels(list(reversed(records))))]
    assert forward == backward and len(set(forward)) == 3  # still distinct where a new label equals an old one
