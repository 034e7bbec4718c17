"""Evaluate registered claims (:class:`~nasbench_suite.Claim`) against a report's records.

Every comparison is paired by seed, like with like:

* ranking claims pair runs of the same benchmark, target, train size, test set and seed (so the same
  cells) and compare the claim's metric by the mean per-seed difference;
* search claims pair runs of the same benchmark, target, top fraction, budget, guiding predictor and
  seed, and compare sample-efficiency gains by their ratio (a run that missed the target counts at its
  budget, so the ratio is then a bound, shown with ``≤`` or ``≥``).

Subject and baseline must not differ in any option they share unless the claim lists it in
``varies``, and the benchmark must be in the claim's scope; otherwise the comparison is *not
comparable*, with the reason. Intervals and verdicts come from :mod:`.inference`; the comparisons of
one claim (over benchmarks, settings and guides) are decided together as one family
(:func:`~nasbench_suite.report.inference.decide`).
"""

from __future__ import annotations

import fnmatch
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nasbench_suite.contracts.claims import Claim
from nasbench_suite.errors import ConfigError
from nasbench_suite.report.inference import ClaimTest, Comparison, Decision, decide
from nasbench_suite.report.summaries import canonical, label, search_target, split_rule
from nasbench_suite.specs import Spec, parse_spec

#: How much worse "not lower" (non-inferior) allows: a Kendall tau 0.02 lower, or a gain 20% lower.
NON_INFERIORITY = {"ranking": -0.02, "search": 0.8}
#: Options the harness sets on every plugin: never a difference between the sides.
HARNESS_OPTIONS = frozenset({"device", "random_state", "n_jobs"})


@dataclass(frozen=True)
class ClaimResult:
    """One measured comparison of a claim: where, between what, the paired data and the verdict."""

    claim: Claim
    benchmark: str
    target: str
    setting: str  # "train 100" or "budget 1000, top 0.100%, guided by graf-xgb"
    subject: str
    baseline: str
    comparison: Comparison | None  # None: not comparable
    reason: str = ""
    decision: Decision = field(default_factory=lambda: Decision("unsettled"))
    expected_random: float = math.nan  # a search's E[N_random], which turns look-ups into gains
    guide: str = ""  # the guiding predictor of a search claim, as recorded
    mismatch: int = 0  # how many options the sides of a not comparable result differ in

    @property
    def verdict(self) -> str:
        return self.decision.verdict

    @property
    def runs(self) -> int:
        return self.comparison.n if self.comparison else 0

    @property
    def effect(self) -> float:
        return self.comparison.effect if self.comparison else math.nan

    @property
    def low(self) -> float:
        return self.comparison.interval()[0] if self.comparison else math.nan

    @property
    def high(self) -> float:
        return self.comparison.interval()[1] if self.comparison else math.nan

    @property
    def subject_value(self) -> float:
        return self.side_values()[0]

    @property
    def baseline_value(self) -> float:
        return self.side_values()[1]

    def side_values(self) -> tuple[float, float]:
        """Subject and baseline over the paired seeds: mean metric (ranking) or gain (search)."""
        if not self.comparison or not self.comparison.n:
            return (math.nan, math.nan)
        subject, baseline = np.mean(self.comparison.subject), np.mean(self.comparison.baseline)
        if self.claim.kind == "search":
            return (self.expected_random / subject, self.expected_random / baseline)
        return (float(subject), float(baseline))


def _spec(text: str | None) -> Spec:
    try:
        return parse_spec(text or "", "claim pattern")
    except ConfigError:
        return Spec(text or "")


def defining_options(claims: list[Claim]) -> dict[str, set[str]]:
    """Per plugin name, the options some claim's pattern sets: they make a different variant (an
    ablation such as ``ssa:use_graph=False``), while any other option is a setting of the same one."""
    defining: dict[str, set[str]] = defaultdict(set)
    for claim in claims:
        for text in (claim.subject, claim.baseline):
            spec = _spec(text)
            defining[spec.name] |= set(spec.options)
    return defining


def _matches(text: str, shown: str, defining: dict[str, set[str]]) -> bool:
    """``ssa`` matches ``ssa`` and ``ssa:autoencoder_steps=500``, never ``ssa:use_graph=False``."""
    pattern, record = _spec(text), _spec(shown)
    if record.name != pattern.name or any(record.options.get(k, object()) != v for k, v in pattern.options.items()):
        return False
    return not (set(record.options) - set(pattern.options)) & defining.get(pattern.name, set())


def _role_of(claim: Claim, shown: str, defining: dict[str, set[str]]) -> str | None:
    if _matches(claim.baseline, shown, defining):
        return "baseline"
    return "subject" if _matches(claim.subject, shown, defining) else None


