"""Inference over seeds: the one place where a report's intervals, comparisons and verdicts come
from. Every table, figure, claim and the HTML report use these functions, and nothing here is random,
so the same records give the same numbers in any order.

* **Intervals of a mean over seeds** are Student-t intervals (mean ± t(n−1) · s / √n): exact for
  normally distributed per-seed values at any n ≥ 2, where a percentile bootstrap over 2-5 seeds
  covers far less than it claims (a test checks both by simulation).
* **Comparisons are paired by seed** (every predictor of a seed sees the same cells, every strategy
  of a seed starts from the same generator): the mean per-seed difference of a metric with its
  t-interval, or, for sample-efficiency gains, the ratio of mean look-ups with its Fieller interval
  (the set of ratios r that a paired t-test of ``baseline − r · subject`` does not reject). Where a
  side missed the target in some runs (counted at the budget, so its look-ups are only lower
  bounds), the tests are Wilcoxon signed-rank tests instead: their statistic never decreases as a
  run's look-ups grow, so a p-value computed at the budget is valid in the direction the bound allows
  (a t-test has no such property: one larger run can inflate its variance).
* **Verdicts** follow one rule (:func:`decide`): a comparison needs :data:`MIN_SEEDS` paired seeds,
  and the comparisons of one family (a claim tested on several benchmarks, sizes and guides) are
  decided together with Holm's step-down procedure at a family-wise error of 5%.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

CONFIDENCE = 0.95
#: Fewer paired seeds than this: the verdict is "too few seeds", whatever the interval says.
MIN_SEEDS = 3
#: The family-wise error rate of the verdicts of one family, e.g. one claim's comparisons (Holm).
FAMILY_ERROR = 0.05


@dataclass(frozen=True)
class Interval:
    """A value with its interval over ``n`` seeds; ``censored`` is ``"upper"`` when the value is only
    an upper bound (some searches missed and count at their budget), else ``""``."""

    value: float
    low: float = math.nan
    high: float = math.nan
    n: int = 0
    censored: str = ""


def t_interval(values: np.ndarray, confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Means along the last axis with their Student-t interval: ``(mean, low, high)``. Bounds are
    ``nan`` with fewer than two values; equal values give a zero-width interval."""
    values = np.asarray(values, dtype=np.float64)
    n = values.shape[-1]
    mean = values.mean(axis=-1) if n else np.full(values.shape[:-1], np.nan)
    if n < 2:
        nan = np.full_like(mean, np.nan)
        return mean, nan, nan.copy()
    half = stats.t.ppf((1 + confidence) / 2, n - 1) * values.std(axis=-1, ddof=1) / math.sqrt(n)
    return mean, mean - half, mean + half


def mean_interval(values: Sequence[float], confidence: float = CONFIDENCE) -> Interval:
    """The mean of the finite ``values`` (one per seed) with its Student-t interval."""
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    if not len(finite):
        return Interval(math.nan)
    mean, low, high = t_interval(finite, confidence)
    return Interval(float(mean), float(low), float(high), len(finite))


def gain_interval(lookups: Sequence[float], expected_random: float, missed: int = 0) -> Interval:
    """The sample-efficiency gain ``expected_random / mean look-ups`` with the Student-t interval of
    the mean look-ups inverted (a mean below one look-up is impossible, so the upper end is at most
    ``expected_random``); an upper bound (``censored="upper"``) when ``missed`` runs count at their
    budget."""
    lookups = np.asarray(lookups, dtype=np.float64)
    if not len(lookups):
        return Interval(math.nan)
    mean, low, high = (float(v) for v in t_interval(lookups))
    gain = expected_random / mean
    if math.isnan(low):
        return Interval(gain, n=len(lookups), censored="upper" if missed else "")
    return Interval(
        gain, expected_random / high, expected_random / max(low, 1.0), len(lookups), "upper" if missed else ""
    )


