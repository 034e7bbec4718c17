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
``search.median_best`` ``search.seconds`` ``search.expected``; ``pareto.hv`` ``pareto.hv.ci`` ``pareto.seg``
``pareto.seg.ci`` ``pareto.hits`` ``pareto.median`` ``pareto.expected`` ``pareto.random_needs`` ``pareto.seconds``
``pareto.seeds``;
``claim.effect`` ``claim.ci`` ``claim.subject`` ``claim.baseline`` ``claim.p``
``claim.verdict`` ``claim.count``; ``across.rank`` (with ``predictor=``) ``across.p`` ``across.blocks``
``across.predictors``. Filters: ``benchmark target train test predictor`` (ranking),
``benchmark target top budget strategy predictor`` (search; ``predictor=none`` for unguided),
``benchmark objectives hv budget strategy predictor`` (Pareto search),
``method metric benchmark target setting subject baseline verdict`` (claims); labels as recorded or as the
study displays them.
"""

from __future__ import annotations

import math
import re
import shlex
from dataclasses import dataclass, replace
from pathlib import Path

from nasbench_suite.contracts.claims import Claim
from nasbench_suite.errors import ConfigError, SuiteError
from nasbench_suite.report.quote_values import KINDS, Directory, Value, parse_number

REFERENCE = re.compile(r"<!--=\s*(?P<body>.*?)\s*-->", re.S)
REGION = re.compile(r"<!--\s*figures\s*-->(?P<body>.*?)<!--\s*/figures\s*-->", re.S)
_NUMBER = r"[−+-]?\d[\d,]*(?:\.\d+)?"
SCALAR = re.compile(rf"(?P<bound>[≤≥]\s*)?(?P<number>{_NUMBER})\s*$")
PAIR = re.compile(rf"\[\s*(?P<low>{_NUMBER}),\s*(?P<high>{_NUMBER})\s*\]\s*$")
HITS = re.compile(r"(?P<hit>\d+)\s*(?:/|of)\s*(?P<of>\d+)\s*$")
DECIMAL = re.compile(r"\d+\.\d{2,}")
CODE = re.compile(r"^[ \t]*```.*?^[ \t]*```|`[^`\n]+`", re.S | re.M)


@dataclass(frozen=True)
class Problem:
    """A quoted figure that does not match (or cannot be resolved): where, and what is wrong."""

    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def _digits(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _matches(quoted: str, value: float) -> bool:
    if value is None or math.isnan(value):
        return False
    return abs(parse_number(quoted) - value) <= 0.5 * 10 ** -_digits(quoted) + 1e-9


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