def differences(claim: Claim, subject: str, baseline: str) -> list[str]:
    """The options both sides set (at their resolved values) to different values, beyond what the
    claim is about (its patterns' own options and ``varies``): ``["batch (10 vs 50)"]``."""
    a, b = _spec(subject), _spec(baseline)
    about = set(_spec(claim.subject).options) | set(_spec(claim.baseline).options) | set(claim.varies)
    shared = (set(a.options) & set(b.options)) - about - HARNESS_OPTIONS
    return [f"{name} ({a.options[name]!r} vs {b.options[name]!r})" for name in sorted(shared)
            if a.options[name] != b.options[name]]  # fmt: skip


def in_scope(claim: Claim, benchmark_name: str, target: str) -> bool:
    """Whether the claim is about this benchmark and target (its patterns; none: every one)."""
    return _any_pattern(claim.benchmarks, benchmark_name) and _any_pattern(claim.targets, target)


def _any_pattern(patterns: tuple[str, ...], name: str) -> bool:
    return not patterns or any(fnmatch.fnmatchcase(name, p) for p in patterns)


def evaluate(records: list[dict[str, Any]], claims: list[Claim]) -> list[ClaimResult]:
    """Every measured comparison of every claim the records allow, with verdicts decided together."""
    records = canonical(records)  # the same records give the same report
    defining = defining_options(claims)
    found: list[ClaimResult] = []
    for claim in claims:
        kind = [r for r in records if r["kind"] == claim.kind and r.get("status") == "ok"]
        found += _closest(
            _ranking(claim, kind, defining) if claim.kind == "ranking" else _search(claim, kind, defining)
        )
    decided = []
    for claim in claims:  # one family per claim: its comparisons over benchmarks, settings and guides
        family = [result for result in found if result.claim is claim]
        for result, decision in zip(family, decide([_test(result) for result in family])):
            decided.append(_replace(result, decision=decision, reason=result.reason or decision.reason))
    return decided


def _closest(results: list[ClaimResult]) -> list[ClaimResult]:
    """Per subject variant and setting, the baselines it is comparable with; where there is none,
    the one baseline it differs from least (one "not comparable" row says why, not one per variant)."""
    groups: dict[tuple, list[ClaimResult]] = defaultdict(list)
    for result in results:
        groups[(result.benchmark, result.target, result.setting, result.subject)].append(result)
    kept = []
    for result in results:
        group = groups[(result.benchmark, result.target, result.setting, result.subject)]
        if result.comparison is not None:
            kept.append(result)
        elif all(other.comparison is None for other in group):
            nearest = min(group, key=lambda other: (other.mismatch, other.baseline))
            kept += [result] if result is nearest else []
    return kept


def _replace(result: ClaimResult, **changes: Any) -> ClaimResult:
    values = {name: getattr(result, name) for name in result.__dataclass_fields__} | changes
    return ClaimResult(**values)


def _test(result: ClaimResult) -> ClaimTest | None:
    if result.comparison is None:
        return None
    return ClaimTest(result.comparison, result.claim.expect, NON_INFERIORITY[result.claim.kind])


def _benchmark_name(record: dict[str, Any]) -> str:
    return record.get("benchmark_name") or _spec(record.get("benchmark")).name


def _ranking(claim: Claim, records: list[dict[str, Any]], defining: dict[str, set[str]]) -> list[ClaimResult]:
    # side -> where -> shown variant -> (identity, {seed: value})
    sides: dict[str, dict[tuple, dict[str, tuple[str, dict[int, float]]]]] = {
        "subject": defaultdict(dict),
        "baseline": defaultdict(dict),
    }
    scope: dict[tuple, bool] = {}
    for record in records:
        shown = label(record, "predictor")
        role = _role_of(claim, shown, defining)
        value = record.get(claim.metric)
        if role is None or value is None:
            continue
        test = int(record["test_size"]) if record.get("test_size") is not None else -1
        where = (label(record, "benchmark"), record["target"], int(record["train_size"]), test, split_rule(record))
        scope[where] = in_scope(claim, _benchmark_name(record), str(record["target"]))
        identity, runs = sides[role][where].setdefault(shown, (record["predictor"], {}))
        runs[int(record["seed"])] = float(value)
    test_sizes: dict[tuple, set] = defaultdict(set)  # runs on different test sets are never paired
    for record in records:  # a setting names its test set where the report holds several
        test_sizes[(label(record, "benchmark"), record["target"], int(record["train_size"]))].add(
            (record.get("test_size"), split_rule(record))
        )
    results = []
    for where in sorted(sides["subject"], key=lambda w: (w[0], w[1], w[2], -w[3], w[4])):
        benchmark, target, size, test, split = where
        several = len(test_sizes[(benchmark, target, size)]) > 1
        setting = f"train {size}" + (f", {test} test cells" if several else "")
        setting += f", {split}" if several and split else ""
        for subject, (subject_id, subject_runs) in sorted(sides["subject"][where].items()):
            for baseline, (baseline_id, baseline_runs) in sorted(sides["baseline"].get(where, {}).items()):
                if not _paired(claim, subject, baseline):
                    continue
                seeds = sorted(set(subject_runs) & set(baseline_runs))
                if not seeds:
                    continue
                comparison = Comparison(
                    "difference", tuple(subject_runs[s] for s in seeds), tuple(baseline_runs[s] for s in seeds)
                )
                result = ClaimResult(claim, benchmark, target, setting, subject, baseline, comparison)
                results.append(_comparable(result, subject_id, baseline_id, scope[where]))
    return results


