"""The human-readable tables of a report, built from the summaries: what each column shows and how
numbers, intervals, bounds and labels are written. ``show(role, label)`` turns a record's label into
the study's display label (the identity when the study gives none)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from nasbench_suite.report.claims import ClaimResult
from nasbench_suite.report.summaries import pooled_elsewhere

Show = Callable[[str, str], str]


def same(role: str, text: str) -> str:
    """No display labels: every label as recorded."""
    return text


def number(value: Any, digits: int = 3) -> str:
    """A value, or "—" where there is none (missing, ``nan``, not recorded)."""
    if value is None or not isinstance(value, (int, float, np.number)) or math.isnan(value):
        return "—"
    return f"{value:.{digits}f}"


def _rank(value: Any) -> int | str:
    """A row's rank, or "—" for a row listed unranked (no finished run, or no value to rank by)."""
    return "—" if value is None or pd.isna(value) else int(value)


def mean_std(mean: float, std: float) -> str:
    if mean is None or math.isnan(mean):
        return "—"
    return number(mean) if std is None or math.isnan(std) else f"{mean:.3f} ± {std:.3f}"


def interval(value: float, low: float, high: float, digits: int = 3) -> str:
    """``value [low, high]``; the value alone where there is no interval."""
    if value is None or math.isnan(value):
        return "—"
    shown = f"{value:.{digits}f}"
    return shown if math.isnan(high) else f"{shown} {bracket(low, high, digits)}"


def bracket(low: float, high: float, digits: int = 3) -> str:
    """``[low, high]``, or "—" where there is no interval (fewer than two seeds)."""
    if low is None or math.isnan(low) or math.isnan(high):
        return "—"
    return f"[{low:.{digits}f}, {high:.{digits}f}]"


def seg_text(value: float, low: float, high: float, censored: bool) -> str:
    """A sample-efficiency gain: with its interval when every run reached the target; ``≤ value``
    alone when some missed (counted at the budget, the gain is only an upper bound)."""
    if value is None or math.isnan(value):
        return "—"
    return f"≤ {value:.2f}" if censored else interval(value, low, high, 2)


RANKING_NOTE = (
    "Rows: by benchmark, target and train size; within each, by mean Kendall τ over seeds (rank 1 = "
    "highest). Kendall τ: mean ± standard deviation over seeds; 95% CI: Student-t interval of the mean. "
    "τ top 10%: Kendall τ among the true top 10% of the test cells; N@10: the best true rank among the 10 "
    "cells predicted best (lower is better); — : not measured (records older than these metrics); a rank "
    "of — : no finished run with a defined τ to rank (failed or constant runs)."
)


def ranking_rows(summary: pd.DataFrame, show: Show = same) -> pd.DataFrame:
    """The ranking leaderboard's columns."""
    out = []
    with_train = "train_kendall_tau_mean" in summary and summary["train_kendall_tau_mean"].notna().any()
    with_test = pooled_elsewhere(summary)
    with_split = "split" in summary and bool((summary["split"] != "").any())
    for row in summary.to_dict("records"):
        if row["seeds"] == 0:
            tau = "failed" if row["failed"] else "—"
        elif row["undefined"] == row["seeds"]:
            tau = "undefined"
        else:
            tau = mean_std(row["kendall_tau_mean"], row["kendall_tau_std"])
        train = {"τ on train cells": mean_std(row["train_kendall_tau_mean"], row["train_kendall_tau_std"])}
        out.append(
            {
                "benchmark": show("benchmark", row["benchmark_label"]),
                "target": row["target"],
                "train": row["train_size"],
                **({"test": row["test_size"]} if with_test else {}),
                **({"split": row["split"] or "default"} if with_split else {}),
                "rank": _rank(row["rank"]),
                "predictor": show("predictor", row["predictor_label"]),
                "Kendall τ": tau,
                "95% CI": bracket(row["kendall_tau_ci_low"], row["kendall_tau_ci_high"]),
                **(train if with_train else {}),
                "τ top 10%": number(row["kendall_tau_top_10pct_mean"]),
                "Spearman": mean_std(row["spearman_mean"], row["spearman_std"]),
                "P@10": number(row["precision_at_10_mean"]),
                "P@100": number(row["precision_at_100_mean"]),
                "N@10": number(row["n_at_10_mean"], 1),
                "seeds": row["seeds"],
                "failed": row["failed"],
                "fit s": number(row["fit_seconds"], 2),
            }
        )  # fmt: skip
    return pd.DataFrame(out)


