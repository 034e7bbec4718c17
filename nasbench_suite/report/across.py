"""Methods ranked across every task of a study, as ML venues compare methods over many datasets
(Demšar, JMLR 2006): each (benchmark, target, train size, test set) is a block, each predictor is
ranked within every block by its mean Kendall tau over seeds (1 = best), and a Friedman test asks
whether the mean ranks differ at all; the Nemenyi post-hoc test (scikit-posthocs) says which pairs
differ, drawn as a critical-difference diagram.

The Friedman test needs every method in every block. Where a study's blocks hold different methods,
the largest complete design is kept by dropping, one at a time, the method or block with the largest
share of missing entries (a method before a block on a tie); what was left out is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

#: A Friedman test needs at least this many methods and blocks.
MIN_METHODS, MIN_BLOCKS = 3, 2
ALPHA = 0.05


@dataclass(frozen=True)
class CrossRanking:
    """The complete design, its mean ranks, the Friedman test and the Nemenyi p-values."""

    values: pd.DataFrame  # blocks x methods: mean Kendall tau
    mean_ranks: pd.Series  # method -> mean rank (1 = best), best first
    statistic: float
    p_value: float
    nemenyi: pd.DataFrame  # method x method p-values
    critical_difference: float
    left_out_methods: tuple[str, ...]
    left_out_blocks: int


def _block_name(benchmark: str, target: str, train: int, test: int, split: str = "") -> str:
    return f"{benchmark}, {target}, train {train}, test {test}" + (f" ({split})" if split else "")


def _complete(matrix: pd.DataFrame) -> pd.DataFrame:
    """Drop methods (columns) or blocks (rows) until no entry is missing."""
    while matrix.isna().to_numpy().any() and matrix.shape[0] and matrix.shape[1]:
        by_method = matrix.isna().mean(axis=0)
        by_block = matrix.isna().mean(axis=1)
        worst_method = by_method.sort_values(ascending=False, kind="stable").index[0]
        worst_block = by_block.sort_values(ascending=False, kind="stable").index[0]
        if by_method[worst_method] >= by_block[worst_block]:
            matrix = matrix.drop(columns=worst_method)
        else:
            matrix = matrix.drop(index=worst_block)
    return matrix


def cross_ranking(summary: pd.DataFrame) -> CrossRanking | None:
    """The cross-benchmark ranking of a ranking summary's predictors, or ``None`` where the records
    allow no complete design of at least :data:`MIN_METHODS` methods and :data:`MIN_BLOCKS` blocks
    from at least two benchmarks (or targets)."""
    import scikit_posthocs

    if summary.empty:
        return None
    rows = summary[summary["seeds"] > 0].dropna(subset=["kendall_tau_mean"])
    if rows.empty:
        return None
    blocks = [
        _block_name(*key)
        for key in zip(rows["benchmark_label"], rows["target"], rows["train_size"], rows["test_size"], rows["split"])
    ]
    full = pd.DataFrame({"block": blocks, "method": rows["predictor_label"], "tau": rows["kendall_tau_mean"]})
    full = full.pivot_table(index="block", columns="method", values="tau", aggfunc="first").sort_index()
    full = full.reindex(sorted(full.columns), axis=1)
    matrix = _complete(full)
    benchmarks = {block.split(", train ")[0] for block in matrix.index}
    if matrix.shape[1] < MIN_METHODS or matrix.shape[0] < MIN_BLOCKS or len(benchmarks) < 2:
        return None  # train sizes of one benchmark alone are no sample of tasks
    ranks = matrix.rank(axis=1, ascending=False, method="average")
    mean_ranks = ranks.mean(axis=0).sort_values(kind="stable")
    statistic, p_value = stats.friedmanchisquare(*(matrix[column].to_numpy() for column in matrix.columns))
    nemenyi = scikit_posthocs.posthoc_nemenyi_friedman(matrix.to_numpy())
    nemenyi.index = nemenyi.columns = matrix.columns
    k, n = matrix.shape[1], matrix.shape[0]
    q = stats.studentized_range.ppf(1 - ALPHA, k, np.inf) / np.sqrt(2)
    return CrossRanking(
        values=matrix, mean_ranks=mean_ranks, statistic=float(statistic), p_value=float(p_value), nemenyi=nemenyi,
        critical_difference=float(q * np.sqrt(k * (k + 1) / (6 * n))),
        left_out_methods=tuple(sorted(set(full.columns) - set(matrix.columns))),
        left_out_blocks=int(full.shape[0] - matrix.shape[0]),
    )  # fmt: skip


def cross_rows(result: CrossRanking, show: Any) -> pd.DataFrame:
    """Mean rank per method, best first, with the methods it is not significantly different from."""
    out = []
    for method, rank in result.mean_ranks.items():
        tied = [show("predictor", other) for other in result.mean_ranks.index
                if other != method and result.nemenyi.loc[method, other] >= ALPHA]  # fmt: skip
        out.append(
            {
                "predictor": show("predictor", method),
                "mean rank": f"{rank:.2f}",
                "mean τ over blocks": f"{result.values[method].mean():.3f}",
                "not significantly different from (Nemenyi, 5%)": ", ".join(tied) or "—",
            }
        )
    return pd.DataFrame(out)


def cross_note(result: CrossRanking, show: Any) -> str:
    k, n = result.values.shape[1], result.values.shape[0]
    left_out = ", ".join(show("predictor", method) for method in result.left_out_methods)
    left = (
        f" Left out to complete the design: {len(result.left_out_methods)} predictors not measured in every "
        f"block ({left_out}) and {result.left_out_blocks} blocks."
        if result.left_out_methods or result.left_out_blocks
        else ""
    )
    return (
        f"{k} predictors ranked within each of {n} blocks (benchmark, target, train size, test set) by mean "
        f"Kendall τ over seeds (rank 1 = best). Friedman test: χ² = {result.statistic:.2f}, p = {result.p_value:.2g} "
        f"(chi-square approximation, {k - 1} degrees of freedom). Nemenyi critical difference at 5%: "
        f"{result.critical_difference:.2f} ranks. The train sizes of one benchmark share their test cells, so its "
        f"blocks are related tasks: read the test as a summary across the study, not as independent evidence.{left}"
    )


def plot_critical_difference(result: CrossRanking, show: Any, pyplot: Any) -> Any:
    """The critical-difference diagram of ``result`` as a matplotlib figure."""
    import scikit_posthocs

    ranks = result.mean_ranks.rename(index=lambda method: show("predictor", method))
    nemenyi = result.nemenyi.rename(index=lambda m: show("predictor", m), columns=lambda m: show("predictor", m))
    fig, ax = pyplot.subplots(figsize=(9, 0.35 * len(ranks) + 1.5))
    drawn = scikit_posthocs.critical_difference_diagram(
        ranks, nemenyi, ax=ax, alpha=ALPHA,
        label_fmt_left="{label} ({rank:.2f})", label_fmt_right="({rank:.2f}) {label}",
    )  # fmt: skip
    for lines in drawn["crossbars"]:  # drawn from sets: put each bar's points in order, for identical files
        for line in lines:
            line.set_xdata(sorted(line.get_xdata()))
    ax.set_title(f"Mean rank across {result.values.shape[0]} blocks (Friedman p = {result.p_value:.2g}); "
                 "bars join predictors not significantly different (Nemenyi, 5%)", fontsize=9)  # fmt: skip
    return fig
