"""The protocol and provenance of a report: how the cells were split, what each table holds (sizes,
seeds, budgets, target sets, where the table comes from), how intervals and verdicts are computed,
and which code and library versions wrote the records ("not recorded" for records older than the
``environment`` field)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import pandas as pd

from nasbench_suite.report.inference import FAMILY_ERROR, MIN_SEEDS
from nasbench_suite.report.summaries import canonical, label, search_target
from nasbench_suite.report.tables import Show, same
from nasbench_suite.study.provenance import describe_environment

SPLIT_RULE = (
    "Ranking: for each benchmark, target and seed, one permutation of the cells that have the target is "
    "drawn from the seed alone; its first cells are the test set, the next the training cells (nested across "
    "train sizes, the test set the same at every size), then the unlabelled pool of predictors that ask for "
    "one. Every predictor of a seed is scored on the same cells, so comparisons are paired by seed. Search: a "
    "run's random generator depends on its seed and benchmark only; the target set is the top fraction of "
    "all cells with a value, and random search's expected look-ups to it are exact."
)
#: Said where the records follow a published protocol's test rule or training pool.
TEST_EVERY_RULE = (
    "Test every cell (--test-size every, the published protocol of TNASP, NAR-Former, NN-Former and PINAT): "
    "a run's training cells are the first of its seed's permutation, nested across train sizes, and it is "
    "scored on every cell with the target, its own training cells included."
)
TEST_REST_RULE = (
    "Test the rest (--test-size rest): a run's training (then unlabelled) cells are the first of its seed's "
    "permutation, nested across train sizes, and it is scored on every other cell (a predictor with an "
    "unlabelled pool is therefore scored on fewer cells than the others of its seed)."
)
TRAIN_POOL_RULE = (
    "Training pool (--train-pool, the GATES protocol): a fixed pool of cells, drawn once per benchmark and the "
    "same for every seed, supplies the labels (each seed draws its training cells from it, nested across train "
    "sizes); test cells are drawn from outside the pool."
)
#: Said where the records hold constrained, minimised or Pareto searches.
CONSTRAINED_RULE = (
    "Constrained search: only the cells that satisfy the constraint (on a metric of the table known for every "
    "cell) are searched; the target set, the best cell and random search's expectation refer to them."
)
MINIMISED_RULE = (
    "Minimised targets (latency, energy): ranking scores and top regions use the negated values, so the best "
    "cells are the lowest; searches look for the lowest value."
)
PARETO_RULE = (
    "Pareto search: each look-up returns both objectives; both are scaled to [0, 1] over the table's cells "
    "(a minimised one turned round) and hypervolumes are measured exactly from the reference point "
    "(-0.1, -0.1); random search's expected look-ups to a hypervolume are a Monte-Carlo estimate over 400 "
    "seeded random orders of the table's cells."
)
STATISTICS = (
    "Intervals are 95% Student-t intervals of the mean over seeds (no resampling; the same records give the "
    "same numbers in any order). A sample-efficiency gain's interval is that of its mean look-ups, inverted. "
    "Claims compare paired seeds (Student-t for differences, Fieller for ratios of gains; the Wilcoxon "
    "signed-rank test in the direction a bound allows where a side missed in some runs); a comparison "
    f"needs {MIN_SEEDS} paired seeds for a verdict, and the comparisons of one claim are decided together by "
    f"Holm's step-down procedure at a family-wise error of {FAMILY_ERROR:.0%} per claim. The cross-benchmark ranking "
    "uses the Friedman test and the Nemenyi post-hoc test."
)


def _sizes(values: pd.Series) -> str:
    found = sorted({int(v) for v in values.dropna() if v is not None})
    return ", ".join(f"{v:,}" for v in found) if found else "—"


def _range(values: list[int]) -> str:
    return "—" if not values else str(min(values)) if min(values) == max(values) else f"{min(values)}–{max(values)}"


def _with(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """``frame`` with every one of ``columns`` (missing ones empty), so records of any age group alike."""
    missing = {column: pd.Series(None, index=frame.index, dtype=object) for column in columns if column not in frame}
    return frame.assign(**missing)


def _target_sets(search: pd.DataFrame) -> str:
    """The searches' target sets: top fractions of the cells, hypervolume fractions of the true front."""
    tops = [f"top {v:.3%}" for v in sorted(set(search["top_fraction"].dropna()))]
    fronts = [f"{v:.1%} of the front's hypervolume" for v in sorted(set(search["hv_target"].dropna()))]
    return ", ".join(tops + fronts) or "—"


