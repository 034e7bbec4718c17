"""Figures of a report: Kendall tau vs train size per benchmark (ranking records), and regret vs
look-ups per benchmark (search records). PNG and SVG, drawn with matplotlib's Agg backend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nasbench_suite.report.summaries import label, shown_with_test_size, summarise_ranking, usual_test_sizes


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


LINE_STYLES = ("-", "--", ":", "-.")


def _legend(ax: Any, width: int = 60, tail: int = 20) -> None:
    """The legend beside the axes, long labels (specs with many options) shortened in the middle, so
    that their end (a test size, the last options) stays readable."""
    handles, labels = ax.get_legend_handles_labels()
    short = [text if len(text) <= width else text[: width - tail - 1] + "…" + text[-tail:] for text in labels]
    ax.legend(handles, short, fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)


def save_figure(fig: Any, stem: Path) -> list[Path]:
    """Write ``fig`` as ``stem.png`` and ``stem.svg``, close it, return the paths."""
    fig.tight_layout()
    paths = [stem.with_suffix(suffix) for suffix in (".png", ".svg")]
    for path in paths:
        fig.savefig(path, dpi=120, bbox_inches="tight")  # the legend sits outside the axes
    _pyplot().close(fig)
    return paths


def _stem(directory: Path, benchmark: str, target: str, what: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in benchmark)
    return directory / f"{safe}-{target}-{what}"


def plot_kendall(records: list[dict[str, Any]], directory: str | Path) -> list[Path]:
    """Per benchmark and target: Kendall tau vs train size, one line per predictor with its 95%
    bootstrap band."""
    plt = _pyplot()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    summary = summarise_ranking([r for r in records if r["kind"] == "ranking"])
    written: list[Path] = []
    if summary.empty:
        return written
    for (benchmark, target), group in summary.groupby(["benchmark_label", "target"]):
        fig, ax = plt.subplots(figsize=(9, 4.5))
        usual = usual_test_sizes(group)  # runs on an unusual test set are lines of their own
        names = [shown_with_test_size(row, usual) for row in group.to_dict("records")]
        for number, (name, lines) in enumerate(group.groupby(names, sort=True)):
            lines = lines.sort_values("train_size")
            style = LINE_STYLES[number // 10 % len(LINE_STYLES)]
            ax.plot(lines["train_size"], lines["kendall_tau_mean"], marker="o", label=name, linestyle=style)
            ax.fill_between(lines["train_size"], lines["kendall_tau_ci_low"], lines["kendall_tau_ci_high"], alpha=0.2)
        ax.set_xscale("log")
        ax.set_xlabel("training cells")
        ax.set_ylabel("Kendall τ (mean, 95% bootstrap band)")
        ax.set_title(f"{benchmark} — {target}")
        ax.grid(alpha=0.3)
        _legend(ax)
        written += save_figure(fig, _stem(directory, benchmark, target, "kendall"))
    return written


def plot_regret(records: list[dict[str, Any]], directory: str | Path) -> list[Path]:
    """Per benchmark and target: mean regret (best value − best found) vs look-ups, one line per
    strategy and guiding predictor."""
    plt = _pyplot()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    ok = [r for r in records if r["kind"] == "search" and r.get("status") == "ok"]
    written: list[Path] = []
    if not ok:
        return written
    frame = pd.DataFrame.from_records(ok)
    for role in ("benchmark", "strategy", "predictor"):
        frame[f"{role}_shown"] = [label(record, role) or "" for record in ok]
    for (benchmark, target), group in frame.groupby(["benchmark_shown", "target"]):
        fig, ax = plt.subplots(figsize=(10, 4.5))
        lines = group.groupby(["strategy_shown", "predictor_shown"])
        for number, ((strategy, predictor), runs) in enumerate(lines):
            length = int(runs["budget"].max())  # a search that stopped at the best stays there
            curves = np.array([np.pad(c, (0, length - len(c)), mode="edge") for c in runs["curve"]], dtype=float)
            regret = runs["best_value"].to_numpy(dtype=float)[:, None] - curves
            ax.plot(
                np.arange(1, length + 1),
                regret.mean(axis=0),
                label=f"{strategy} / {predictor}" if predictor else strategy,
                linestyle=LINE_STYLES[number // 10 % len(LINE_STYLES)],  # the colours repeat after 10
            )
        ax.set_xscale("log")
        ax.set_yscale("symlog", linthresh=0.01)
        ax.set_ylim(bottom=0)
        ax.set_xlabel("look-ups (trained architectures)")
        ax.set_ylabel(f"regret of {target} (mean over seeds)")
        ax.set_title(benchmark)
        ax.grid(alpha=0.3)
        _legend(ax)
        written += save_figure(fig, _stem(directory, benchmark, target, "regret"))
    return written


def plot_all(records: list[dict[str, Any]], directory: str | Path) -> list[Path]:
    """Every figure the records support."""
    return plot_kendall(records, directory) + plot_regret(records, directory)
