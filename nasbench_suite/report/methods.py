"""Methods side by side: per benchmark and target, one row per predictor (and per unguided search
strategy) with its Kendall tau at each train size, its cost, and per search budget the
sample-efficiency gain of the best search it guided at that budget — a study's ranking and search
records joined on the benchmark. Gains at different budgets are never compared: each budget has
its own column. Where a predictor was also tested on fewer (or more) cells than the benchmark's
usual test set, those runs get a row of their own, labelled with their test size."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from nasbench_suite.report.summaries import usual_test_sizes
from nasbench_suite.report.tables import Show, interval, number, same, seg_text

NO_GUIDE = "—"
METHODS_NOTE = (
    "Rows: by Kendall τ at the largest train size (then the next smaller), highest first; rows without τ "
    "(search strategies, guides only) after them, by SEG at the largest budget. τ: mean over seeds [95% "
    "Student-t interval]; cost at the largest train size. SEG @ B: per budget B (and target set), the best "
    "search the predictor guided (or the strategy itself) there, named beside it; a search whose runs all "
    "reached the target is preferred to one with misses, whose gain is only a bound (≤)."
)


def _entry(role: str, label: str, suffix: str) -> dict[str, Any]:
    return {"method": label + suffix, "role": role, "label": label, "suffix": suffix}


def _better(candidate: dict[str, Any], current: dict[str, Any] | None) -> bool:
    """Whether a search is the better one to show: complete searches beat censored ones, then SEG."""
    if current is None:
        return True
    return (not candidate["censored"], candidate["seg"]) > (not current["censored"], current["seg"])


def search_column(budget: int, top: float) -> str:
    """The column of the searches at one budget and target set."""
    return f"search@{budget}@{top!r}"


def _budget_and_top(column: str) -> tuple[int, float]:
    _, budget, top = column.split("@")
    return int(budget), float(top)


def methods_table(ranking: pd.DataFrame, search: pd.DataFrame) -> dict[tuple[str, str], pd.DataFrame]:
    """``(benchmark label, target) -> table`` from the ranking and search summaries: one row per
    method. Columns: ``method`` (label and suffix), ``role``, ``label``, ``suffix``, ``tau@SIZE``
    (value, low, high), the costs, and per budget and target set (:func:`search_column`) a dict of
    the chosen search's strategy, SEG, interval, censoring and hits."""
    keys = set()
    if len(ranking):
        keys |= set(zip(ranking["benchmark_label"], ranking["target"]))
    if len(search):
        keys |= set(zip(search["benchmark_label"], search["target"]))
    tables: dict[tuple[str, str], pd.DataFrame] = {}
    for benchmark, target in sorted(keys):
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        if len(ranking):
            part = ranking[(ranking["benchmark_label"] == benchmark) & (ranking["target"] == target)]
            usual = usual_test_sizes(part)
            for row in part.sort_values("train_size").to_dict("records"):
                unusual = row["test_size"] != usual[row["train_size"]]
                suffix = f" ({row['test_size']} test cells)" if unusual else ""
                name = row["predictor_label"]
                entry = rows.setdefault((name, suffix), _entry("predictor", name, suffix))
                entry[f"tau@{row['train_size']}"] = (
                    row["kendall_tau_mean"], row["kendall_tau_ci_low"], row["kendall_tau_ci_high"]
                )  # fmt: skip
                entry.update(  # the cost at the largest train size
                    fit_seconds=row["fit_seconds"], predict_seconds=row["predict_seconds"],
                    peak_rss_mb=row["peak_rss_mb"], device=row["device"],
                )  # fmt: skip
        if len(search):
            part = search[(search["benchmark_label"] == benchmark) & (search["target"] == target)]
            for row in part.to_dict("records"):
                if not row["seeds"] or math.isnan(row["seg_target"]):
                    continue  # every run failed: listed under the failures, never a gain here
                guided = row["predictor_label"] != NO_GUIDE
                role, name = ("predictor", row["predictor_label"]) if guided else ("strategy", row["strategy_label"])
                entry = rows.setdefault((name, ""), _entry(role, name, ""))
                candidate = {
                    "strategy": row["strategy_label"] if guided else "",
                    "seg": row["seg_target"], "low": row["seg_target_ci_low"], "high": row["seg_target_ci_high"],
                    "censored": bool(row["censored_target"]),
                    "hits": f"{row['seeds'] - row['missed_target']}/{row['seeds']}",
                }  # fmt: skip
                column = search_column(int(row["budget"]), float(row["top_fraction"]))
                if _better(candidate, entry.get(column)):
                    entry[column] = candidate
        tables[(benchmark, target)] = pd.DataFrame(_ordered(list(rows.values())))
    return tables


def _ordered(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sizes = sorted({int(c[4:]) for e in entries for c in e if c.startswith("tau@")}, reverse=True)
    columns = sorted({c for e in entries for c in e if c.startswith("search@")}, key=_budget_and_top, reverse=True)

    def key(entry: dict[str, Any]) -> tuple:
        taus = [entry.get(f"tau@{size}", (math.nan,))[0] for size in sizes]
        has_tau = any(not math.isnan(t) for t in taus)
        segs = [entry.get(column, {}).get("seg", math.nan) for column in columns]
        ranked = [-t if not math.isnan(t) else math.inf for t in (taus if has_tau else segs)]
        return (not has_tau, *ranked, entry["label"], entry["suffix"])

    return sorted(entries, key=key)


def methods_rows(table: pd.DataFrame, show: Show = same) -> pd.DataFrame:
    """The side-by-side table's columns, display labels applied."""
    sizes = sorted((c for c in table.columns if c.startswith("tau@")), key=lambda c: int(c[4:]))
    columns = sorted((c for c in table.columns if c.startswith("search@")), key=_budget_and_top)
    tops = {_budget_and_top(column)[1] for column in columns}
    out = []
    for row in table.to_dict("records"):
        shown = {"method": show(row["role"], row["label"]) + row["suffix"]}
        for size in sizes:
            value = row.get(size)
            shown[f"τ @ {size[4:]}"] = interval(*value) if isinstance(value, tuple) else "—"
        shown["fit s"] = number(row.get("fit_seconds"), 2)
        shown["predict s"] = number(row.get("predict_seconds"), 2)
        shown["peak MB"] = number(row.get("peak_rss_mb"), 0)
        shown["device"] = row.get("device") if isinstance(row.get("device"), str) and row.get("device") else "—"
        for column in columns:
            budget, top = _budget_and_top(column)
            header = f"SEG @ {budget}" + (f", top {top:.1%}" if len(tops) > 1 else "")
            found = row.get(column)
            if not isinstance(found, dict):
                shown[header] = "—"
                continue
            seg = seg_text(found["seg"], found["low"], found["high"], found["censored"])
            by = f"; {show('strategy', found['strategy'])}" if found["strategy"] else ""
            shown[header] = f"{seg} ({found['hits']} hits{by})"
        out.append(shown)
    return pd.DataFrame(out)
