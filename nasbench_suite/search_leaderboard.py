"""Summarise search records: sample-efficiency gain with bootstrap intervals, and anytime curves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tabulate import tabulate

from nasbench_suite.errors import ConfigError
from nasbench_suite.leaderboard import FORMATS, failure_notes, first_error, rank_within, save_figure, versions
from nasbench_suite.metrics import sample_efficiency_gain_interval

GROUP = ["benchmark", "target", "top_fraction", "strategy", "predictor"]


def summarise_searches(records: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per (benchmark, target, top fraction, strategy, predictor), ranked by SEG."""
    if not records:
        return pd.DataFrame(columns=[*GROUP, "rank"])
    frame = pd.DataFrame.from_records(records)
    frame["predictor"] = frame["predictor"].fillna("—")
    rows = []
    for key, group in frame.groupby(GROUP, sort=True):
        ok = group[group["status"] == "ok"]
        row: dict[str, Any] = dict(zip(GROUP, key))
        row["seeds"] = int(len(ok))
        row["failed"] = int((group["status"] != "ok").sum())
        for goal in ("target", "best"):
            row[f"missed_{goal}"] = int((~ok[f"reached_{goal}"].astype(bool)).sum()) if len(ok) else 0
            lookups = ok[f"lookups_to_{goal}"].to_numpy(dtype=np.float64)
            expected = float(ok[f"expected_random_to_{goal}"].iloc[0]) if len(ok) else np.nan
            row[f"expected_random_to_{goal}"] = expected
            row[f"lookups_to_{goal}_mean"] = lookups.mean() if len(lookups) else np.nan
            gain = sample_efficiency_gain_interval(lookups, expected)
            row[f"seg_{goal}"], row[f"seg_{goal}_ci_low"], row[f"seg_{goal}_ci_high"] = gain
        row["seconds"] = ok["seconds"].mean() if len(ok) else np.nan
        row["first_error"] = first_error(group)
        rows.append(row)
    table = pd.DataFrame(rows)
    table["rank"] = rank_within(table, ["benchmark", "target", "top_fraction"], "seg_target")
    return table.sort_values(["benchmark", "target", "top_fraction", "rank"]).reset_index(drop=True)


def _interval(value: float, low: float, high: float, missed: int) -> str:
    """SEG with its interval; ``≤`` marks an upper bound (some runs missed and count at the budget)."""
    if np.isnan(value):
        return "—"
    bound = "≤ " if missed else ""
    return f"{bound}{value:.2f}" if np.isnan(low) else f"{bound}{value:.2f} [{low:.2f}, {high:.2f}]"


def render_searches(records: list[dict[str, Any]], fmt: str = "markdown") -> str:
    if fmt not in FORMATS:
        raise ConfigError(f"--format: expected one of {', '.join(FORMATS)} (got {fmt!r})")
    summary = summarise_searches(records)
    if fmt == "csv":
        return summary.to_csv(index=False)
    rows = [
        {
            "benchmark": r["benchmark"],
            "target": r["target"],
            "top": f"{r['top_fraction']:.3%}",
            "rank": r["rank"],
            "strategy": r["strategy"],
            "predictor": r["predictor"],
            "SEG (95% CI)": _interval(
                r["seg_target"], r["seg_target_ci_low"], r["seg_target_ci_high"], r["missed_target"]
            ),
            "look-ups to top": f"{r['lookups_to_target_mean']:.0f}" if r["seeds"] else "—",
            "random expects": f"{r['expected_random_to_target']:.0f}" if r["seeds"] else "—",
            "missed": r["missed_target"],
            "SEG to best": _interval(r["seg_best"], r["seg_best_ci_low"], r["seg_best_ci_high"], r["missed_best"]),
            "missed best": r["missed_best"],
            "seeds": r["seeds"],
            "failed": r["failed"],
            "s/run": f"{r['seconds']:.1f}" if r["seeds"] else "—",
        }
        for r in summary.to_dict("records")
    ]
    text = tabulate(pd.DataFrame(rows), headers="keys", tablefmt=FORMATS[fmt], showindex=False, disable_numparse=True)
    if fmt in ("markdown", "github"):
        text += (
            "\n\nSEG = (|S| + 1) / (|T| + 1) / mean look-ups until the first top cell. A run that never reaches "
            "it counts at its budget and is listed as missed; SEG is then an upper bound (marked ≤). "
            "SEG to best: the same for the best cell(s)."
        )
        text += failure_notes(summary, lambda r: f"{r['strategy']} with {r['predictor']} on {r['benchmark']}")
        text += "\n\nVersions: " + ", ".join(versions(records)) + "\n"
    return text


def plot_regret(records: list[dict[str, Any]], directory: str | Path) -> list[Path]:
    """Per benchmark and target: mean regret (best value − best found) vs look-ups, one line per
    strategy/predictor. Writes PNG and SVG; returns the paths written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame.from_records([r for r in records if r.get("status") == "ok"])
    written: list[Path] = []
    if frame.empty:
        return written
    frame["predictor"] = frame["predictor"].fillna("")
    for (benchmark, target), group in frame.groupby(["benchmark", "target"]):
        fig, ax = plt.subplots(figsize=(6.5, 4))
        for (strategy, predictor), runs in group.groupby(["strategy", "predictor"]):
            length = int(runs["budget"].max())  # a search that stopped at the best stays there
            curves = np.array([np.pad(c, (0, length - len(c)), mode="edge") for c in runs["curve"]], dtype=float)
            regret = runs["best_value"].to_numpy(dtype=float)[:, None] - curves
            label = strategy if not predictor else f"{strategy} / {predictor}"
            ax.plot(np.arange(1, length + 1), regret.mean(axis=0), label=label)
        ax.set_xscale("log")
        ax.set_yscale("symlog", linthresh=0.01)
        ax.set_ylim(bottom=0)
        ax.set_xlabel("look-ups (trained architectures)")
        ax.set_ylabel(f"regret of {target} (mean over seeds)")
        ax.set_title(benchmark)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
        written += save_figure(fig, directory / f"{benchmark.replace(':', '_')}-{target}-regret")
    return written
