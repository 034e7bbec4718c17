"""Figures quoted in prose, checked against the records they come from.

A markdown file (a README, a paper draft) quotes a figure and says where it comes from in an HTML
comment right after it, invisible once rendered::

    GRAF reaches τ 0.846<!--= results/five-methods ranking.tau benchmark=nb201-cifar10 predictor=graf-xgb train=1000 -->
    [0.838, 0.855]<!--= results/five-methods ranking.tau.ci benchmark=nb201-cifar10 predictor=graf-xgb train=1000 -->

The reference names a results directory (relative to the file), a statistic and filters; it must
select exactly one row of that directory's report, computed by the same summaries, statistics and
claims as the report itself. The quoted text must equal the value rounded to the digits quoted
(``≤`` or ``≥`` before a value exactly when it is only a bound; a value below 10 that is not whole
is quoted with at least one decimal). Figures that come from a committed
output file rather than records say ``<!--= file PATH -->`` (the text must appear in that file), and
numbers that are settings, not results, say ``<!--= setting -->``. Between ``<!-- figures -->`` and
``<!-- /figures -->`` every number with two or more decimals must carry a reference.

Statistics: ``ranking.tau`` ``ranking.tau.ci`` ``ranking.tau.std`` ``ranking.spearman`` ``ranking.top10``
``ranking.n@10`` ``ranking.p@10`` ``ranking.p@100`` ``ranking.train_tau`` ``ranking.fit_s``
``ranking.predict_s`` ``ranking.peak_mb`` ``ranking.seeds``; ``search.seg`` ``search.seg.ci``
``search.hits`` ``search.median`` ``search.seg_best`` ``search.best_hits`` ``search.lookups_best``
``search.expected``; ``claim.effect`` ``claim.ci`` ``claim.subject`` ``claim.baseline`` ``claim.p``
``claim.verdict`` ``claim.count``; ``across.rank`` (with ``predictor=``) ``across.p`` ``across.blocks``
``across.predictors``. Filters: ``benchmark target train test predictor`` (ranking),
``benchmark target top budget strategy predictor`` (search; ``predictor=none`` for unguided),
``method metric benchmark setting subject baseline verdict`` (claims); labels as recorded or as the
study displays them.
"""

from __future__ import annotations

import math
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from nasbench_suite.contracts.claims import Claim
from nasbench_suite.errors import ConfigError, SuiteError
from nasbench_suite.report.across import cross_ranking
from nasbench_suite.report.claims import ClaimResult, evaluate
from nasbench_suite.report.summaries import summarise_ranking, summarise_search
from nasbench_suite.study.records import load_records, read_study_settings

REFERENCE = re.compile(r"<!--=\s*(?P<body>.*?)\s*-->", re.S)
REGION = re.compile(r"<!--\s*figures\s*-->(?P<body>.*?)<!--\s*/figures\s*-->", re.S)
_NUMBER = r"[−+-]?\d[\d,]*(?:\.\d+)?"
SCALAR = re.compile(rf"(?P<bound>[≤≥]\s*)?(?P<number>{_NUMBER})\s*$")
PAIR = re.compile(rf"\[\s*(?P<low>{_NUMBER}),\s*(?P<high>{_NUMBER})\s*\]\s*$")
HITS = re.compile(r"(?P<hit>\d+)\s*(?:/|of)\s*(?P<of>\d+)\s*$")
DECIMAL = re.compile(r"\d+\.\d{2,}")
CODE = re.compile(r"^[ \t]*```.*?^[ \t]*```|`[^`\n]+`", re.S | re.M)
CLAIM_FILTERS = ("method", "metric", "benchmark", "setting", "subject", "baseline", "verdict")


@dataclass(frozen=True)
class Problem:
    """A quoted figure that does not match (or cannot be resolved): where, and what is wrong."""

    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


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
        records = load_records([path])
        self.labels = read_study_settings(path).get("labels") or {}
        self.ranking = summarise_ranking([r for r in records if r["kind"] == "ranking"])
        self.search = summarise_search([r for r in records if r["kind"] == "search"])
        self.claims: list[ClaimResult] = evaluate(records, claims)
        self.across = cross_ranking(self.ranking)

    def names(self, role: str, recorded: str) -> set[str]:
        """A label as recorded and as the study displays it."""
        return {recorded, self.labels.get(role, {}).get(recorded, recorded)}


