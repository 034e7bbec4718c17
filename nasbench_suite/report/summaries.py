"""Summarise records into leaderboard tables: one row per ranking group (benchmark, target, train
size, test size, predictor) and per search group (benchmark, target, top fraction, budget, strategy,
predictor), with means, Student-t intervals over seeds (:mod:`.inference`), failures and ranks.
Pure functions of the records, whatever their order."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from nasbench_suite.report.inference import gain_interval, mean_interval
from nasbench_suite.specs import identity_digest, labels_telling_apart

METRICS = (
    "kendall_tau", "spearman", "pearson", "kendall_tau_top_10pct", "kendall_tau_top_1pct",
    "precision_at_10", "precision_at_100", "n_at_10", "n_at_100",
)  # fmt: skip
#: Recorded by runs with ``--score-train``: the same metrics on the training cells.
TRAIN_METRICS = ("train_kendall_tau", "train_kendall_tau_top_10pct")
COSTS = ("fit_seconds", "predict_seconds", "peak_rss_mb", "peak_cuda_mb")
RANKING_GROUP = ["benchmark", "target", "train_size", "test_size", "split", "predictor"]
SEARCH_GROUP = ["benchmark", "target", "top_fraction", "budget", "strategy", "predictor"]
PARETO_GROUP = ["benchmark", "target", "hv_target", "budget", "strategy", "predictor"]
PARETO_FIELDS = ("hv_ratio", "lookups_to_hv_target", "reached_hv_target", "expected_random_to_hv_target",
                 "random_to_final_hv", "front_found", "front_size", "seconds")  # fmt: skip
SEARCH_FIELDS = (
    "lookups_to_target", "reached_target", "lookups_to_best", "reached_best", "expected_random_to_target",
    "expected_random_to_best", "seconds",
)  # fmt: skip

#: The roles a record names plugins in.
ROLES = ("benchmark", "predictor", "strategy")
#: A quoted option value that is a path (records of suite 0.1.0 carry no labels).
_PATH_OPTION = re.compile(r"[,:]\w+='[^']*/[^']*'(?=,|$)")


def label(record: dict[str, Any], role: str) -> str | None:
    """How leaderboards show the record's benchmark / predictor / strategy: its label, or for older
    records the spec without options that name a path."""
    if record.get(f"{role}_label") is not None:
        return record[f"{role}_label"]
    spec = record.get(role)
    if spec is None:
        return None
    stripped = _PATH_OPTION.sub("", spec).replace(":,", ":")
    return stripped[:-1] if stripped.endswith(":") else stripped


def distinct_labels(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``records`` with one label per identity, and labels that tell apart every benchmark,
    predictor and strategy they hold: where two identities of one role share a label (two files of
    one name, a default that changed between runs), each label shows the options that differ, a file
    as its name and 8 digits of its content hash (:func:`~nasbench_suite.specs.labels_telling_apart`).
    Every table, figure and quoted figure reads these labels; the result does not depend on the
    records' order."""
    relabelled = {}
    for role in ROLES:
        shown = _one_label_per_identity(records, role)
        by_label: dict[str, list[str]] = {}
        for identity, text in sorted(shown.items()):
            by_label.setdefault(text, []).append(identity)
        for text, identities in by_label.items():
            if len(identities) > 1:
                shown.update(labels_telling_apart(text, identities))
        clashing = {text for text, count in Counter(shown.values()).items() if count > 1}  # still shared
        shown.update({i: f"{text} #{identity_digest(i)}" for i, text in shown.items() if text in clashing})
        relabelled[role] = shown
    result = []
    for record in records:
        new = {f"{role}_label": relabelled[role][record[role]] for role in ROLES if record.get(role) is not None}
        changed = any(record.get(key) != value for key, value in new.items())
        result.append({**record, **new} if changed else record)
    return result


