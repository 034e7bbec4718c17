"""Figures of a report, drawn with matplotlib's Agg backend as PNG and SVG:

* per benchmark and target, Kendall tau vs train size, one line per predictor with its 95% Student-t
  band over seeds;
* per benchmark, target, target set and budget, the regret (best value − best found) vs look-ups, one
  line per strategy and guide: the mean over seeds with its 95% Student-t band (never two budgets in
  one plot);
* per benchmark, pair of objectives, hypervolume target and budget of a Pareto search: the true
  Pareto front with the front each strategy found in its median run, and the hypervolume ratio vs
  look-ups (mean over seeds with its 95% Student-t band);
* the critical-difference diagram of the cross-benchmark ranking.

Every method keeps one colour and marker in every figure of a report, and no two lines of a figure
share both. Each figure has a caption that says what it shows; files are byte-identical for the same
records.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nasbench_suite.report.across import cross_ranking, plot_critical_difference
from nasbench_suite.report.inference import t_interval
from nasbench_suite.report.summaries import (
    canonical,
    distinct_labels,
    label,
    search_target,
    shown_with_test_size,
    summarise_ranking,
    usual_test_sizes,
)
from nasbench_suite.report.tables import Show, same

COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")


@dataclass(frozen=True)
class Figure:
    """One figure: its files (PNG first), its caption, and the topic of the report section it
    illustrates (:func:`topic`), so that a page can place it beside its table."""

    paths: tuple[Path, ...]
    caption: str
    topic: str = ""


def topic(kind: str, budget: int | None = None, top: float | None = None) -> str:
    """The key that ties a figure to its report section: ``ranking``, ``across``,
    ``search:<budget>:<top fraction>`` for one search table, ``pareto:<budget>:<hypervolume target>``
    for one Pareto-search table."""
    return f"{kind}:{int(budget)}:{float(top):g}" if kind in ("search", "pareto") else kind


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "nasbench-suite"  # stable SVG ids: the same records, the same file
    return plt


class Styles:
    """A colour and a marker per series name, assigned in sorted order of every name of the report:
    ``i -> (colour i mod 10, marker (i // 10 + i) mod 10)`` is one-to-one for 100 names."""

    def __init__(self, names: list[str]) -> None:
        self.index = {name: number for number, name in enumerate(sorted(set(names)))}

    def __call__(self, name: str) -> dict[str, Any]:
        i = self.index.get(name, len(self.index))
        return {"color": COLOURS[i % len(COLOURS)], "marker": MARKERS[(i // len(COLOURS) + i) % len(MARKERS)]}


def _legend(ax: Any, width: int = 45) -> None:
    """The legend beside the axes, long labels wrapped (never cut)."""
    handles, labels = ax.get_legend_handles_labels()
    wrapped = ["\n".join(textwrap.wrap(text, width)) or text for text in labels]
    ax.legend(handles, wrapped, fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)


def save_figure(fig: Any, stem: Path) -> tuple[Path, ...]:
    """Write ``fig`` as ``stem.png`` and ``stem.svg`` (without timestamps), close it, return the paths."""
    fig.tight_layout()
    paths = (stem.parent / f"{stem.name}.png", stem.parent / f"{stem.name}.svg")  # names may hold dots
    fig.savefig(paths[0], dpi=120, bbox_inches="tight", metadata={"Software": None})
    fig.savefig(paths[1], bbox_inches="tight", metadata={"Date": None, "Creator": None})
    _pyplot().close(fig)
    return paths


#: Comparisons in a constrained search's target, spelled out in file names (``<=5`` and ``<5`` differ).
_OPERATOR_NAMES = {"<=": "_le_", ">=": "_ge_", "<": "_lt_", ">": "_gt_"}


def _stem(directory: Path, *parts: Any) -> Path:
    def name(part: Any) -> str:
        text = re.sub(r"<=|>=|<|>", lambda m: _OPERATOR_NAMES[m.group(0)], str(part))
        return re.sub(r"[^A-Za-z0-9._-]+", "_", text)

    return directory / "-".join(name(part) for part in parts)


def _line_names(group: pd.DataFrame, show: Show) -> list[str]:
    """Per summary row, its line's name: the predictor as displayed, with its test size where that
    is not the usual one of the benchmark (such runs are lines of their own)."""
    usual = usual_test_sizes(group)
    rows = group.to_dict("records")
    return [show("predictor", row["predictor_label"]) + shown_with_test_size(row, usual)[len(row["predictor_label"]) :]
            for row in rows]  # fmt: skip


def _ranking_summary(records: list[dict[str, Any]], summary: pd.DataFrame | None) -> pd.DataFrame:
    return summary if summary is not None else summarise_ranking([r for r in records if r["kind"] == "ranking"])


def plot_kendall(
    records: list[dict[str, Any]], directory: str | Path, show: Show = same, summary: pd.DataFrame | None = None
) -> list[Figure]:
    """Per benchmark and target: Kendall tau vs train size, one line per predictor with its band
    (``summary``: the records' ranking summary, where the caller has it already)."""
    plt = _pyplot()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    summary = _ranking_summary(records, summary)
    if summary.empty:
        return []
    groups = list(summary.groupby(["benchmark_label", "target"]))
    styles = Styles([name for _, group in groups for name in _line_names(group, show)])
    written = []
    for (benchmark, target), group in groups:
        fig, ax = plt.subplots(figsize=(9, 4.5))
        names = pd.Series(_line_names(group, show), index=group.index)
        for shown, lines in group.groupby(names, sort=True):
            lines = lines.sort_values("train_size")
            style = styles(shown)
            ax.plot(lines["train_size"], lines["kendall_tau_mean"], label=shown, linestyle="-", **style)
            low, high = lines["kendall_tau_ci_low"].clip(-1, 1), lines["kendall_tau_ci_high"].clip(-1, 1)
            ax.fill_between(lines["train_size"], low, high, alpha=0.15, color=style["color"])  # τ is in [-1, 1]
        ax.set_xscale("log")
        ax.set_xlabel("training cells (labels)")
        ax.set_ylabel("Kendall τ on held-out cells")
        title = f"{show('benchmark', benchmark)} — {target}"
        ax.set_title(title)
        ax.grid(alpha=0.3)
        _legend(ax)
        caption = f"Kendall τ vs training cells on {title}: mean over seeds, band = 95% Student-t interval."
        written.append(
            Figure(save_figure(fig, _stem(directory, benchmark, target, "kendall")), caption, topic("ranking"))
        )
    return written


def _regret_band(runs: pd.DataFrame, length: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean regret after each look-up with its 95% band over seeds (a search that stopped at the best
    cell stays at zero regret)."""
    curves = np.array([np.pad(c, (0, length - len(c)), mode="edge") for c in runs["curve"]], dtype=float)
    sign = np.where(runs["lower_is_better"].fillna(False).astype(bool), -1.0, 1.0) if "lower_is_better" in runs else 1.0
    regret = np.reshape(sign, (-1, 1)) * (runs["best_value"].to_numpy(dtype=float)[:, None] - curves)
    mean, low, high = t_interval(regret.T)
    return mean, np.maximum(low, 0), high


def plot_regret(records: list[dict[str, Any]], directory: str | Path, show: Show = same) -> list[Figure]:
    """Per benchmark, target, target set and budget: regret vs look-ups, one line per strategy and
    guiding predictor, mean over seeds with a 95% band."""
    directory, ok = _finished(records, "search", directory)
    if not ok:
        return []
    plt = _pyplot()
    frame = _search_frame(ok, show)
    frame["target"] = [search_target(record) for record in ok]
    styles = Styles(list(frame["line"]))
    written = []
    for (recorded, target, top, budget), group in frame.groupby(
        ["benchmark_label", "target", "top_fraction", "budget"]
    ):
        benchmark = show("benchmark", recorded)
        fig, ax = plt.subplots(figsize=(10, 4.5))
        steps = np.arange(1, int(budget) + 1)
        for line, runs in group.groupby("line", sort=True):
            mean, low, high = _regret_band(runs, int(budget))
            style = styles(line)
            ax.plot(steps, mean, label=f"{line} ({len(runs)} seeds)", markevery=0.1, markersize=4, **style)
            ax.fill_between(steps, low, high, alpha=0.12, color=style["color"])
        ax.set_xscale("log")
        ax.set_yscale("symlog", linthresh=0.01)
        ax.set_ylim(bottom=0)
        ax.set_xlabel("look-ups (trained architectures)")
        ax.set_ylabel(f"regret of {target}")
        title = f"{benchmark} — budget {int(budget)} look-ups"
        ax.set_title(title)
        ax.grid(alpha=0.3)
        _legend(ax)
        caption = (
            f"Regret (best {target} of the table − best found so far) vs look-ups on {benchmark}, budget "
            f"{int(budget)}: mean over seeds, band = 95% Student-t interval (target set: top {top:.3%})."
        )
        stem = _stem(directory, recorded, target, f"top{top * 100:g}pct", f"budget{int(budget)}", "regret")
        written.append(Figure(save_figure(fig, stem), caption, topic("search", budget, top)))
    return written


def _finished(records: list[dict[str, Any]], kind: str, directory: str | Path) -> tuple[Path, list[dict[str, Any]]]:
    """The figures' folder (created) and the finished records of ``kind``, in canonical order."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return directory, canonical([r for r in records if r["kind"] == kind and r.get("status") == "ok"])


def _search_frame(ok: list[dict[str, Any]], show: Show) -> pd.DataFrame:
    """Search records as a frame with the benchmark's label and a line name per strategy and guide."""
    frame = pd.DataFrame.from_records(ok)
    frame["benchmark_label"] = [label(record, "benchmark") for record in ok]
    for role in ("strategy", "predictor"):
        frame[f"{role}_shown"] = [show(role, label(record, role)) if label(record, role) else "" for record in ok]
    frame["line"] = [f"{s} / {p}" if p else s for s, p in zip(frame["strategy_shown"], frame["predictor_shown"])]
    return frame


def _staircase(ax: Any, front: np.ndarray, signs: tuple[float, float], **style: Any) -> None:
    """A front drawn as the staircase it dominates (points joined in order of the first objective)."""
    ordered = front[np.argsort(front[:, 0], kind="stable")]
    # the boundary of what the front dominates: it steps after a point where the x objective is
    # minimised (better to the left), before it where x is maximised
    ax.step(ordered[:, 0], ordered[:, 1], where="post" if signs[0] < 0 else "pre", **style)


def plot_pareto(records: list[dict[str, Any]], directory: str | Path, show: Show = same) -> list[Figure]:
    """Per benchmark, pair of objectives, hypervolume target and budget: the true front with each
    line's front from its median run, and the hypervolume ratio vs look-ups."""
    directory, ok = _finished(records, "pareto", directory)
    if not ok:
        return []
    plt = _pyplot()
    frame = _search_frame(ok, show)
    styles = Styles(list(frame["line"]))
    written = []
    for (recorded, target, hv_target, budget), group in frame.groupby(
        ["benchmark_label", "target", "hv_target", "budget"]
    ):
        benchmark = show("benchmark", recorded)
        objectives = list(group["objectives"].iloc[0])
        minimised = set(group["lower_is_better"].iloc[0])
        signs = tuple(-1.0 if name in minimised else 1.0 for name in objectives)
        fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
        true_front = np.array(group["true_front"].iloc[0], dtype=float)
        left.scatter(true_front[:, 1], true_front[:, 0], s=60, facecolors="none", edgecolors="black",
                     label=f"true front ({len(true_front)} cells)", zorder=3)  # fmt: skip
        _staircase(left, true_front[:, ::-1], signs[::-1], color="black", linewidth=0.8, alpha=0.6)
        steps = np.arange(1, int(budget) + 1)
        for line, runs in group.groupby("line", sort=True):
            style = styles(line)
            median = runs.iloc[int(np.argsort(runs["hv_ratio"].to_numpy(), kind="stable")[len(runs) // 2])]
            found = np.array(median["found_front"], dtype=float).reshape(-1, 2)
            left.scatter(found[:, 1], found[:, 0], s=18, color=style["color"], marker=style["marker"], label=line)
            curves = np.array([np.pad(c, (0, int(budget) - len(c)), mode="edge") if len(c) else np.zeros(int(budget))
                               for c in runs["hv_curve"]], float)  # fmt: skip
            mean, low, high = t_interval(curves.T)
            right.plot(steps, mean, label=f"{line} ({len(runs)} seeds)", markevery=0.1, markersize=4, **style)
            right.fill_between(steps, np.maximum(low, 0.0), np.minimum(high, 1.0), alpha=0.12, color=style["color"])
        left.set_xlabel(objectives[1] + (" (lower is better)" if objectives[1] in minimised else ""))
        left.set_ylabel(objectives[0] + (" (lower is better)" if objectives[0] in minimised else ""))
        left.set_title(f"{benchmark}: fronts found (median run)")
        left.grid(alpha=0.3)
        right.axhline(float(hv_target), color="grey", linestyle=":", linewidth=1)
        right.set_xscale("log")
        right.set_xlabel("look-ups (trained architectures)")
        right.set_ylabel("hypervolume ratio")
        right.set_title(f"{benchmark}: budget {int(budget)} look-ups")
        right.grid(alpha=0.3)
        _legend(right)
        caption = (
            f"Pareto search on {benchmark}, {target}, budget {int(budget)}: left, the true Pareto front "
            f"(black circles) and the front each strategy found in its median run by hypervolume; right, the "
            f"hypervolume ratio vs look-ups, mean over seeds, band = 95% Student-t interval (dotted: the target "
            f"{float(hv_target):g})."
        )
        stem = _stem(directory, recorded, target, f"hv{float(hv_target):g}", f"budget{int(budget)}", "pareto")
        written.append(Figure(save_figure(fig, stem), caption, topic("pareto", budget, hv_target)))
    return written


def plot_cross_ranking(
    records: list[dict[str, Any]], directory: str | Path, show: Show = same, summary: pd.DataFrame | None = None
) -> list[Figure]:
    """The critical-difference diagram of the cross-benchmark ranking, where the records allow one."""
    result = cross_ranking(_ranking_summary(records, summary))
    if result is None:
        return []
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    fig = plot_critical_difference(result, show, _pyplot())
    caption = (
        f"Critical-difference diagram: mean rank of {result.values.shape[1]} predictors over "
        f"{result.values.shape[0]} blocks (1 = best); predictors joined by a bar are not significantly "
        f"different (Nemenyi, 5%; critical difference {result.critical_difference:.2f})."
    )
    return [Figure(save_figure(fig, _stem(directory, "cross-benchmark-ranking")), caption, topic("across"))]


def plot_all(records: list[dict[str, Any]], directory: str | Path, show: Show = same) -> list[Figure]:
    """Every figure the records support (the ranking summary computed once for all of them)."""
    records = distinct_labels(records)
    summary = _ranking_summary(records, None)
    return (
        plot_kendall(records, directory, show, summary)
        + plot_regret(records, directory, show)
        + plot_pareto(records, directory, show)
        + plot_cross_ranking(records, directory, show, summary)
    )