@dataclass(frozen=True)
class Comparison:
    """A subject against a baseline over paired seeds.

    ``kind="difference"``: the effect is the mean of ``subject − baseline`` (e.g. Kendall tau).
    ``kind="gain ratio"``: subject and baseline are look-ups, and the effect is how many times the
    subject's sample-efficiency gain is the baseline's, ``mean(baseline) / mean(subject)``.
    ``censored``: ``"upper"`` when the true effect can only be lower than measured (the subject
    missed in some runs), ``"lower"`` when only higher (the baseline missed), ``"both"``.
    """

    kind: str
    subject: tuple[float, ...]
    baseline: tuple[float, ...]
    censored: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("difference", "gain ratio"):
            raise ValueError(f"comparison kind must be 'difference' or 'gain ratio' (got {self.kind!r})")
        if len(self.subject) != len(self.baseline):
            raise ValueError(
                f"paired comparison needs equal lengths (got {len(self.subject)} and {len(self.baseline)})"
            )

    @property
    def n(self) -> int:
        return len(self.subject)

    @property
    def effect(self) -> float:
        a, b = np.asarray(self.subject, dtype=np.float64), np.asarray(self.baseline, dtype=np.float64)
        if not self.n:
            return math.nan
        return float((a - b).mean()) if self.kind == "difference" else float(b.mean() / a.mean())

    def _residuals(self, threshold: float) -> np.ndarray:
        """Per seed, what is zero on average exactly when the effect equals ``threshold``."""
        a, b = np.asarray(self.subject, dtype=np.float64), np.asarray(self.baseline, dtype=np.float64)
        return a - b - threshold if self.kind == "difference" else b - threshold * a

    def p_above(self, threshold: float) -> float:
        """One-sided p-value of "effect > threshold" (null: effect ≤ threshold): the paired t-test, or
        the Wilcoxon signed-rank test where a side is censored."""
        return _one_sided(self._residuals(threshold), "greater", rank_based=bool(self.censored))

    def p_below(self, threshold: float) -> float:
        """One-sided p-value of "effect < threshold"."""
        return _one_sided(self._residuals(threshold), "less", rank_based=bool(self.censored))

    def interval(self, confidence: float = CONFIDENCE) -> tuple[float, float]:
        """The effect's interval: Student-t for a difference, Fieller for a gain ratio; ``nan``
        bounds with fewer than two seeds or where the Fieller set is unbounded."""
        if self.n < 2:
            return (math.nan, math.nan)
        if self.kind == "difference":
            _, low, high = t_interval(np.subtract(self.subject, self.baseline), confidence)
            return (float(low), float(high))
        return _fieller(np.asarray(self.subject, float), np.asarray(self.baseline, float), confidence)


def _one_sided(residuals: np.ndarray, alternative: str, rank_based: bool = False) -> float:
    if len(residuals) < 2:
        return math.nan
    if rank_based:
        if not np.any(residuals):
            return 1.0  # no run on either side of the threshold: nothing to conclude
        return float(stats.wilcoxon(residuals, alternative=alternative, zero_method="wilcox").pvalue)
    mean, spread = residuals.mean(), residuals.std(ddof=1)
    if spread == 0:  # no variation: the sign of the mean decides with certainty
        return 0.0 if (mean > 0 if alternative == "greater" else mean < 0) else 1.0
    return float(stats.ttest_1samp(residuals, 0.0, alternative=alternative).pvalue)


def _fieller(a: np.ndarray, b: np.ndarray, confidence: float) -> tuple[float, float]:
    """The ratios r = mean(b) / mean(a) not rejected by a two-sided paired t-test of b − r·a."""
    n = len(a)
    q = stats.t.ppf((1 + confidence) / 2, n - 1) ** 2 / n
    cov = np.cov(np.vstack([a, b]), ddof=1)
    s_aa, s_ab, s_bb = cov[0, 0], cov[0, 1], cov[1, 1]
    mean_a, mean_b = a.mean(), b.mean()
    quad, half_linear, const = mean_a**2 - q * s_aa, mean_a * mean_b - q * s_ab, mean_b**2 - q * s_bb
    if quad <= 0:  # the denominator's mean is not clearly away from zero: unbounded
        return (math.nan, math.nan)
    root = math.sqrt(max(half_linear**2 - quad * const, 0.0))
    return ((half_linear - root) / quad, (half_linear + root) / quad)


def neutral_of(kind: str) -> float:
    """No effect: a difference of 0, a gain ratio of 1."""
    return 0.0 if kind == "difference" else 1.0


