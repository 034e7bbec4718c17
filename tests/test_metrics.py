import math

import numpy as np
import pytest

from nasbench_suite import metrics


def test_kendall_tau_b_matches_hand_count():
    # pairs: (1,2)+ (1,3)+ (1,4)+ (2,3)- (2,4)+ (3,4)+ -> (5 - 1) / 6
    assert metrics.kendall_tau([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(4 / 6)


def test_kendall_tau_b_handles_ties():
    # tau-b = (C - D) / sqrt((n0 - n1)(n0 - n2)); y_pred has one tie
    y_true, y_pred = [1, 2, 3, 4], [1, 2, 2, 4]
    assert metrics.kendall_tau(y_true, y_pred) == pytest.approx(5 / math.sqrt(6 * 5))


def test_correlations_are_undefined_for_constant_predictions():
    for fn in (metrics.kendall_tau, metrics.spearman, metrics.pearson):
        assert math.isnan(fn([1, 2, 3], [5, 5, 5]))
        assert math.isnan(fn([1], [1]))


def test_spearman_and_pearson_on_monotone_data():
    x = np.arange(10.0)
    assert metrics.spearman(x, np.exp(x)) == pytest.approx(1.0)
    assert metrics.pearson(x, 2 * x + 1) == pytest.approx(1.0)
    assert metrics.pearson(x, np.exp(x)) < 0.9


def test_precision_at_k_counts_overlap_of_top_k():
    y_true = np.array([10, 9, 8, 1, 2, 3])
    y_pred = np.array([10, 1, 9, 8, 2, 3])  # predicted top-3 = cells 0, 2, 3; true top-3 = 0, 1, 2
    assert metrics.precision_at_k(y_true, y_pred, 3) == pytest.approx(2 / 3)
    assert math.isnan(metrics.precision_at_k(y_true, y_pred, 7))
    with pytest.raises(ValueError, match="k must be"):
        metrics.precision_at_k(y_true, y_pred, 0)


def test_mismatched_lengths_raise():
    with pytest.raises(ValueError, match="equal length"):
        metrics.kendall_tau([1, 2, 3], [1, 2])


def test_expected_random_evaluations_is_exact_for_small_space():
    # S = 4 cells, T = 1 target: first hit position uniform on 1..4 -> mean 2.5 = (4+1)/(1+1)
    assert metrics.expected_random_evaluations(4, 1) == pytest.approx(2.5)


def test_simulated_random_search_has_gain_near_one():
    rng = np.random.default_rng(0)
    space, targets = 2000, 4
    is_target = np.zeros(space, dtype=bool)
    is_target[:targets] = True
    hits = [int(np.flatnonzero(is_target[rng.permutation(space)])[0]) + 1 for _ in range(4000)]
    gain = metrics.sample_efficiency_gain(np.array(hits), space, targets)
    assert gain == pytest.approx(1.0, abs=0.05)
    assert metrics.sample_efficiency_gain(2 * np.array(hits), space, targets) == pytest.approx(gain / 2)


def test_score_predictions_reports_every_metric():
    scores = metrics.score_predictions(np.arange(200.0), np.arange(200.0))
    assert set(scores) == {
        "kendall_tau", "spearman", "pearson", "kendall_tau_top_10pct", "kendall_tau_top_1pct",
        "precision_at_10", "precision_at_100", "n_at_10", "n_at_100",
    }  # fmt: skip
    assert scores.pop("n_at_10") == scores.pop("n_at_100") == 1.0  # the best cell is predicted best
    assert math.isnan(scores.pop("kendall_tau_top_1pct"))  # the top 1% of 200 cells is 2: undefined
    assert all(v == pytest.approx(1.0) for v in scores.values())


def test_top_region_tau_orders_only_the_true_best_cells():
    y_true = np.arange(100.0)
    y_pred = y_true.copy()
    y_pred[90:] = y_pred[90:][::-1]  # the top 10% reversed, the rest perfect
    assert metrics.kendall_tau(y_true, y_pred) > 0.9
    assert metrics.kendall_tau_top(y_true, y_pred, 0.10) == pytest.approx(-1.0)
    assert math.isnan(metrics.kendall_tau_top(y_true, y_pred, 0.01))  # one cell is no region
    assert list(metrics.top_region(np.array([1.0, 3.0, 3.0, 2.0]), 0.5)) == [1, 2]


def test_n_at_k_is_the_best_true_rank_among_the_top_predicted():
    y_true = np.array([5.0, 4.0, 3.0, 2.0, 1.0])
    y_pred = np.array([0.0, 1.0, 9.0, 8.0, 0.5])  # predicted best: cells 2 and 3 (true ranks 3 and 4)
    assert metrics.best_rank_of_top_predicted(y_true, y_pred, 1) == 3.0
    assert metrics.best_rank_of_top_predicted(y_true, y_pred, 2) == 3.0
    assert metrics.best_rank_of_top_predicted(y_true, y_pred, 4) == 2.0
    tied = np.array([5.0, 5.0, 1.0])  # a cell tied with the best has rank 1
    assert metrics.best_rank_of_top_predicted(tied, np.array([0.0, 1.0, 0.5]), 1) == 1.0
    assert math.isnan(metrics.best_rank_of_top_predicted(y_true, y_pred, 6))
