"""Methods side by side: per benchmark and target, one row per predictor (and per unguided search
strategy) with its Kendall tau at each train size, its cost, and the sample-efficiency gain of the
best search it guided — a study's ranking and search records joined on the benchmark. Where a
predictor was also tested on fewer (or more) cells than the benchmark's usual test set, those runs
get a row of their own, labelled with their test size."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from nasbench_suite.report.summaries import shown_with_test_size, summarise_ranking, summarise_search, usual_test_sizes

NO_GUIDE = "—"


def methods_table(records: list[dict[str, Any]]) -> dict[tuple[str, str], pd.DataFrame]:
    """``(benchmark label, target) -> table``: one row per method, ranking and search columns."""
    ranking = summarise_ranking([r for r in records if r["kind"] == "ranking"])
    search = summarise_search([r for r in records if r["kind"] == "search"])
    tables: dict[tuple[str, str], pd.DataFrame] = {}
    keys = set()
    if len(ranking):
        keys |= set(zip(ranking["benchmark_label"], ranking["target"]))
    if len(search):
        keys |= set(zip(search["benchmark_label"], search["target"]))
    for benchmark, target in sorted(keys):
        rows: dict[str, dict[str, Any]] = {}
        if len(ranking):
            part = ranking[(ranking["benchmark_label"] == benchmark) & (ranking["target"] == target)]
            usual = usual_test_sizes(part)
            for row in part.sort_values("train_size").to_dict("records"):
                method = shown_with_test_size(row, usual)
                entry = rows.setdefault(method, {"method": method})
                entry[f"tau@{row['train_size']}"] = (
                    row["kendall_tau_mean"],
                    row["kendall_tau_ci_low"],
                    row["kendall_tau_ci_high"],
                )
                entry.update(  # the cost at the largest train size
                    fit_seconds=row["fit_seconds"], predict_seconds=row["predict_seconds"],
                    peak_rss_mb=row["peak_rss_mb"], peak_cuda_mb=row["peak_cuda_mb"], device=row["device"],
                )  # fmt: skip
        if len(search):
            part = search[(search["benchmark_label"] == benchmark) & (search["target"] == target)]
            for _, row in part.iterrows():
                guided = row["predictor_label"] != NO_GUIDE
                method = row["predictor_label"] if guided else row["strategy_label"]
                entry = rows.setdefault(method, {"method": method})
                if np.nan_to_num(row["seg_target"], nan=-1) <= entry.get("seg", (-1,))[0]:
                    continue  # the best search this predictor guided
                entry.update(
                    seg=(row["seg_target"], row["seg_target_ci_low"], row["seg_target_ci_high"], row["missed_target"]),
                    hits=f"{row['seeds'] - row['missed_target']}/{row['seeds']}", budget=row["budget"],
                    search=row["strategy_label"] if guided else "(itself)",
                )  # fmt: skip
        tables[(benchmark, target)] = pd.DataFrame(list(rows.values()))
    return tables
