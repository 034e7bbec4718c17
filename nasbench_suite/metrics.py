"""Every score the suite reports, as pure functions. The only place scores are computed.

Correlations return ``nan`` when they are undefined (fewer than two cells, or constant
predictions or targets); the runner records that as *undefined*, never as 0.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

DEFAULT_TOP_K = (10, 100)
#: The top regions within which Kendall tau is also computed: name suffix -> fraction of the cells.
TOP_REGIONS = {"top_10pct": 0.10, "top_1pct": 0.01}
#: A top region's tau needs at least this many cells (fewer: undefined).
MIN_TOP_REGION = 5
#: The record metrics of a ranking run where higher is better (all but N@K), and their ``train_``
#: forms recorded with ``--score-train``: what a paper's claim may compare.
CLAIM_METRICS = (
    *(base := ("kendall_tau", "spearman", "pearson", *(f"kendall_tau_{name}" for name in TOP_REGIONS))),
    *(f"precision_at_{k}" for k in DEFAULT_TOP_K),
    *(f"train_{name}" for name in base),
)


def _validated(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(f"expected two 1-d arrays of equal length (got {y_true.shape} and {y_pred.shape})")
    return y_true, y_pred


def _undefined(y_true: np.ndarray, y_pred: np.ndarray) -> bool:
    return len(y_true) < 2 or np.ptp(y_true) == 0 or np.ptp(y_pred) == 0


def _has_k(y_true: np.ndarray, k: int) -> bool:
    """Whether a top-``k`` measure is defined on these cells (at least ``k``); ``k`` must be >= 1."""
    if k < 1:
        raise ValueError(f"k must be >= 1 (got {k})")
    return len(y_true) >= k


def kendall_tau(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Kendall's tau-b (ties handled), ``nan`` when undefined."""
    y_true, y_pred = _validated(y_true, y_pred)
    if _undefined(y_true, y_pred):
        return math.nan
    return float(stats.kendalltau(y_true, y_pred, variant="b").statistic)


def spearman(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Spearman's rank correlation, ``nan`` when undefined."""
    y_true, y_pred = _validated(y_true, y_pred)
    if _undefined(y_true, y_pred):
        return math.nan
    return float(stats.spearmanr(y_true, y_pred).statistic)


def pearson(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Pearson's linear correlation, ``nan`` when undefined."""
    y_true, y_pred = _validated(y_true, y_pred)
    if _undefined(y_true, y_pred):
        return math.nan
    return float(stats.pearsonr(y_true, y_pred).statistic)


def precision_at_k(y_true: np.ndarray, y_pred: np.ndarray, k: int) -> float:
    """Fraction of the true top-``k`` cells that are also in the predicted top-``k``.

    Ties are broken by a stable sort on the negated score, so the result is deterministic.
    ``nan`` when there are fewer than ``k`` cells.
    """
    y_true, y_pred = _validated(y_true, y_pred)
    if not _has_k(y_true, k):
        return math.nan
    true_top = np.argsort(-y_true, kind="stable")[:k]
    pred_top = np.argsort(-y_pred, kind="stable")[:k]
    return len(np.intersect1d(true_top, pred_top)) / k


def top_region(y_true: np.ndarray, fraction: float) -> np.ndarray:
    """Indices of the true top ``fraction`` of the cells: the ``ceil(fraction * n)`` best, ties at
    the boundary broken by a stable sort (so the region is deterministic)."""
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1] (got {fraction})")
    y_true = np.asarray(y_true, dtype=np.float64)
    size = math.ceil(fraction * len(y_true))
    return np.argsort(-y_true, kind="stable")[:size]


def kendall_tau_top(y_true: np.ndarray, y_pred: np.ndarray, fraction: float) -> float:
    """Kendall's tau-b among the true top ``fraction`` of the cells (how well the best region is
    ordered, the measure of papers that care about the top of the space); ``nan`` when that region
    holds fewer than :data:`MIN_TOP_REGION` cells or is undefined there."""
    y_true, y_pred = _validated(y_true, y_pred)
    region = top_region(y_true, fraction)
    if len(region) < MIN_TOP_REGION:
        return math.nan
    return kendall_tau(y_true[region], y_pred[region])


def best_rank_of_top_predicted(y_true: np.ndarray, y_pred: np.ndarray, k: int) -> float:
    """N@K: the best true rank (1 = the best cell; tied cells share the better rank) among the ``k``
    cells predicted best (ties broken by a stable sort). Lower is better; ``nan`` with fewer than
    ``k`` cells."""
    y_true, y_pred = _validated(y_true, y_pred)
    if not _has_k(y_true, k):
        return math.nan
    chosen = np.argsort(-y_pred, kind="stable")[:k]
    return float(1 + np.sum(y_true > y_true[chosen].max()))


def score_predictions(
    y_true: np.ndarray, y_pred: np.ndarray, top_k: tuple[int, ...] = DEFAULT_TOP_K
) -> dict[str, float]:
    """All prediction metrics of one run, keyed by the names used in records and leaderboards:
    correlations over every cell, Kendall tau within the true top 10% and 1%, and per ``k`` of
    ``top_k`` precision@k and N@K."""
    scores = {
        "kendall_tau": kendall_tau(y_true, y_pred),
        "spearman": spearman(y_true, y_pred),
        "pearson": pearson(y_true, y_pred),
    }
    for name, fraction in TOP_REGIONS.items():
        scores[f"kendall_tau_{name}"] = kendall_tau_top(y_true, y_pred, fraction)
    for k in top_k:
        scores[f"precision_at_{k}"] = precision_at_k(y_true, y_pred, k)
        scores[f"n_at_{k}"] = best_rank_of_top_predicted(y_true, y_pred, k)
    return scores


def expected_random_evaluations(space_size: int, target_size: int) -> float:
    """E[N_rand]: look-ups random sampling without replacement needs to first hit a target cell.

    Exact: ``(|S| + 1) / (|T| + 1)``.
    """
    if not 0 < target_size <= space_size:
        raise ValueError(f"need 0 < target size <= space size (got {target_size} and {space_size})")
    return (space_size + 1) / (target_size + 1)


def sample_efficiency_gain(evaluations_per_seed: np.ndarray, space_size: int, target_size: int) -> float:
    """SEG(M) = E[N_rand] / mean over seeds of N_M (runs that never hit count at their budget)."""
    evaluations = np.asarray(evaluations_per_seed, dtype=np.float64)
    if evaluations.size == 0 or np.any(evaluations < 1):
        raise ValueError("expected at least one seed, each with >= 1 evaluation")
    return expected_random_evaluations(space_size, target_size) / float(evaluations.mean())
