"""Evaluate registered claims (:class:`~nasbench_suite.Claim`) against a report's records.

Ranking claims compare paired runs (same benchmark, target, train size and seed, so the same cells):
the mean difference of the metric with its 95% bootstrap interval. Search claims compare the
sample-efficiency gains on the same benchmark, budget and target set (per guiding predictor): the
ratio of the gains with a 95% bootstrap interval. A claim *holds* where the interval lies on its side
(``higher``: above 0 / above 1), is *contradicted* where it lies on the other side, and is
*unsettled* otherwise; ``not-lower`` holds unless the subject is clearly lower.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from nasbench_suite.contracts.claims import Claim
from nasbench_suite.errors import ConfigError
from nasbench_suite.metrics import gain_ratio_interval, paired_difference_interval
from nasbench_suite.report.summaries import label
from nasbench_suite.specs import Spec, parse_spec


@dataclass(frozen=True)
class ClaimResult:
    """One measured comparison of a claim: where, between what, and the verdict."""

    claim: Claim
    benchmark: str
    target: str
    setting: str  # "train 100" or "budget 1000, top 0.100%, guided by graf-xgb"
    subject: str
    baseline: str
    subject_value: float
    baseline_value: float
    effect: float  # mean difference (ranking) or ratio of gains (search)
    low: float
    high: float
    runs: int
    verdict: str


def _spec(text: str) -> Spec:
    try:
        return parse_spec(text, "claim pattern")
    except ConfigError:
        return Spec(text)


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


def _variant(text: str, shown: str) -> tuple:
    """The options of ``shown`` beyond its pattern's: what pairs a subject with a baseline variant."""
    pattern, record = _spec(text), _spec(shown)
    return tuple(sorted((k, repr(v)) for k, v in record.options.items() if k not in pattern.options))


def _role_of(claim: Claim, shown: str, defining: dict[str, set[str]]) -> str | None:
    if _matches(claim.baseline, shown, defining):
        return "baseline"
    return "subject" if _matches(claim.subject, shown, defining) else None


def _paired(claim: Claim, subject: str, baseline: str) -> bool:
    """Same-named patterns pair variants with equal other options; different methods pair freely."""
    if _spec(claim.subject).name != _spec(claim.baseline).name:
        return True
    return _variant(claim.subject, subject) == _variant(claim.baseline, baseline)


#: How much worse "not lower" (non-inferior) allows: a Kendall tau 0.02 lower, or a gain 20% lower.
NON_INFERIORITY = {"ranking": -0.02, "search": 0.8}


def _verdict(expect: str, low: float, high: float, neutral: float, margin: float = np.nan) -> str:
    if np.isnan(low):
        return "unsettled"
    if expect == "higher":
        return "holds" if low > neutral else "contradicted" if high < neutral else "unsettled"
    if expect == "lower":
        return "holds" if high < neutral else "contradicted" if low > neutral else "unsettled"
    # not-lower: holds where the interval excludes a loss beyond the margin, contradicted where it
    # lies wholly below no difference
    return "holds" if low > margin else "contradicted" if high < neutral else "unsettled"


def evaluate(records: list[dict[str, Any]], claims: list[Claim]) -> list[ClaimResult]:
    """Every measured comparison of every claim the records allow."""
    results: list[ClaimResult] = []
    defining = defining_options(claims)
    for claim in claims:
        kind = [r for r in records if r["kind"] == claim.kind and r.get("status") == "ok"]
        results += _ranking(claim, kind, defining) if claim.kind == "ranking" else _search(claim, kind, defining)
    return results


def _ranking(claim: Claim, records: list[dict[str, Any]], defining: dict[str, set[str]]) -> list[ClaimResult]:
    sides: dict[str, dict[tuple, dict[str, dict[int, float]]]] = {
        "subject": defaultdict(dict),
        "baseline": defaultdict(dict),
    }
    for record in records:
        shown = label(record, "predictor")
        role = _role_of(claim, shown, defining)
        value = record.get(claim.metric)
        if role is None or value is None:
            continue
        where = (label(record, "benchmark"), record["target"], record["train_size"], record.get("test_size"))
        sides[role][where].setdefault(shown, {})[record["seed"]] = float(value)
    test_sizes: dict[tuple, set] = defaultdict(set)  # runs on different test sets are never paired
    for benchmark, target, size, test in (*sides["subject"], *sides["baseline"]):
        test_sizes[(benchmark, target, size)].add(test)
    results = []
    for where, subjects in sorted(sides["subject"].items(), key=str):
        for subject, subject_runs in sorted(subjects.items()):
            for baseline, baseline_runs in sorted(sides["baseline"].get(where, {}).items()):
                seeds = sorted(set(subject_runs) & set(baseline_runs))
                if not seeds or not _paired(claim, subject, baseline):
                    continue
                a = np.array([subject_runs[s] for s in seeds])
                b = np.array([baseline_runs[s] for s in seeds])
                effect, low, high = paired_difference_interval(a, b)
                benchmark, target, size, test = where
                setting = f"train {size}"
                if len(test_sizes[(benchmark, target, size)]) > 1:
                    setting += f", {test} test cells"
                verdict = _verdict(claim.expect, low, high, 0.0, NON_INFERIORITY["ranking"])
                results.append(
                    ClaimResult(claim, benchmark, target, setting, subject, baseline, float(a.mean()),
                                float(b.mean()), effect, low, high, len(seeds), verdict)
                )  # fmt: skip
    return results


def _search(claim: Claim, records: list[dict[str, Any]], defining: dict[str, set[str]]) -> list[ClaimResult]:
    groups: dict[str, dict[tuple, dict[tuple, list[float]]]] = {
        "subject": defaultdict(dict),
        "baseline": defaultdict(dict),
    }
    expected: dict[tuple, float] = {}
    for record in records:
        shown = label(record, "strategy")
        role = _role_of(claim, shown, defining)
        if role is None:
            continue
        where = (label(record, "benchmark"), record["target"], record["top_fraction"], record["budget"])
        guide = label(record, "predictor")
        groups[role][where].setdefault((shown, guide), []).append(float(record["lookups_to_target"]))
        expected[where] = float(record["expected_random_to_target"])
    results = []
    for where, subjects in sorted(groups["subject"].items(), key=str):
        for (subject, guide), lookups in sorted(subjects.items(), key=str):
            for (baseline, base_guide), base_lookups in sorted(groups["baseline"].get(where, {}).items(), key=str):
                if (base_guide is not None and base_guide != guide) or not _paired(claim, subject, baseline):
                    continue
                effect, low, high = gain_ratio_interval(np.array(lookups), np.array(base_lookups))
                benchmark, target, top, budget = where
                setting = f"budget {budget}, top {top:.3%}" + (f", guided by {guide}" if guide else "")
                gains = expected[where] / np.mean(lookups), expected[where] / np.mean(base_lookups)
                verdict = _verdict(claim.expect, low, high, 1.0, NON_INFERIORITY["search"])
                results.append(
                    ClaimResult(claim, benchmark, target, setting, subject, baseline, *gains, effect, low, high,
                                len(lookups), verdict)
                )  # fmt: skip
    return results
