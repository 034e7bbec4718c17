"""Render whatever a results directory holds as one report: the ranking leaderboard (Kendall tau
and the other metrics at each train size), the search leaderboard (sample-efficiency gain at each
budget), the failures of both, and the versions behind the numbers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from tabulate import tabulate

from nasbench_suite.errors import ConfigError
from nasbench_suite.study.summaries import summarise_ranking, summarise_search

FORMATS = {"markdown": "pipe", "github": "github", "latex": "latex_booktabs", "html": "html", "csv": None}
SEG_NOTE = (
    "SEG = (|S| + 1) / (|T| + 1) / mean look-ups until the first cell of the target set T (the top "
    "fraction of the |S| cells). A run that never reaches it counts at its budget and is missed; SEG is "
    "then an upper bound (marked ≤). Hits: runs that reached T. SEG to best: the same for the best cell(s)."
)


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ConfigError(f"--format: expected one of {', '.join(FORMATS)} (got {fmt!r})")
    return fmt


def _mean_std(mean: float, std: float) -> str:
    if np.isnan(mean):
        return "—"
    return f"{mean:.3f}" if np.isnan(std) else f"{mean:.3f} ± {std:.3f}"


def _seconds(value: float) -> str:
    return "—" if np.isnan(value) else f"{value:.2f}"


def ranking_rows(summary: pd.DataFrame) -> pd.DataFrame:
    """The human-readable ranking columns."""
    out = []
    with_train = "train_kendall_tau_mean" in summary and summary["train_kendall_tau_mean"].notna().any()
    for row in summary.to_dict("records"):
        if row["seeds"] == 0:
            tau = "failed" if row["failed"] else "—"
        elif row["undefined"] == row["seeds"]:
            tau = "undefined"
        else:
            tau = _mean_std(row["kendall_tau_mean"], row["kendall_tau_std"])
        low, high = row["kendall_tau_ci_low"], row["kendall_tau_ci_high"]
        train = {"τ on train cells": _mean_std(row["train_kendall_tau_mean"], row["train_kendall_tau_std"])}
        out.append(
            {
                "benchmark": row["benchmark_label"],
                "target": row["target"],
                "train": row["train_size"],
                "rank": row["rank"],
                "predictor": row["predictor_label"],
                "Kendall τ": tau,
                "95% CI": "—" if np.isnan(low) else f"[{low:.3f}, {high:.3f}]",
                **(train if with_train else {}),
                "Spearman": _mean_std(row["spearman_mean"], row["spearman_std"]),
                "P@10": _mean_std(row["precision_at_10_mean"], np.nan),
                "P@100": _mean_std(row["precision_at_100_mean"], np.nan),
                "seeds": row["seeds"],
                "failed": row["failed"],
                "fit s": _seconds(row["fit_seconds"]),
            }
        )
    return pd.DataFrame(out)


def seg_text(value: float, low: float, high: float, missed: int) -> str:
    """SEG with its interval; ``≤`` marks an upper bound (some runs missed and count at the budget)."""
    if np.isnan(value):
        return "—"
    bound = "≤ " if missed else ""
    return f"{bound}{value:.2f}" if np.isnan(low) else f"{bound}{value:.2f} [{low:.2f}, {high:.2f}]"


def search_rows(summary: pd.DataFrame) -> pd.DataFrame:
    """The human-readable search columns."""
    out = []
    for r in summary.to_dict("records"):
        runs = r["seeds"]
        out.append(
            {
                "benchmark": r["benchmark_label"],
                "target": r["target"],
                "top": f"{r['top_fraction']:.3%}",
                "budget": r["budget"],
                "rank": r["rank"],
                "strategy": r["strategy_label"],
                "predictor": r["predictor_label"],
                "SEG (95% CI)": seg_text(
                    r["seg_target"], r["seg_target_ci_low"], r["seg_target_ci_high"], r["missed_target"]
                ),
                "hits": f"{runs - r['missed_target']}/{runs}" if runs else "—",
                "median look-ups": f"{r['lookups_to_target_median']:.0f}" if runs else "—",
                "random expects": f"{r['expected_random_to_target']:.0f}" if runs else "—",
                "SEG to best": seg_text(r["seg_best"], r["seg_best_ci_low"], r["seg_best_ci_high"], r["missed_best"]),
                "best hits": f"{runs - r['missed_best']}/{runs}" if runs else "—",
                "look-ups to best": f"{r['lookups_to_best_mean']:.0f}" if runs else "—",
                "failed": r["failed"],
                "s/run": f"{r['seconds']:.1f}" if runs else "—",
            }
        )
    return pd.DataFrame(out)


def failure_notes(summaries: list[tuple[pd.DataFrame, Callable[[dict[str, Any]], str]]]) -> str:
    """A markdown list naming each group with failed runs, how many, and the first error message
    (empty when nothing failed): failures are shown, never silently dropped."""
    lines = [
        f"- {describe(row)}: {row['failed']} of {row['failed'] + row['seeds']} failed; first error: "
        + " ".join(row["first_error"].split())
        for summary, describe in summaries
        for row in summary.to_dict("records")
        if row["failed"]
    ]
    return "Failures:\n\n" + "\n".join(lines) if lines else ""


def versions(records: list[dict[str, Any]]) -> list[str]:
    """Distinct ``distribution version`` strings of the suite and plugins behind the records."""
    found = set()
    for record in records:
        found.add(f"nasbench-suite {record.get('suite_version')}")
        for info in filter(None, (record.get("plugins") or {}).values()):
            found.add(f"{info.get('distribution') or info.get('plugin')} {info.get('version')}")
    return sorted(found)


def _ranking_label(row: dict[str, Any]) -> str:
    return f"{row['predictor_label']} on {row['benchmark_label']} (train {row['train_size']})"


def _search_label(row: dict[str, Any]) -> str:
    return f"{row['strategy_label']} with {row['predictor_label']} on {row['benchmark_label']}"


def render(records: list[dict[str, Any]], fmt: str = "markdown") -> str:
    """The report of ``records`` in ``fmt`` (markdown, github, latex, html or csv)."""
    check_format(fmt)
    ranking = summarise_ranking([r for r in records if r["kind"] == "ranking"])
    search = summarise_search([r for r in records if r["kind"] == "search"])
    if fmt == "csv":
        return pd.concat([ranking.assign(kind="ranking"), search.assign(kind="search")], ignore_index=True).to_csv(
            index=False
        )
    both = len(ranking) and len(search)
    sections = []
    for title, summary, rows in (
        ("Ranking: Kendall τ on held-out cells", ranking, ranking_rows),
        ("Search: sample-efficiency gain", search, search_rows),
    ):
        if len(summary):
            table = tabulate(
                rows(summary), headers="keys", tablefmt=FORMATS[fmt], showindex=False, disable_numparse=True
            )
            sections.append(f"## {title}\n\n{table}" if both and fmt in ("markdown", "github") else table)
            if summary is search and fmt in ("markdown", "github"):
                sections.append(SEG_NOTE)
    if not sections:
        sections.append("(no records)")
    if fmt in ("markdown", "github"):
        notes = failure_notes([(ranking, _ranking_label), (search, _search_label)])
        sections += [notes] if notes else []
        sections.append("Versions: " + ", ".join(versions(records)))
    return "\n\n".join(sections) + "\n"
