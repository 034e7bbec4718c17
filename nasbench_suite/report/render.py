"""Render whatever a results directory holds as one report: the ranking leaderboard (Kendall tau
and the other metrics at each train size), the search leaderboard (sample-efficiency gain at each
budget), the failures of both, and the versions behind the numbers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from tabulate import tabulate

from nasbench_suite.contracts.claims import Claim
from nasbench_suite.errors import ConfigError
from nasbench_suite.report.claims import ClaimResult, evaluate
from nasbench_suite.report.html import html_page
from nasbench_suite.report.methods import methods_table
from nasbench_suite.report.summaries import pooled_elsewhere, summarise_ranking, summarise_search

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
    with_test = pooled_elsewhere(summary)
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
                **({"test": row["test_size"]} if with_test else {}),
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


def _interval(value: float, low: float, high: float, digits: int = 3) -> str:
    if value is None or np.isnan(value):
        return "—"
    return f"{value:.{digits}f}" if np.isnan(low) else f"{value:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def methods_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The human-readable side-by-side columns of one benchmark."""
    sizes = sorted((c for c in table.columns if c.startswith("tau@")), key=lambda c: int(c[4:]))
    out = []
    for row in table.to_dict("records"):
        shown = {"method": row["method"]}
        for size in sizes:
            value = row.get(size)
            shown[f"τ @ {size[4:]}"] = _interval(*value) if isinstance(value, tuple) else "—"
        for column, name in (("fit_seconds", "fit s"), ("predict_seconds", "predict s")):
            shown[name] = _seconds(row[column]) if isinstance(row.get(column), float) else "—"
        peak = row.get("peak_rss_mb")
        shown["peak MB"] = f"{peak:.0f}" if isinstance(peak, float) and not np.isnan(peak) else "—"
        shown["device"] = row.get("device") if isinstance(row.get("device"), str) and row.get("device") else "—"
        seg = row.get("seg")
        shown["SEG (95% CI)"] = seg_text(*seg) if isinstance(seg, tuple) else "—"
        shown["hits"] = row.get("hits") if isinstance(row.get("hits"), str) else "—"
        shown["budget"] = (
            str(int(row["budget"]))
            if isinstance(row.get("budget"), (int, float)) and not np.isnan(row["budget"])
            else "—"
        )
        shown["best search"] = row.get("search") if isinstance(row.get("search"), str) else "—"
        out.append(shown)
    return pd.DataFrame(out)


def claims_rows(results: list[ClaimResult]) -> pd.DataFrame:
    """One row per measured comparison of a paper's claim."""
    rows = []
    for result in results:
        search = result.claim.kind == "search"
        digits = 2 if search else 3
        effect = "×" if search else "Δ"
        rows.append(
            {
                "method": result.claim.method,
                "claim (paper)": f"{result.claim.statement} ({result.claim.paper})",
                "benchmark": result.benchmark,
                "setting": result.setting,
                "comparison": f"{result.subject} vs {result.baseline}",
                "measured": f"{result.subject_value:.{digits}f} vs {result.baseline_value:.{digits}f} "
                f"({result.claim.metric if not search else 'SEG'})",
                "effect (95% CI)": f"{effect} " + _interval(result.effect, result.low, result.high, digits),
                "runs": result.runs,
                "verdict": result.verdict,
            }
        )
    return pd.DataFrame(rows)


@dataclass
class Section:
    """A titled part of a report: a table, or text."""

    title: str
    table: pd.DataFrame | None = None
    text: str = ""


def sections(records: list[dict[str, Any]], claims: list[Claim] = ()) -> list[Section]:
    """The report's content, in order, whatever its format."""
    ranking = summarise_ranking([r for r in records if r["kind"] == "ranking"])
    search = summarise_search([r for r in records if r["kind"] == "search"])
    parts: list[Section] = []
    if len(ranking) and len(search):
        for (benchmark, target), table in methods_table(records).items():
            parts.append(Section(f"Methods side by side: {benchmark}, {target}", methods_rows(table)))
    results = evaluate(records, list(claims))
    if results:
        parts.append(Section("Paper claims, as measured", claims_rows(results), CLAIMS_NOTE))
    if len(ranking):
        parts.append(Section("Ranking: Kendall τ on held-out cells", ranking_rows(ranking)))
    if len(search):
        parts.append(Section("Search: sample-efficiency gain", search_rows(search), SEG_NOTE))
    notes = failure_notes([(ranking, _ranking_label), (search, _search_label)])
    if notes:
        parts.append(Section("Failures", text=notes))
    parts.append(Section("Versions", text=", ".join(versions(records))))
    return parts


CLAIMS_NOTE = (
    "Each claim is tested where the records hold both sides: ranking claims by the mean paired "
    "difference (same cells, same seeds) with its 95% bootstrap interval; search claims by the ratio of "
    "the sample-efficiency gains (×) with its 95% bootstrap interval. It holds where the interval lies on "
    "the claimed side of 0 (or 1), is contradicted where it lies on the other side, and is unsettled "
    'otherwise; a claim of "not lower" (at least as good) holds where the interval excludes a loss '
    "of more than 0.02 in tau or 20% in gain, and is contradicted where it lies wholly below 0 (or 1)."
)


def render(
    records: list[dict[str, Any]], fmt: str = "markdown", claims: list[Claim] = (), title: str = "",
    notes: tuple[str, ...] = (),
) -> str:  # fmt: skip
    """The report of ``records`` in ``fmt`` (markdown, github, latex, html or csv); ``claims`` are
    the papers' claims to test, ``title`` and ``notes`` head an HTML page."""
    check_format(fmt)
    if fmt == "csv":
        ranking = summarise_ranking([r for r in records if r["kind"] == "ranking"])
        search = summarise_search([r for r in records if r["kind"] == "search"])
        frames = [ranking.assign(kind="ranking"), search.assign(kind="search")]
        return pd.concat(frames, ignore_index=True).to_csv(index=False)
    parts = sections(records, claims) if records else [Section("", text="(no records)")]
    if fmt == "html":
        return html_page(parts, records, title or "nasbench-suite report", notes)
    headed = fmt in ("markdown", "github")
    tables = [part for part in parts if part.table is not None]
    chunks = []
    for part in parts:
        if part.table is not None:
            table = tabulate(part.table, headers="keys", tablefmt=FORMATS[fmt], showindex=False, disable_numparse=True)
            heading = f"## {part.title}\n\n" if headed and len(tables) > 1 else ""
            chunks.append(heading + table + (f"\n\n{part.text}" if part.text and headed else ""))
        elif headed and part.text:
            chunks.append(part.text if part.title in ("Failures", "") else f"{part.title}: {part.text}")
    return "\n\n".join(chunks) + "\n"