def _paired(claim: Claim, subject: str, baseline: str) -> bool:
    """Same-named patterns pair variants with equal other options; different methods pair freely."""
    if _spec(claim.subject).name != _spec(claim.baseline).name:
        return True
    variant = lambda text, shown: tuple(  # noqa: E731 - the options beyond the pattern's
        sorted((k, repr(v)) for k, v in _spec(shown).options.items() if k not in _spec(text).options)
    )
    return variant(claim.subject, subject) == variant(claim.baseline, baseline)


def _comparable(result: ClaimResult, subject_id: str, baseline_id: str, scoped: bool) -> ClaimResult:
    """``result`` as it stands, or marked not comparable: outside the claim's scope, or with sides
    that differ in more than the claim is about."""
    claim = result.claim
    if not scoped:
        if not _any_pattern(claim.targets, result.target):
            reason = f"outside the claim's targets ({', '.join(claim.targets)}): {result.target}"
        else:
            reason = f"outside the claim's benchmarks ({', '.join(claim.benchmarks)}): {result.benchmark}"
        return _replace(result, comparison=None, reason=reason)
    differ = differences(claim, subject_id, baseline_id)
    if differ:
        reason = "the sides differ in " + ", ".join(differ)
        return _replace(result, comparison=None, reason=reason, mismatch=len(differ))
    return result


def _search(claim: Claim, records: list[dict[str, Any]], defining: dict[str, set[str]]) -> list[ClaimResult]:
    # side -> where -> (shown strategy, guide) -> (identity, {seed: (look-ups, reached)})
    groups: dict[str, dict[tuple, dict[tuple, tuple[str, dict[int, tuple[float, bool]]]]]] = {
        "subject": defaultdict(dict),
        "baseline": defaultdict(dict),
    }
    expected: dict[tuple, float] = {}
    scope: dict[tuple, bool] = {}
    for record in records:
        shown = label(record, "strategy")
        role = _role_of(claim, shown, defining)
        if role is None:
            continue
        target = search_target(record)  # a constrained search is paired only with its like
        where = (label(record, "benchmark"), target, float(record["top_fraction"]), int(record["budget"]))
        scope[where] = in_scope(claim, _benchmark_name(record), str(record["target"]))
        guide = label(record, "predictor")
        identity, runs = groups[role][where].setdefault((shown, guide), (record["strategy"], {}))
        runs[int(record["seed"])] = (float(record["lookups_to_target"]), bool(record["reached_target"]))
        expected[where] = float(record["expected_random_to_target"])
    results = []
    for where in sorted(groups["subject"]):
        benchmark, target, top, budget = where
        for (subject, guide), (subject_id, subject_runs) in sorted(groups["subject"][where].items(), key=_by_names):
            for (baseline, base_guide), (baseline_id, baseline_runs) in sorted(
                groups["baseline"].get(where, {}).items(), key=_by_names
            ):
                if (base_guide is not None and base_guide != guide) or not _paired(claim, subject, baseline):
                    continue
                seeds = sorted(set(subject_runs) & set(baseline_runs))
                if not seeds:
                    continue
                missed = (any(not subject_runs[s][1] for s in seeds), any(not baseline_runs[s][1] for s in seeds))
                censored = {(True, True): "both", (True, False): "upper", (False, True): "lower"}.get(missed, "")
                comparison = Comparison(
                    "gain ratio",
                    tuple(subject_runs[s][0] for s in seeds),
                    tuple(baseline_runs[s][0] for s in seeds),
                    censored,
                )
                setting = f"budget {budget}, top {top:.3%}" + (f", guided by {guide}" if guide else "")
                result = ClaimResult(
                    claim, benchmark, target, setting, subject, baseline, comparison,
                    CENSORED_REASONS.get(censored, ""), expected_random=expected[where], guide=guide or "",
                )  # fmt: skip
                results.append(_comparable(result, subject_id, baseline_id, scope[where]))
    return results


def _by_names(item: tuple) -> tuple[str, str]:
    (strategy, guide), _ = item
    return (strategy, guide or "")


CENSORED_REASONS = {
    "upper": "the subject missed in some runs (counted at the budget): the ratio is an upper bound",
    "lower": "the baseline missed in some runs (counted at the budget): the ratio is a lower bound",
    "both": "both sides missed in some runs: the ratio bounds nothing, no verdict",
}
