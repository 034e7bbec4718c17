"""Every score the suite reports, as pure functions. The only place scores are computed.

Correlations return ``nan`` when they are undefined (fewer than two cells, or constant
predictions or targets); the runner records that as *undefined*, never as 0.
"""

from __future__ import annotations

import bisect
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


# -- several objectives ----------------------------------------------------------------------------
# Points are ``(n, 2)`` arrays oriented so that larger is better in both columns (a minimised
# objective enters negated); the reference point is worse than every point that counts.


def pareto_mask(points: np.ndarray) -> np.ndarray:
    """``(n,)`` bool: the points no other point dominates (at least as good in both objectives and
    better in one). Of identical points, each is kept."""
    points = _points(points)
    order = np.lexsort((-points[:, 1], -points[:, 0]))  # by the first objective, then the second, descending
    best_second = np.maximum.accumulate(points[order, 1])
    before = np.concatenate([[-np.inf], best_second[:-1]])
    keep = np.zeros(len(points), dtype=bool)
    # sorted descending, a point is dominated iff an earlier one has a strictly better second objective,
    # or an equal second objective with a strictly better first
    first, second = points[order, 0], points[order, 1]
    strictly_before = before < second
    tie = (before == second) & ~_earlier_equal_point(first, second)
    keep[order] = strictly_before | tie
    return keep


def _earlier_equal_point(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """For points sorted descending: whether an earlier point with the same second objective has a
    strictly better first objective (then this one is dominated)."""
    result = np.zeros(len(first), dtype=bool)
    best_first_at: dict[float, float] = {}
    for k, (a, b) in enumerate(zip(first.tolist(), second.tolist())):
        if b in best_first_at and best_first_at[b] > a:
            result[k] = True
        best_first_at.setdefault(b, a)
    return result


def hypervolume(points: np.ndarray, reference: tuple[float, float]) -> float:
    """The area dominated by ``points`` and bounded by ``reference`` (exact, two objectives); points
    not better than the reference in both objectives add nothing."""
    points = _points(points)
    points = points[(points[:, 0] > reference[0]) & (points[:, 1] > reference[1])]
    if not len(points):
        return 0.0
    order = np.lexsort((-points[:, 1], -points[:, 0]))
    first, second = points[order, 0], points[order, 1]
    reached = np.maximum.accumulate(np.concatenate([[reference[1]], second]))
    return float(np.sum((first - reference[0]) * (reached[1:] - reached[:-1])))


def hypervolume_curve(points: np.ndarray, reference: tuple[float, float]) -> np.ndarray:
    """``(n,)``: the hypervolume of the first ``k`` points, for ``k = 1..n`` (a search's anytime curve
    when the points are its look-ups in order). Exact; linear in ``n`` but for the rare points that
    change the front."""
    points = _points(points)
    curve = np.empty(len(points))
    front_first: list[float] = []  # the current front, ascending in the first objective
    front_second: list[float] = []  # ... and so descending in the second
    value = 0.0
    for k, (a, b) in enumerate(points.tolist()):
        at = bisect.bisect_left(front_first, a)
        dominated = at < len(front_first) and front_second[at] >= b
        if not dominated and a > reference[0] and b > reference[1]:
            # drop the front points the new one dominates (first <= a, second <= b): a run ending at ``at``
            start = at
            while start > 0 and front_second[start - 1] <= b:
                start -= 1
            end = at + 1 if at < len(front_first) and front_first[at] == a else at
            del front_first[start:end], front_second[start:end]
            front_first.insert(start, a)
            front_second.insert(start, b)
            value = hypervolume(np.column_stack([front_first, front_second]), reference)
        curve[k] = value
    return curve


def _points(points: np.ndarray) -> np.ndarray:
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"expected an (n, 2) array of two objectives (got shape {points.shape})")
    return points


def random_hypervolume_curves(
    points: np.ndarray, reference: tuple[float, float], repeats: int, seed: int = 0
) -> np.ndarray:
    """``(repeats, n)`` float32: the hypervolume curve (:func:`hypervolume_curve`) of random search
    over the cells ``points``, for ``repeats`` seeded random orders of all of them."""
    points = _points(points)
    rng = np.random.default_rng(seed)
    curves = np.empty((repeats, len(points)), dtype=np.float32)
    for r in range(repeats):
        curves[r] = hypervolume_curve(points[rng.permutation(len(points))], reference)
    return curves


def first_passages(curves: np.ndarray, level: float) -> np.ndarray:
    """Per curve (a row, non-decreasing), the 1-based look-up at which it first reaches ``level``; a
    level above a curve's end counts as its end (every random order ends at the whole table's
    hypervolume, so this only absorbs rounding)."""
    curves = np.asarray(curves)
    targets = np.minimum(np.float32(level), curves[:, -1])[:, None]
    return (curves >= targets).argmax(axis=1) + 1