def _number(text: str) -> float:
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
            keep &= (table[column] - _number(wanted.rstrip("%")) / (100 if wanted.endswith("%") else 1)).abs() < 1e-9
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
        "expected": lambda: Value("number", (row["expected_random_to_target"],)),
        "seeds": lambda: Value("number", (runs,)),
    }
    if stat not in stats:
        raise ConfigError(f"unknown statistic search.{stat}; expected one of {', '.join(stats)}")
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


KINDS = {"ranking": _ranking, "search": _search, "claim": _claim, "across": _across}


def _digits(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _matches(quoted: str, value: float) -> bool:
    if value is None or math.isnan(value):
        return False
    return abs(_number(quoted) - value) <= 0.5 * 10 ** -_digits(quoted) + 1e-9


def _written(value: float, like: str) -> str:
    """``value`` written as ``like`` is: its digits, thousands separator and minus sign."""
    text = f"{value:,.{_digits(like)}f}" if "," in like else f"{value:.{_digits(like)}f}"
    text = f"+{text}" if like.startswith("+") and value >= 0 else text
    return text.replace("-", "−") if "−" in like else text


@dataclass(frozen=True)
class Checked:
    """One reference: the span of the quoted text it covers, what is wrong (if anything), and the
    text that would make it right (``None`` where it cannot be fixed)."""

    span: tuple[int, int]
    problem: str = ""
    fixed: str | None = None


class Quotes:
    """Checks (and fixes) the quoted figures of markdown files; results directories are read once."""

    def __init__(self, claims: list[Claim]) -> None:
        self.claims = claims
        self.folders: dict[Path, Directory] = {}

    def folder(self, path: Path) -> Directory:
        path = path.resolve()
        if path not in self.folders:
            self.folders[path] = Directory(path, self.claims)
        return self.folders[path]

    def check(self, path: Path, fix: bool = False) -> list[Problem]:
        """Every problem of ``path``'s quoted figures; with ``fix``, quoted values that a reference
        resolves are rewritten to match it (problems it cannot fix are still returned)."""
        text = path.read_text(encoding="utf-8")
        problems, covered, edits = [], [], []
        code = [m.span() for m in CODE.finditer(text)]  # examples of references are not references
        for match in REFERENCE.finditer(text):
            if any(a <= match.start() < b for a, b in code):
                continue
            line = text.count("\n", 0, match.start()) + 1
            offset = max(0, match.start() - 300)  # a quoted figure sits right before its reference
            try:
                result = self._one(shlex.split(match.group("body")), text[offset : match.start()], path.parent)
            except (SuiteError, ValueError) as exc:  # a bad reference or an unreadable results directory
                problems.append(Problem(path, line, f"{match.group(0)}: {exc}"))
                quoted = PAIR.search(text, offset, match.start()) or SCALAR.search(text, offset, match.start())
                covered += [quoted.span()] if quoted else []  # reported once, as a broken reference
                continue
            result = replace(result, span=(result.span[0] + offset, result.span[1] + offset))
            covered.append(result.span)
            if result.problem:
                if fix and result.fixed is not None:
                    edits.append((result.span, result.fixed))
                else:
                    problems.append(Problem(path, line, f"{match.group(0)}: {result.problem}"))
        problems += self._unreferenced(path, text, covered)
        if edits:
            for (start, end), new in sorted(edits, reverse=True):
                text = text[:start] + new + text[end:]
            path.write_text(text, encoding="utf-8")
        return problems

    def _one(self, tokens: list[str], before: str, base: Path) -> Checked:
        if not tokens:
            raise ConfigError("an empty reference")
        if tokens[0] == "setting":
            found = SCALAR.search(before)
            if not found:
                raise ConfigError("no number before the reference")
            return Checked(found.span("number"))
        if tokens[0] == "file":
            return self._in_file(tokens, before, base)
        if len(tokens) < 2 or "." not in tokens[1]:
            raise ConfigError("expected DIRECTORY KIND.STATISTIC key=value ...")
        kind, stat = tokens[1].split(".", 1)
        if kind not in KINDS:
            raise ConfigError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
        filters = dict(token.split("=", 1) for token in tokens[2:] if "=" in token)
        if len(filters) != len(tokens) - 2:
            raise ConfigError("filters are written key=value")
        directory = (base / tokens[0]).resolve()
        return _compare(KINDS[kind](self.folder(directory), stat, filters), before)

    def _in_file(self, tokens: list[str], before: str, base: Path) -> Checked:
        if len(tokens) != 2:
            raise ConfigError("expected file PATH")
        source = base / tokens[1]
        if not source.is_file():
            raise ConfigError(f"{tokens[1]}: no such file")
        found = PAIR.search(before) or SCALAR.search(before)
        if not found:
            raise ConfigError("no number before the reference")
        quoted = found.group(0).strip()
        span = found.span() if found.re is PAIR else found.span("number")
        core = quoted if found.re is PAIR else found.group("number")
        if core not in source.read_text(encoding="utf-8"):
            return Checked(span, f"{core} does not appear in {tokens[1]}")
        return Checked(span)

    def _unreferenced(self, path: Path, text: str, covered: list[tuple[int, int]]) -> list[Problem]:
        """Numbers with two or more decimals in a figures region that no reference covers."""
        problems = []
        hidden = [m.span() for m in re.finditer(r"<!--.*?-->", text, re.S)] + [m.span() for m in CODE.finditer(text)]
        for region in REGION.finditer(text):
            for number in DECIMAL.finditer(text, region.start("body"), region.end("body")):
                at = number.start()
                if any(a <= at < b for a, b in hidden) or any(a <= at < b for a, b in covered):
                    continue
                line = text.count("\n", 0, at) + 1
                problems.append(Problem(path, line, f"{number.group(0)} has no reference (<!--= ... -->)"))
        return problems


def _differs(quoted: str, fixed: str) -> str:
    return f"quoted {quoted.strip()}, the records give {fixed}"


def _compare(value: Value, before: str) -> Checked:
    if value.kind == "word":
        stripped = before.rstrip()
        if not stripped.endswith(value.word):
            return Checked((len(stripped), len(stripped)), f"expected the verdict {value.word!r} before it")
        return Checked((len(stripped) - len(value.word), len(stripped)))
    if value.kind == "pair":
        found = PAIR.search(before)
        if not found:
            raise ConfigError("expected an interval [low, high] before the reference")
        low, high = found.group("low"), found.group("high")
        good = _matches(low, value.numbers[0]) and _matches(high, value.numbers[1])
        fixed = f"[{_written(value.numbers[0], low)}, {_written(value.numbers[1], high)}]"
        return Checked(found.span(), "" if good else _differs(found.group(0), fixed), fixed)
    if value.kind == "hits":
        found = HITS.search(before)
        if not found:
            raise ConfigError("expected hits (a/b or a of b) before the reference")
        good = (int(found.group("hit")), int(found.group("of"))) == tuple(int(v) for v in value.numbers)
        separator = "/" if "/" in found.group(0) else " of "
        fixed = f"{int(value.numbers[0])}{separator}{int(value.numbers[1])}"
        return Checked(found.span(), "" if good else _differs(found.group(0), fixed), fixed)
    found = SCALAR.search(before)
    if not found:
        raise ConfigError("expected a number before the reference")
    quoted, bound = found.group("number"), (found.group("bound") or "").strip()
    fixed = (f"{value.bound} " if value.bound else "") + _written(value.numbers[0], quoted)
    if not _matches(quoted, value.numbers[0]):
        return Checked(found.span(), _differs(found.group(0), fixed), fixed)
    if bound != value.bound:
        wrong = f"a bound (some runs missed): write {value.bound}" if value.bound else f"not a bound: drop the {bound}"
        return Checked(found.span(), f"{quoted} is {wrong}", fixed)
    if _digits(quoted) == 0 and abs(value.numbers[0]) < 10 and value.numbers[0] != round(value.numbers[0]):
        return Checked(found.span(), f"{quoted} rounds {value.numbers[0]:.3f} too far: quote a decimal", None)
    return Checked(found.span())


def check_files(paths: list[Path], claims: list[Claim], fix: bool = False) -> list[Problem]:
    """The problems of every file's quoted figures (fixing what can be fixed with ``fix``)."""
    quotes = Quotes(claims)
    return [problem for path in paths for problem in quotes.check(Path(path), fix)]