def _one_label_per_identity(records: list[dict[str, Any]], role: str) -> dict[str, str]:
    """Each identity's label: that of its latest record (records written by different versions may
    label one identity differently)."""
    latest: dict[str, tuple[str, str]] = {}
    for record in records:
        identity = record.get(role)
        if identity is not None:
            candidate = (str(record.get("finished_at") or ""), label(record, role) or "")
            latest[identity] = max(latest.get(identity, candidate), candidate)
    return {identity: text for identity, (_, text) in latest.items()}


def canonical(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records in one order, whatever order they were read in (by key, then finishing time)."""
    return sorted(records, key=lambda record: (record["key"], str(record.get("finished_at")), record.get("status")))


def split_rule(record: dict[str, Any]) -> str:
    """How a ranking run's cells were split and labelled beyond its sizes, in words ("" for the default
    rule): ``every cell tested``, ``rest tested``, ``pool 7,290``, ``labels val_accuracy``. Runs of
    different rules are never pooled or paired, even where their test sizes agree."""
    parts = []
    if record.get("test_every"):
        parts.append("every cell tested")
    if record.get("test_rest"):
        parts.append("rest tested")
    if record.get("train_pool"):
        parts.append(f"pool {int(record['train_pool']):,}")
    if record.get("train_target"):
        parts.append(f"labels {record['train_target']}")
    return ", ".join(parts)


def _frame(records: list[dict[str, Any]], roles: tuple[str, ...], numeric: tuple[str, ...]) -> pd.DataFrame:
    records = canonical(records)
    frame = pd.DataFrame.from_records(records)
    for role in roles:
        frame[f"{role}_shown"] = [label(record, role) or "—" for record in records]
        frame[role] = frame[role].fillna("—")
    for column in numeric:
        frame[column] = pd.to_numeric(frame[column], errors="coerce") if column in frame else np.nan
    return frame


def first_error(group: pd.DataFrame) -> str:
    """The error message of the group's first failed record ("" when none failed)."""
    if "error" not in group:
        return ""
    errors = group.loc[group["status"] != "ok", "error"].dropna()
    return errors.iloc[0] if len(errors) else ""


def rank_within(table: pd.DataFrame, by: list[str], column: str) -> pd.Series:
    """Rank 1 = highest ``column`` within each ``by`` group; a row without a value (every run failed,
    or the measure is undefined) is listed unranked (``<NA>``)."""
    return table.groupby(by)[column].rank(ascending=False, method="min", na_option="keep").astype("Int64")


def _shown(group: pd.DataFrame, roles: tuple[str, ...]) -> dict[str, Any]:
    return {f"{role}_label": group[f"{role}_shown"].iloc[0] for role in roles}


