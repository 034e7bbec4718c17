"""Published figures beside measured ones: for every registered
:class:`~nasbench_suite.PublishedResult` whose protocol the report's ranking records follow (same
benchmark, target, number of labels, training pool and test rule), one table per protocol and train
size with the suite's measured rows, ranked, and the papers' rows below them, marked as published and
never ranked."""

from __future__ import annotations

import fnmatch
from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd

from nasbench_suite.contracts.published import EVERY, PublishedResult
from nasbench_suite.report.inference import mean_interval
from nasbench_suite.report.tables import Show, bracket, mean_std, number, same

PUBLISHED_NOTE = (
    "Measured rows (source: this report's runs) are ranked by mean over seeds, with the 95% Student-t "
    "interval of the mean; published rows are figures from the papers' tables, shown as published and "
    "never ranked: the suite did not run them. Cells: how many cells of the table the runs drew their "
    "splits from, against the size of the paper's space in a published row."
)


def follows(record: dict[str, Any], published: PublishedResult) -> bool:
    """Whether a finished ranking record follows the published result's protocol."""
    if record.get("kind") != "ranking" or record.get("status") != "ok" or record.get(published.metric) is None:
        return False
    name = record.get("benchmark_name") or str(record.get("benchmark", "")).split(":", 1)[0]
    if not fnmatch.fnmatchcase(name, published.benchmark) or record.get("target") != published.target:
        return False
    if record.get("train_size") != published.train_size or (record.get("train_pool") or 0) != published.train_pool:
        return False
    if published.test_cells == EVERY:
        return bool(record.get("test_every"))
    if published.test_cells is not None:
        return record.get("test_size") == published.test_cells and not record.get("test_every")
    if published.train_pool:
        return record.get("test_size") == (record.get("pool_size") or 0) - published.train_pool
    return bool(record.get("test_rest"))


def published_tables(
    records: list[dict[str, Any]], published: list[PublishedResult], show: Show = same
) -> list[tuple[str, pd.DataFrame, str]]:
    """``(title, table, split in words)`` per (protocol, benchmark, target, train size) with measured
    runs and at least one published figure, in a stable order."""
    groups: dict[tuple, list[PublishedResult]] = defaultdict(list)
    measured: dict[tuple, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for result in published:
        for record in records:
            if follows(record, result):
                benchmark = record.get("benchmark_label") or record.get("benchmark")
                where = (result.protocol, benchmark, result.target, result.train_size, result.metric)
                if result not in groups[where]:
                    groups[where].append(result)
                runs = measured[where][record.get("predictor_label") or record.get("predictor")]
                if record not in runs:
                    runs.append(record)
    out = []
    for where in sorted(groups, key=lambda w: (w[0], str(w[1]), w[2], w[3], w[4])):
        protocol, benchmark, target, train_size, metric = where
        title = _title(protocol, show("benchmark", benchmark), target, train_size, metric)
        out.append((title, _table(measured[where], groups[where], metric, show), groups[where][0].split_text()))
    return out


def _metric_name(metric: str) -> str:
    return {"kendall_tau": "Kendall τ"}.get(metric, metric)


def _title(protocol: str, benchmark: str, target: str, train_size: int, metric: str) -> str:
    shown = _metric_name(metric)
    return f"Published beside measured: {protocol}, {benchmark}, {target}, {train_size:,} labels ({shown})"


def _table(
    measured: dict[str, list[dict[str, Any]]], published: list[PublishedResult], metric: str, show: Show
) -> pd.DataFrame:
    rows = []
    for predictor, runs in measured.items():
        values = np.array([run[metric] for run in runs], dtype=np.float64)
        interval = mean_interval(values)
        cells = sorted({int(run.get("pool_size") or 0) for run in runs})
        rows.append(
            {
                "method": show("predictor", predictor),
                "source": "measured (this report)",
                "mean": float(values.mean()),
                "value": mean_std(float(values.mean()), float(values.std(ddof=1)) if len(values) > 1 else np.nan),
                "95% CI": bracket(interval.low, interval.high),
                "seeds": len(values),
                "cells": ", ".join(f"{c:,}" for c in cells),
            }
        )
    table = pd.DataFrame(rows).sort_values(["mean", "method"], ascending=[False, True], kind="stable")
    table.insert(0, "rank", [str(rank) for rank in table["mean"].rank(ascending=False, method="min").astype(int)])
    paper = pd.DataFrame(
        [
            {
                "rank": "published",
                "method": result.method,
                "source": result.source,
                "mean": result.value,
                "value": number(result.value),
                "95% CI": "—",
                "seeds": "—",
                "cells": f"{result.space_cells:,}" if result.space_cells else "—",
            }
            for result in sorted(published, key=lambda r: (-r.value, r.method))
        ]
    )
    both = pd.concat([table, paper], ignore_index=True).drop(columns="mean")
    return both.rename(columns={"value": _metric_name(metric)})
