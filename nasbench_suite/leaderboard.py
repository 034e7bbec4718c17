"""Aggregate run records into a ranked leaderboard, render it, and plot it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tabulate import tabulate

from nasbench_suite.errors import ConfigError
from nasbench_suite.metrics import bootstrap_interval

GROUP = ["benchmark", "target", "train_size", "predictor"]
METRICS = ("kendall_tau", "spearman", "pearson", "precision_at_10", "precision_at_100")
#: Recorded by runs with ``--score-train``: the same metrics on the training cells.
TRAIN_METRICS = ("train_kendall_tau",)
FORMATS = {"markdown": "pipe", "github": "github", "latex": "latex_booktabs", "html": "html", "csv": None}


def summarise(records: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per (benchmark, target, train size, predictor): mean/std over seeds, 95% bootstrap
    interval of the mean Kendall tau, counts of finished / failed / undefined runs, and rank."""
    if not records:
        return pd.DataFrame(columns=[*GROUP, "rank"])
    frame = pd.DataFrame.from_records(records)
    for metric in (*METRICS, *TRAIN_METRICS, "fit_seconds", "predict_seconds", "peak_rss_mb"):
        frame[metric] = pd.to_numeric(frame.get(metric), errors="coerce")
    rows = []
    for key, group in frame.groupby(GROUP, sort=True):
        ok = group[group["status"] == "ok"]
        row: dict[str, Any] = dict(zip(GROUP, key))
        row["seeds"] = int(len(ok))
        row["failed"] = int((group["status"] != "ok").sum())
        row["undefined"] = int(ok["kendall_tau"].isna().sum())
        for metric in (*METRICS, *TRAIN_METRICS):
            row[f"{metric}_mean"] = ok[metric].mean()
            row[f"{metric}_std"] = ok[metric].std(ddof=1) if ok[metric].count() > 1 else np.nan
        row["kendall_tau_ci_low"], row["kendall_tau_ci_high"] = bootstrap_interval(ok["kendall_tau"].to_numpy())
        row["fit_seconds"] = ok["fit_seconds"].mean()
        row["predict_seconds"] = ok["predict_seconds"].mean()
        row["peak_rss_mb"] = ok["peak_rss_mb"].max()
        row["first_error"] = first_error(group)
        rows.append(row)
    table = pd.DataFrame(rows)
    table["rank"] = rank_within(table, ["benchmark", "target", "train_size"], "kendall_tau_mean")
    return table.sort_values(["benchmark", "target", "train_size", "rank", "predictor"]).reset_index(drop=True)


def first_error(group: pd.DataFrame) -> str:
    """The error message of the group's first failed record ("" when none failed)."""
    errors = group.loc[group["status"] != "ok", "error"].dropna()
    return errors.iloc[0] if len(errors) else ""


def rank_within(table: pd.DataFrame, by: list[str], column: str) -> pd.Series:
    """Rank 1 = highest ``column`` within each ``by`` group; missing values rank last."""
    return table.groupby(by)[column].rank(ascending=False, method="min", na_option="bottom").astype(int)


def _mean_std(mean: float, std: float) -> str:
    if np.isnan(mean):
        return "—"
    return f"{mean:.3f}" if np.isnan(std) else f"{mean:.3f} ± {std:.3f}"


def display_frame(summary: pd.DataFrame) -> pd.DataFrame:
    """The human-readable leaderboard columns."""
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
        out.append(
            {
                "benchmark": row["benchmark"],
                "target": row["target"],
                "train": row["train_size"],
                "rank": row["rank"],
                "predictor": row["predictor"],
                "Kendall τ": tau,
                "95% CI": "—" if np.isnan(low) else f"[{low:.3f}, {high:.3f}]",
                **(
                    {"τ on train cells": _mean_std(row["train_kendall_tau_mean"], row["train_kendall_tau_std"])}
                    if with_train
                    else {}
                ),
                "Spearman": _mean_std(row["spearman_mean"], row["spearman_std"]),
                "P@10": _mean_std(row["precision_at_10_mean"], np.nan),
                "P@100": _mean_std(row["precision_at_100_mean"], np.nan),
                "seeds": row["seeds"],
                "failed": row["failed"],
                "fit s": "—" if np.isnan(row["fit_seconds"]) else f"{row['fit_seconds']:.2f}",
            }
        )
    return pd.DataFrame(out)


def versions(records: list[dict[str, Any]]) -> list[str]:
    """Distinct ``distribution version`` strings of the suite and plugins behind the records."""
    found = set()
    for record in records:
        found.add(f"nasbench-suite {record.get('suite_version')}")
        for info in filter(None, (record.get("plugins") or {}).values()):
            found.add(f"{info.get('distribution') or info.get('plugin')} {info.get('version')}")
    return sorted(found)


def failure_notes(summary: pd.DataFrame, label: Callable[[dict[str, Any]], str]) -> str:
    """A markdown list naming each group with failed runs, how many, and the first error message
    (empty when nothing failed): failures are shown, never silently dropped."""
    lines = [
        f"- {label(row)}: {row['failed']} of {row['failed'] + row['seeds']} failed; first error: "
        + " ".join(row["first_error"].split())
        for row in summary.to_dict("records")
        if row["failed"]
    ]
    return "\n\nFailures:\n\n" + "\n".join(lines) if lines else ""


def render(records: list[dict[str, Any]], fmt: str = "markdown") -> str:
    """The leaderboard as text in ``fmt`` (markdown, github, latex, html or csv)."""
    if fmt not in FORMATS:
        raise ConfigError(f"--format: expected one of {', '.join(FORMATS)} (got {fmt!r})")
    summary = summarise(records)
    if fmt == "csv":
        return summary.to_csv(index=False)
    text = tabulate(
        display_frame(summary), headers="keys", tablefmt=FORMATS[fmt], showindex=False, disable_numparse=True
    )
    if fmt in ("markdown", "github"):
        text += failure_notes(summary, lambda r: f"{r['predictor']} on {r['benchmark']} (train {r['train_size']})")
        text += "\n\nVersions: " + ", ".join(versions(records)) + "\n"
    return text


def plot(records: list[dict[str, Any]], directory: str | Path) -> list[Path]:
    """Per benchmark and target: Kendall tau vs train size, one line per predictor with its
    95% bootstrap band. Writes PNG and SVG; returns the paths written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    summary = summarise(records)
    written = []
    for (benchmark, target), group in summary.groupby(["benchmark", "target"]):
        fig, ax = plt.subplots(figsize=(6, 4))
        for predictor, lines in group.groupby("predictor"):
            lines = lines.sort_values("train_size")
            ax.plot(lines["train_size"], lines["kendall_tau_mean"], marker="o", label=predictor)
            ax.fill_between(lines["train_size"], lines["kendall_tau_ci_low"], lines["kendall_tau_ci_high"], alpha=0.2)
        ax.set_xscale("log")
        ax.set_xlabel("training cells")
        ax.set_ylabel("Kendall τ (mean, 95% bootstrap band)")
        ax.set_title(f"{benchmark} — {target}")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        written += save_figure(fig, directory / f"{benchmark.replace(':', '_')}-{target}-kendall")
    return written


def save_figure(fig: Any, stem: Path) -> list[Path]:
    """Write ``fig`` as ``stem.png`` and ``stem.svg``, close it, return the paths."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    paths = [stem.with_suffix(suffix) for suffix in (".png", ".svg")]
    for path in paths:
        fig.savefig(path, dpi=120)
    plt.close(fig)
    return paths
