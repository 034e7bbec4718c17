"""What a quoted figure's reference resolves to (see :mod:`.quotes`): the one row of a results
directory's report that its filters select, computed by the report's own summaries, statistics and
claims, and the statistic it names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from nasbench_suite.contracts.claims import Claim
from nasbench_suite.errors import ConfigError
from nasbench_suite.report.across import cross_ranking
from nasbench_suite.report.claims import ClaimResult, evaluate
from nasbench_suite.report.summaries import distinct_labels, summarise_pareto, summarise_ranking, summarise_search
from nasbench_suite.study.records import load_records, read_study_settings

CLAIM_FILTERS = ("method", "metric", "benchmark", "target", "setting", "subject", "baseline", "verdict")


@dataclass(frozen=True)
class Value:
    """What a reference resolves to: a number, an interval, hits, or a word; and the text it needs."""

    kind: str  # "number", "pair", "hits", "word"
    numbers: tuple[float, ...] = ()
    word: str = ""
    bound: str = ""  # a value that is only a bound is quoted with it: "≤" (at most) or "≥" (at least)


class Directory:
    """The summaries and claims of one results directory, computed once."""

    def __init__(self, path: Path, claims: list[Claim]) -> None:
        records = distinct_labels(load_records([path]))  # the labels its report shows
        self.labels = read_study_settings(path).get("labels") or {}
        self.ranking = summarise_ranking([r for r in records if r["kind"] == "ranking"])
        self.search = summarise_search([r for r in records if r["kind"] == "search"])
        self.pareto = summarise_pareto([r for r in records if r["kind"] == "pareto"])
        self.claims: list[ClaimResult] = evaluate(records, claims)
        self.across = cross_ranking(self.ranking)

    def names(self, role: str, recorded: str) -> set[str]:
        """A label as recorded and as the study displays it."""
        return {recorded, self.labels.get(role, {}).get(recorded, recorded)}


def parse_number(text: str) -> float:
    """A quoted number as a float: thousands separators and the typographic minus allowed."""
    return float(text.replace(",", "").replace("−", "-"))


def _rows(
    table: pd.DataFrame, filters: dict[str, str], columns: dict[str, tuple[str, str | None]], folder: Directory
) -> dict:
    """The one row of ``table`` that every filter selects."""
    if table.empty:
        raise ConfigError("the directory has no such records")
    keep = pd.Series(True, index=table.index)
    for key, wanted in filters.items():
        if key not in columns:
            raise ConfigError(f"unknown filter {key!r}; expected one of {', '.join(columns)}")
        column, role = columns[key]
        if role:
            keep &= table[column].map(lambda value, role=role, wanted=wanted: wanted in folder.names(role, str(value)))
        elif column == "top_fraction":
            keep &= (
                table[column] - parse_number(wanted.rstrip("%")) / (100 if wanted.endswith("%") else 1)
            ).abs() < 1e-9
        else:
            keep &= table[column].astype(str) == wanted
    chosen = table[keep]
    if len(chosen) != 1:
        raise ConfigError(f"the filters select {len(chosen)} rows; expected exactly one")
    return chosen.iloc[0].to_dict()


RANKING_FILTERS = {
    "benchmark": ("benchmark_label", "benchmark"), "target": ("target", None), "train": ("train_size", None),
    "test": ("test_size", None), "predictor": ("predictor_label", "predictor"),
}  # fmt: skip
SEARCH_FILTERS = {
    "benchmark": ("benchmark_label", "benchmark"), "target": ("target", None), "top": ("top_fraction", None),
    "budget": ("budget", None), "strategy": ("strategy_label", "strategy"),
    "predictor": ("predictor_label", "predictor"),
}  # fmt: skip
PARETO_FILTERS = {
    "benchmark": ("benchmark_label", "benchmark"), "objectives": ("target", None), "hv": ("hv_target", None),
    "budget": ("budget", None), "strategy": ("strategy_label", "strategy"),
    "predictor": ("predictor_label", "predictor"),
}  # fmt: skip
RANKING_STATS = {
    "tau": "kendall_tau_mean", "tau.std": "kendall_tau_std", "spearman": "spearman_mean",
    "top10": "kendall_tau_top_10pct_mean", "n@10": "n_at_10_mean", "p@10": "precision_at_10_mean",
    "p@100": "precision_at_100_mean", "train_tau": "train_kendall_tau_mean", "fit_s": "fit_seconds",
    "predict_s": "predict_seconds", "peak_mb": "peak_rss_mb", "seeds": "seeds",
}  # fmt: skip


def _ranking(folder: Directory, stat: str, filters: dict[str, str]) -> Value:
    row = _rows(folder.ranking, filters, RANKING_FILTERS, folder)
    if stat == "tau.ci":
        return Value("pair", (row["kendall_tau_ci_low"], row["kendall_tau_ci_high"]))
    if stat not in RANKING_STATS:
        raise ConfigError(f"unknown statistic ranking.{stat}; expected tau.ci or one of {', '.join(RANKING_STATS)}")
    return Value("number", (float(row[RANKING_STATS[stat]]),))


def _uncensored_interval(row: dict) -> Value:
    if row["missed_target"]:
        raise ConfigError("some runs missed: the gain is only an upper bound and has no interval")
    return Value("pair", (row["seg_target_ci_low"], row["seg_target_ci_high"]))


def _search(folder: Directory, stat: str, filters: dict[str, str]) -> Value:
    if filters.get("predictor") == "none":
        filters = {**filters, "predictor": "—"}
    row = _rows(folder.search, filters, SEARCH_FILTERS, folder)
    runs = int(row["seeds"])
    stats: dict[str, Callable[[], Value]] = {
        "seg": lambda: Value("number", (row["seg_target"],), bound="≤" * bool(row["missed_target"])),
        "seg.ci": lambda: _uncensored_interval(row),
        "hits": lambda: Value("hits", (runs - row["missed_target"], runs)),
        "best_hits": lambda: Value("hits", (runs - row["missed_best"], runs)),
        "median": lambda: Value("number", (row["lookups_to_target_median"],)),
        "seg_best": lambda: Value("number", (row["seg_best"],), bound="≤" * bool(row["missed_best"])),
        "lookups_best": lambda: Value("number", (row["lookups_to_best_mean"],)),
        "median_best": lambda: Value("number", (row["lookups_to_best_median"],)),
        "seconds": lambda: Value("number", (row["seconds"],)),
        "expected": lambda: Value("number", (row["expected_random_to_target"],)),
        "seeds": lambda: Value("number", (runs,)),
    }
    if stat not in stats:
        raise ConfigError(f"unknown statistic search.{stat}; expected one of {', '.join(stats)}")
    return stats[stat]()


def _pareto(folder: Directory, stat: str, filters: dict[str, str]) -> Value:
    if filters.get("predictor") == "none":
        filters = {**filters, "predictor": "—"}
    row = _rows(folder.pareto, filters, PARETO_FILTERS, folder)
    runs = int(row["seeds"])
    stats: dict[str, Callable[[], Value]] = {
        "hv": lambda: Value("number", (row["hv_ratio"],)),
        "hv.ci": lambda: Value("pair", (row["hv_ratio_ci_low"], row["hv_ratio_ci_high"])),
        "seg": lambda: Value("number", (row["seg_target"],), bound="≤" * bool(row["missed_target"])),
        "seg.ci": lambda: _uncensored_interval(row),
        "hits": lambda: Value("hits", (runs - row["missed_target"], runs)),
        "median": lambda: Value("number", (row["lookups_to_target_median"],)),
        "expected": lambda: Value("number", (row["expected_random_to_target"],)),
        "random_needs": lambda: Value("number", (row["random_to_final_hv"],)),
        "seconds": lambda: Value("number", (row["seconds"],)),
        "seeds": lambda: Value("number", (runs,)),
    }
    if stat not in stats:
        raise ConfigError(f"unknown statistic pareto.{stat}; expected one of {', '.join(stats)}")
    return stats[stat]()


def _claim(folder: Directory, stat: str, filters: dict[str, str]) -> Value:
    unknown = set(filters) - set(CLAIM_FILTERS)
    if unknown:
        raise ConfigError(f"unknown filter {sorted(unknown)[0]!r}; expected one of {', '.join(CLAIM_FILTERS)}")

    def selected(result: ClaimResult) -> bool:
        role = "strategy" if result.claim.kind == "search" else "predictor"
        values = {
            "method": {result.claim.method}, "metric": {result.claim.metric}, "setting": {result.setting},
            "benchmark": folder.names("benchmark", result.benchmark), "verdict": {result.verdict},
            "target": {result.target},
            "subject": folder.names(role, result.subject), "baseline": folder.names(role, result.baseline),
        }  # fmt: skip
        return all(wanted in values[key] for key, wanted in filters.items())

    chosen = [result for result in folder.claims if selected(result)]
    if stat == "count":
        return Value("number", (len(chosen),))
    if len(chosen) != 1:
        raise ConfigError(f"the filters select {len(chosen)} claim comparisons; expected exactly one")
    [result] = chosen
    censored = result.comparison.censored if result.comparison else ""
    if stat == "ci" and censored:
        raise ConfigError("a side missed in some runs: the ratio is a bound and has no interval")
    stats: dict[str, Callable[[], Value]] = {
        "effect": lambda: Value("number", (result.effect,), bound={"upper": "≤", "lower": "≥"}.get(censored, "")),
        "ci": lambda: Value("pair", (result.low, result.high)),
        "subject": lambda: Value("number", (result.subject_value,), bound="≤" * (censored in ("upper", "both"))),
        "baseline": lambda: Value("number", (result.baseline_value,), bound="≤" * (censored in ("lower", "both"))),
        "p": lambda: Value("number", (result.decision.p_adjusted,)),
        "verdict": lambda: Value("word", word=result.verdict),
    }
    if stat not in stats:
        raise ConfigError(f"unknown statistic claim.{stat}; expected count or one of {', '.join(stats)}")
    return stats[stat]()


def _across(folder: Directory, stat: str, filters: dict[str, str]) -> Value:
    result = folder.across
    if result is None:
        raise ConfigError("the directory has no cross-benchmark ranking")
    if stat in ("p", "blocks", "predictors"):
        return Value("number", ({"p": result.p_value, "blocks": result.values.shape[0],
                                 "predictors": result.values.shape[1]}[stat],))  # fmt: skip
    if stat != "rank" or set(filters) != {"predictor"}:
        raise ConfigError("expected across.rank predictor=NAME, across.p, across.blocks or across.predictors")
    found = [m for m in result.mean_ranks.index if filters["predictor"] in folder.names("predictor", m)]
    if len(found) != 1:
        raise ConfigError(f"predictor {filters['predictor']!r} is not in the cross-benchmark ranking")
    return Value("number", (float(result.mean_ranks[found[0]]),))


KINDS = {"ranking": _ranking, "search": _search, "pareto": _pareto, "claim": _claim, "across": _across}