SEARCH_NOTE = (
    "SEG = (|S| + 1) / (|T| + 1) / mean look-ups until the first cell of the target set T (the top "
    "fraction of the |S| cells), with the 95% Student-t interval of the mean look-ups inverted. A run that "
    "never reaches T counts at its budget and is missed; SEG is then only an upper bound, shown ≤ without "
    "an interval. Hits: runs that reached T; median look-ups: to T, a run that missed counted at its budget. "
    "SEG to best, best hits, median to best: the same for the best cell(s). s/run: wall seconds of the search "
    "itself (the strategy's work and the guide's refits), mean over runs. Rows are ranked "
    "within one budget and target set only: rows whose runs all hit first, by SEG; rows with misses after "
    "them, by their bound; rows without a finished run are listed unranked (—)."
)


def search_rows(summary: pd.DataFrame, show: Show = same) -> pd.DataFrame:
    """The search leaderboard's columns (one budget and top fraction per table)."""
    out = []
    for r in summary.to_dict("records"):
        runs = r["seeds"]
        out.append(
            {
                "benchmark": show("benchmark", r["benchmark_label"]),
                "target": r["target"],
                "rank": _rank(r["rank"]),
                "strategy": show("strategy", r["strategy_label"]),
                "predictor": show("predictor", r["predictor_label"]),
                "SEG (95% CI)": seg_text(
                    r["seg_target"], r["seg_target_ci_low"], r["seg_target_ci_high"], r["missed_target"]
                ),
                "hits": f"{runs - r['missed_target']}/{runs}" if runs else "—",
                "median look-ups": f"{r['lookups_to_target_median']:.0f}" if runs else "—",
                "random expects": f"{r['expected_random_to_target']:.0f}" if runs else "—",
                "SEG to best": seg_text(r["seg_best"], r["seg_best_ci_low"], r["seg_best_ci_high"], r["missed_best"]),
                "best hits": f"{runs - r['missed_best']}/{runs}" if runs else "—",
                "median to best": f"{r['lookups_to_best_median']:.0f}" if runs else "—",
                "failed": r["failed"],
                "s/run": f"{r['seconds']:.1f}" if runs else "—",
            }
        )
    return pd.DataFrame(out)


PARETO_NOTE = (
    "Rows: by benchmark, pair of objectives (a latency or energy is minimised), hypervolume target and budget; "
    "within each, by mean hypervolume ratio over seeds (rank 1 = highest). Hypervolume ratio: the hypervolume "
    "of the front a run found over the true front's, computed exactly from the table, both objectives scaled "
    "to [0, 1] over the table's cells, reference point 0.1 beyond the worst value of each; 95% CI: "
    "Student-t interval of the mean. SEG: random search's expected look-ups to the hypervolume target "
    "(a Monte-Carlo estimate over 400 random orders) over the strategy's mean look-ups to it; ≤ when some "
    "runs missed it (counted at the budget). Random needs: the look-ups random search needs, in "
    "expectation, to reach the ratio a run ended with (mean over runs; a skewed first-passage time, so read "
    "it against random search's own row). Front points: points of the true front found, of its points "
    "(cells with identical values are one point)."
)


def pareto_rows(summary: pd.DataFrame, show: Show = same) -> pd.DataFrame:
    """The Pareto-search leaderboard's columns (one budget and hypervolume target per table)."""
    out = []
    for r in summary.to_dict("records"):
        runs = r["seeds"]
        out.append(
            {
                "benchmark": show("benchmark", r["benchmark_label"]),
                "objectives": r["target"],
                "rank": _rank(r["rank"]),
                "strategy": show("strategy", r["strategy_label"]),
                "predictor": show("predictor", r["predictor_label"]),
                "hypervolume ratio (95% CI)": interval(r["hv_ratio"], r["hv_ratio_ci_low"], r["hv_ratio_ci_high"], 4),
                "SEG (95% CI)": seg_text(
                    r["seg_target"], r["seg_target_ci_low"], r["seg_target_ci_high"], r["missed_target"]
                ),
                "hits": f"{runs - r['missed_target']}/{runs}" if runs else "—",
                "median look-ups": f"{r['lookups_to_target_median']:.0f}" if runs else "—",
                "random expects": f"{r['expected_random_to_target']:.0f}" if runs else "—",
                "random needs": f"{r['random_to_final_hv']:,.0f}" if runs else "—",
                "front points": f"{r['front_found']:.1f}/{r['front_size']}" if runs else "—",
                "failed": r["failed"],
                "s/run": f"{r['seconds']:.1f}" if runs else "—",
            }
        )
    return pd.DataFrame(out)