def protocol_table(records: list[dict[str, Any]], provenance: Mapping[str, str], show: Show = same) -> pd.DataFrame:
    """One row per benchmark (as labelled) and target."""
    records = canonical([r for r in records if r.get("status") == "ok"])
    if not records:
        return pd.DataFrame()
    frame = pd.DataFrame.from_records(records)
    frame["benchmark_shown"] = [label(record, "benchmark") for record in records]
    frame["target"] = [search_target(record) for record in records]
    rows = []
    for (benchmark, target), group in frame.groupby(["benchmark_shown", "target"], sort=True):
        ranking = _with(group[group["kind"] == "ranking"], "predictor", "train_size", "test_size", "pool_size")
        search_by = ["strategy", "predictor", "budget", "top_fraction", "hv_target"]
        search = _with(group[group["kind"].isin(["search", "pareto"])], *search_by, "space_size")
        pools = [*ranking["pool_size"].dropna(), *search["space_size"].dropna()]
        ranking_seeds = [len(g) for _, g in ranking.groupby(["predictor", "train_size", "test_size"], dropna=False)]
        search_seeds = [len(g) for _, g in search.groupby(search_by, dropna=False)]
        name = (
            group["benchmark_name"].dropna().iloc[0]
            if "benchmark_name" in group and group["benchmark_name"].notna().any()
            else benchmark.split(":")[0]
        )
        rows.append(
            {
                "benchmark": show("benchmark", benchmark),
                "target": target,
                "cells with the target": _sizes(pd.Series(pools)) if pools else "not recorded",
                "train sizes": _sizes(ranking["train_size"]) if len(ranking) else "—",
                "test cells": _sizes(ranking["test_size"]) if len(ranking) else "—",
                "seeds per ranking row": _range(ranking_seeds),
                "budgets": _sizes(search["budget"]) if len(search) else "—",
                "target sets": _target_sets(search),
                "seeds per search row": _range(search_seeds),
                "source": provenance.get(name, "—"),
            }
        )  # fmt: skip
    return pd.DataFrame(rows)


def environments(records: list[dict[str, Any]]) -> str:
    """Each distinct code state and library set behind the records, with how many records it wrote."""
    counts = Counter(describe_environment(record.get("environment")) for record in records)
    return "; ".join(f"{text} ({count} records)" for text, count in sorted(counts.items()))


def versions(records: list[dict[str, Any]]) -> list[str]:
    """Distinct ``distribution version`` strings of the suite and plugins behind the records."""
    found = set()
    for record in records:
        found.add(f"nasbench-suite {record.get('suite_version')}")
        for info in filter(None, (record.get("plugins") or {}).values()):
            found.add(f"{info.get('distribution') or info.get('plugin')} {_version(info)}")
    return sorted(found)


def _version(info: dict[str, Any]) -> str:
    """A plugin's version; a plugin without one is said to be a module or registered in code."""
    if info.get("version") is not None:
        return str(info["version"])
    return f"({info['source']}, no version)" if info.get("source") else "(no version)"


def protocol_text(records: list[dict[str, Any]]) -> str:
    """The split rule, the statistics, versions and environments, as one paragraph per topic."""
    rules = [SPLIT_RULE]
    for field, rule in (
        ("test_every", TEST_EVERY_RULE),
        ("test_rest", TEST_REST_RULE),
        ("train_pool", TRAIN_POOL_RULE),
    ):
        if any(record.get(field) for record in records):
            rules.append(rule)
    relabelled = sorted({(r["train_target"], r.get("target", "")) for r in records if r.get("train_target")})
    if relabelled:
        pairs = "; ".join(f"trained on {train}, scored on {scored}" for train, scored in relabelled)
        rules.append(f"Training labels (--train-target): the training cells carry another target than the one "
                     f"scored ({pairs}); splits are drawn from the cells that have both.")  # fmt: skip
    if any(record.get("constraint") for record in records):
        rules.append(CONSTRAINED_RULE)
    if any(record.get("lower_is_better") for record in records):
        rules.append(MINIMISED_RULE)
    if any(record.get("kind") == "pareto" for record in records):
        rules.append(PARETO_RULE)
    return "\n\n".join(
        [
            f"Splits. {' '.join(rules)}",
            f"Statistics. {STATISTICS}",
            f"Versions: {', '.join(versions(records))}.",
            f"Code and libraries: {environments(records)}.",
        ]
    )