@dataclass(frozen=True)
class ClaimTest:
    """What a claim asks of one comparison: ``expect`` (higher, lower, not-lower) than no effect; for
    not-lower, ``margin`` is the largest loss still counted as "not lower"."""

    comparison: Comparison
    expect: str
    margin: float = math.nan

    def p_values(self) -> tuple[float, float]:
        """``(p of holds, p of contradicted)``: one-sided p-values of the two tests whose rejection
        would settle the claim either way. Where a side is censored, only the direction its bound
        allows is tested (rank-based, see :meth:`Comparison.p_above`); the other gets p = 1."""
        c, neutral = self.comparison, neutral_of(self.comparison.kind)
        up, down = c.p_above, c.p_below
        if self.expect == "higher":
            holds, against = up(neutral), down(neutral)
        elif self.expect == "lower":
            holds, against = down(neutral), up(neutral)
        else:  # not-lower: non-inferiority beyond the margin; contradicted when clearly below no effect
            holds, against = up(self.margin), down(neutral)
        above_invalid = c.censored in ("upper", "both")  # the true effect may be lower than measured
        below_invalid = c.censored in ("lower", "both")
        if self.expect == "lower":
            holds, against = (1.0 if below_invalid else holds), (1.0 if above_invalid else against)
        else:
            holds, against = (1.0 if above_invalid else holds), (1.0 if below_invalid else against)
        return holds, against


@dataclass(frozen=True)
class Decision:
    """The verdict of one test within its report: the raw and Holm-adjusted p-values (``nan`` when
    no test was made) and why, where the verdict is not a test's outcome."""

    verdict: str
    p: float = math.nan
    p_adjusted: float = math.nan
    reason: str = ""


def decide(tests: Sequence[ClaimTest | None], family_error: float = FAMILY_ERROR) -> list[Decision]:
    """The verdicts of one family of tests (e.g. every comparison of one claim), decided together.

    ``None`` stands for a comparison that is not comparable. A test with fewer than
    :data:`MIN_SEEDS` seeds is "too few seeds"; one whose sides both missed in some runs is
    "unsettled" (its bounds point both ways). The others form one family: each has the p-value
    ``2 · min(p holds, p contradicted)`` (the level at which its 95%-style interval rule would first
    give a verdict), and Holm's step-down procedure adjusts them so that the chance of any wrong
    verdict in the family is at most ``family_error``. A test whose adjusted p-value is below it
    "holds" or is "contradicted"; the rest are "unsettled". Contradicted wins where both sides are
    significant, and a not-lower claim never holds while the subject is significantly lower than no
    difference even before the correction (it is then "unsettled" if the correction leaves that
    loss unsettled). With a single test this is the interval rule: holds when the 95% interval lies
    on the claimed side."""
    decisions: list[Decision | None] = [None] * len(tests)
    family: list[tuple[int, ClaimTest, float, float]] = []
    for index, test in enumerate(tests):
        if test is None:
            decisions[index] = Decision("not comparable")
        elif test.comparison.n < MIN_SEEDS:
            n = test.comparison.n
            decisions[index] = Decision("too few seeds", reason=f"{n} paired seed{'s' * (n != 1)}, need {MIN_SEEDS}")
        elif test.comparison.censored == "both":
            decisions[index] = Decision(
                "unsettled", reason="both sides missed in some runs: the bounds point both ways"
            )
        else:
            holds, against = test.p_values()
            if math.isnan(holds) or math.isnan(against):
                decisions[index] = Decision("unsettled", reason="no test possible")
                continue
            family.append((index, test, min(1.0, 2 * against), min(1.0, 2 * min(holds, against))))
    size = len(family)
    running = 0.0
    for position, (index, test, against, p) in enumerate(sorted(family, key=lambda item: (item[3], item[0]))):
        multiplier = size - position
        running = max(running, min(1.0, multiplier * p))  # Holm's adjusted p-values never decrease
        reason = ""
        if running >= family_error:
            verdict = "unsettled"
        elif multiplier * against < family_error:
            verdict = "contradicted"
        elif test.expect == "not-lower" and against < family_error:
            verdict, reason = "unsettled", "significantly lower than no difference before the correction"
        else:
            verdict = "holds"
        decisions[index] = Decision(verdict, p, running, reason)
    return [decision for decision in decisions if decision is not None]