def claims_rows(results: list[ClaimResult], show: Show = same) -> pd.DataFrame:
    """One row per measured comparison of a paper's claim."""
    rows = []
    for result in results:
        search = result.claim.kind == "search"
        digits = 2 if search else 3
        subject_value, baseline_value = result.side_values()
        censored = result.comparison.censored if result.comparison else ""
        subject_bound = "≤ " if censored in ("upper", "both") else ""
        baseline_bound = "≤ " if censored in ("lower", "both") else ""
        metric = "SEG" if search else result.claim.metric
        role = "strategy" if search else "predictor"
        comparable = result.comparison is not None
        rows.append(
            {
                "method": result.claim.method,
                "claim (paper)": f"{result.claim.statement} ({result.claim.paper})",
                "benchmark": show("benchmark", result.benchmark),
                "target": result.target,
                "setting": result.setting.replace(
                    f"guided by {result.guide}", f"guided by {show('predictor', result.guide)}"
                ) if result.guide else result.setting,
                "comparison": f"{show(role, result.subject)} vs {show(role, result.baseline)}",
                "measured": (
                    f"{subject_bound}{subject_value:.{digits}f} vs {baseline_bound}{baseline_value:.{digits}f} "
                    f"({metric}, mean of {result.runs} paired seed{'s' if result.runs != 1 else ''})"
                    if comparable else "—"
                ),
                "effect (95% CI)": _effect(result, digits) if comparable else "—",
                "p (Holm)": number(result.decision.p_adjusted, 4),
                "verdict": result.verdict,
                "note": result.reason,
            }
        )  # fmt: skip
    return pd.DataFrame(rows)


def _effect(result: ClaimResult, digits: int) -> str:
    """Δ or × with its 95% interval; a bound (≤ / ≥) where a side is censored, without a two-sided
    interval, which a bound does not have."""
    sign = "× " if result.claim.kind == "search" else "Δ "
    censored = result.comparison.censored if result.comparison else ""
    if censored == "both":
        return f"{sign}{result.effect:.{digits}f} (bounds both ways)"
    if censored:
        return f"{sign}{'≤' if censored == 'upper' else '≥'} {result.effect:.{digits}f}"
    return sign + interval(result.effect, result.low, result.high, digits)


CLAIMS_NOTE = (
    "Each claim is tested where the records hold both sides on the same seeds and settings, like with like "
    "(the sides may differ only in what the claim is about; otherwise: not comparable, with the options "
    "named). Ranking claims: the mean paired difference Δ of the metric over seeds (same cells), with its "
    "95% Student-t interval. Search claims: the ratio × of the gains (= mean look-ups of the baseline / of "
    "the subject, paired by seed), with its 95% Fieller interval; a side with missed runs makes the ratio "
    "a bound (≤ / ≥, no interval), tested only in the direction it allows with the Wilcoxon signed-rank "
    "test; misses on both sides leave it unsettled. Verdicts: fewer than 3 paired seeds is too few seeds; "
    "otherwise the comparisons of one claim (over benchmarks, settings and guides) are decided together by "
    "Holm's step-down procedure at a family-wise error of 5% per claim (p (Holm): the adjusted p-value; "
    "with one comparison this is the rule 'holds where the 95% interval lies on the claimed side of 0 (or "
    "1), contradicted where it lies on the other side'). A claim of 'not lower' holds where a loss of more "
    "than 0.02 in τ or 20% in gain is excluded and the subject is not significantly lower at all; it is "
    "contradicted where it is significantly lower after the correction, even within that margin."
)