def summarise_ranking(records: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per (benchmark, target, train size, test size, predictor): mean/std over seeds, the
    95% Student-t interval of the mean Kendall tau, costs, counts of finished / failed / undefined
    runs, and rank. Runs tested on different numbers of cells are never pooled (``test_size`` -1: not
    recorded)."""
    if not records:
        return pd.DataFrame(columns=[*RANKING_GROUP, "rank"])
    roles = ("benchmark", "predictor")
    frame = _frame(records, roles, (*METRICS, *TRAIN_METRICS, *COSTS, "test_size"))
    frame["test_size"] = frame["test_size"].fillna(-1).astype(int)
    frame["split"] = [split_rule(record) for record in records]
    rows = []
    for key, group in frame.groupby(RANKING_GROUP, sort=True):
        ok = group[group["status"] == "ok"]
        row: dict[str, Any] = dict(zip(RANKING_GROUP, key)) | _shown(group, roles)
        row["seeds"] = int(len(ok))
        row["failed"] = int((group["status"] != "ok").sum())
        row["undefined"] = int(ok["kendall_tau"].isna().sum())
        for metric in (*METRICS, *TRAIN_METRICS):
            row[f"{metric}_mean"] = ok[metric].mean()
            row[f"{metric}_std"] = ok[metric].std(ddof=1) if ok[metric].count() > 1 else np.nan
        tau = mean_interval(ok["kendall_tau"].to_numpy(dtype=np.float64))
        row["kendall_tau_ci_low"], row["kendall_tau_ci_high"] = tau.low, tau.high
        row["fit_seconds"] = ok["fit_seconds"].mean()
        row["predict_seconds"] = ok["predict_seconds"].mean()
        row["peak_rss_mb"] = ok["peak_rss_mb"].max()
        row["peak_cuda_mb"] = ok["peak_cuda_mb"].max()
        row["device"] = ", ".join(sorted(set(ok["device"].dropna()))) if "device" in ok and len(ok) else ""
        row["first_error"] = first_error(group)
        rows.append(row)
    table = pd.DataFrame(rows)
    table["rank"] = rank_within(table, ["benchmark", "target", "train_size", "test_size", "split"], "kendall_tau_mean")
    order = ["benchmark", "target", "train_size", "test_size", "split", "rank", "predictor"]
    return table.sort_values(order, ascending=[True, True, True, False, True, True, True]).reset_index(drop=True)


def pooled_elsewhere(summary: pd.DataFrame) -> bool:
    """Whether some predictor has rows at more than one test size for the same benchmark, target and
    train size (a report then shows the test size beside the train size)."""
    if not len(summary):
        return False
    return bool(summary.duplicated(["benchmark", "target", "train_size", "predictor"]).any())


def usual_test_sizes(summary: pd.DataFrame) -> dict[int, int]:
    """Per train size, the test size most predictors were scored on (the largest on a tie)."""
    counts = summary.groupby(["train_size", "test_size"]).size().reset_index(name="rows")
    counts = counts.sort_values(["train_size", "rows", "test_size"], ascending=[True, False, False])
    return dict(counts.drop_duplicates("train_size")[["train_size", "test_size"]].itertuples(index=False))


def shown_with_test_size(row: dict[str, Any], usual: dict[int, int]) -> str:
    """A summary row's predictor label, with its test size where that is not the usual one."""
    label = row["predictor_label"]
    return label if row["test_size"] == usual[row["train_size"]] else f"{label} ({row['test_size']} test cells)"


def _gain_columns(ok: pd.DataFrame, goal: str, reached: str, lookups: str, expected: str) -> dict[str, Any]:
    """A search group's hits, look-ups and sample-efficiency gain to one goal, from the finished
    runs' fields ``reached`` (bool), ``lookups`` (the budget where missed) and ``expected`` (random
    search's expectation): ``missed_<goal>``, ``seg_<goal>`` with its interval, ``censored_<goal>``..."""
    hit = ok[reached].astype(bool)
    missed = int((~hit).sum())
    values = ok[lookups].to_numpy(dtype=np.float64)
    random = float(ok[expected].iloc[0]) if len(ok) else np.nan
    gain = gain_interval(values, random, missed)
    return {
        f"missed_{goal}": missed,
        f"hit_rate_{goal}": float(hit.mean()) if len(ok) else np.nan,
        f"expected_random_to_{goal}": random,
        f"lookups_to_{goal}_mean": values.mean() if len(values) else np.nan,
        f"lookups_to_{goal}_median": float(np.median(values)) if len(values) else np.nan,
        f"seg_{goal}": gain.value,
        f"seg_{goal}_ci_low": gain.low,
        f"seg_{goal}_ci_high": gain.high,
        f"censored_{goal}": bool(missed),
    }


def search_target(record: dict[str, Any]) -> str:
    """A search's target as reports show it: with its constraint, ``test_accuracy under edgegpu_latency<=5``
    (a constrained search is a search of its own)."""
    constraint = record.get("constraint")
    return f"{record['target']} under {constraint}" if constraint else str(record["target"])


def summarise_search(records: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per (benchmark, target, top fraction, budget, strategy, predictor), ranked by SEG
    within its benchmark, target, top fraction and budget (never across budgets): the gain with its
    95% interval, whether it is only an upper bound (``censored``: some runs missed), hit rate,
    median look-ups, look-ups to the best cell."""
    if not records:
        return pd.DataFrame(columns=[*SEARCH_GROUP, "rank"])
    roles = ("benchmark", "strategy", "predictor")
    frame = _frame(records, roles, ("budget",))
    frame["target"] = [search_target(record) for record in canonical(records)]
    for column in SEARCH_FIELDS:
        if column not in frame:  # every search failed: no outcome fields at all
            frame[column] = np.nan
    frame["budget"] = frame["budget"].fillna(0).astype(int)
    rows = []
    for key, group in frame.groupby(SEARCH_GROUP, sort=True):
        ok = group[group["status"] == "ok"]
        row: dict[str, Any] = dict(zip(SEARCH_GROUP, key)) | _shown(group, roles)
        row["seeds"] = int(len(ok))
        row["failed"] = int((group["status"] != "ok").sum())
        for goal in ("target", "best"):
            row |= _gain_columns(ok, goal, f"reached_{goal}", f"lookups_to_{goal}", f"expected_random_to_{goal}")
        row["seconds"] = pd.to_numeric(ok["seconds"]).mean() if len(ok) else np.nan
        row["first_error"] = first_error(group)
        rows.append(row)
    table = pd.DataFrame(rows)
    # rows whose runs all reached the target rank first; rows with misses (only a bound) after them
    table["rank_key"] = np.where(table["censored_target"].astype(bool), table["seg_target"] - 1e12, table["seg_target"])
    table["rank"] = rank_within(table, SEARCH_GROUP[:4], "rank_key")
    table = table.drop(columns="rank_key")
    order = [*SEARCH_GROUP[:4], "rank", "strategy", "predictor"]
    return table.sort_values(order).reset_index(drop=True)


def summarise_pareto(records: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per (benchmark, objectives, hypervolume target, budget, strategy, predictor), ranked by
    the mean hypervolume ratio within its benchmark, objectives, target and budget: the ratio with
    its 95% interval, the multi-objective sample-efficiency gain (random search's expected look-ups
    to the hypervolume target over the strategy's mean, runs that missed counted at their budget,
    then only an upper bound), hits, median look-ups, and the look-ups random search needs, in
    expectation, to reach the ratio a run ended with."""
    if not records:
        return pd.DataFrame(columns=[*PARETO_GROUP, "rank"])
    roles = ("benchmark", "strategy", "predictor")
    frame = _frame(records, roles, ("budget", "hv_target"))
    for column in PARETO_FIELDS:
        if column not in frame:  # every search failed
            frame[column] = np.nan
    rows = []
    for key, group in frame.groupby(PARETO_GROUP, sort=True):
        ok = group[group["status"] == "ok"]
        row: dict[str, Any] = dict(zip(PARETO_GROUP, key)) | _shown(group, roles)
        row["seeds"] = int(len(ok))
        row["failed"] = int((group["status"] != "ok").sum())
        ratio = mean_interval(pd.to_numeric(ok["hv_ratio"]).to_numpy(dtype=np.float64))
        # a ratio lies in [0, 1]: the interval is cut there
        row["hv_ratio"], row["hv_ratio_ci_low"] = ratio.value, max(ratio.low, 0.0) if ratio.n > 1 else np.nan
        row["hv_ratio_ci_high"] = min(ratio.high, 1.0) if ratio.n > 1 else np.nan
        row |= _gain_columns(ok, "target", "reached_hv_target", "lookups_to_hv_target", "expected_random_to_hv_target")
        row["random_to_final_hv"] = pd.to_numeric(ok["random_to_final_hv"]).mean() if len(ok) else np.nan
        row["front_found"] = pd.to_numeric(ok["front_found"]).mean() if len(ok) else np.nan
        row["front_size"] = int(ok["front_size"].iloc[0]) if len(ok) else np.nan
        row["seconds"] = pd.to_numeric(ok["seconds"]).mean() if len(ok) else np.nan
        row["first_error"] = first_error(group)
        rows.append(row)
    table = pd.DataFrame(rows)
    table["rank"] = rank_within(table, PARETO_GROUP[:4], "hv_ratio")
    order = [*PARETO_GROUP[:4], "rank", "strategy", "predictor"]
    return table.sort_values(order).reset_index(drop=True)
