"""Render whatever a results directory holds as one report: methods side by side, the cross-benchmark
ranking, the papers' claims with their verdicts, the ranking leaderboard (Kendall tau and the other
metrics at each train size), the search leaderboards (one per budget and target set), the Pareto-search
leaderboards (one per budget and hypervolume target), the failures,
and the protocol and provenance behind the numbers. The same records give the same report, byte for
byte, in whatever order they were read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from tabulate import tabulate

from nasbench_suite.contracts.claims import Claim
from nasbench_suite.contracts.published import PublishedResult
from nasbench_suite.errors import ConfigError
from nasbench_suite.registry.suite import Suite
from nasbench_suite.report.across import cross_note, cross_ranking, cross_rows
from nasbench_suite.report.claims import evaluate
from nasbench_suite.report.figures import topic
from nasbench_suite.report.html import html_page
from nasbench_suite.report.methods import METHODS_NOTE, NO_GUIDE, methods_rows, methods_table
from nasbench_suite.report.protocol import protocol_table, protocol_text
from nasbench_suite.report.published import PUBLISHED_NOTE, published_tables
from nasbench_suite.report.summaries import distinct_labels, summarise_pareto, summarise_ranking, summarise_search
from nasbench_suite.report.tables import (
    CLAIMS_NOTE,
    PARETO_NOTE,
    RANKING_NOTE,
    SEARCH_NOTE,
    claims_rows,
    pareto_rows,
    ranking_rows,
    search_rows,
)

FORMATS = {"markdown": "pipe", "github": "github", "latex": "latex_booktabs", "html": "html", "csv": None}
#: Other names accepted for a format.
ALIASES = {"md": "markdown", "tex": "latex"}


def check_format(fmt: str) -> str:
    """The format's canonical name (``md`` is ``markdown``); a ConfigError naming the choices."""
    fmt = ALIASES.get(fmt, fmt)
    if fmt not in FORMATS:
        choices = ", ".join([*FORMATS, *(f"{alias} (= {name})" for alias, name in ALIASES.items())])
        raise ConfigError(f"--format: expected one of {choices} (got {fmt!r})")
    return fmt


@dataclass(frozen=True)
class ReportContext:
    """What a report needs besides the records: the claims to test, the title and notes that head it,
    display labels (``role -> recorded label -> display label``, from a study file) and per benchmark
    name where its table comes from."""

    claims: tuple[Claim, ...] = ()
    title: str = ""
    notes: tuple[str, ...] = ()
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    provenance: Mapping[str, str] = field(default_factory=dict)
    #: Papers' figures shown beside measured runs of the same protocol.
    published: tuple[PublishedResult, ...] = ()

    def show(self, role: str, text: str) -> str:
        """How every table and figure names a benchmark, predictor or strategy."""
        return self.labels.get(role, {}).get(text, text)


@dataclass
class Section:
    """A titled part of a report: a table, or text, or both (the text follows the table)."""

    title: str
    table: pd.DataFrame | None = None
    text: str = ""
    #: What figures illustrate it (:func:`~nasbench_suite.report.figures.topic`); "" for none.
    topic: str = ""


def sections(records: list[dict[str, Any]], context: ReportContext = ReportContext()) -> list[Section]:
    """The report's content, in order, whatever its format (and whatever the records' order: each
    summary, the claims, the protocol and the figures put them in one order themselves)."""
    show = context.show
    ranking = summarise_ranking([r for r in records if r["kind"] == "ranking"])
    search = summarise_search([r for r in records if r["kind"] == "search"])
    pareto = summarise_pareto([r for r in records if r["kind"] == "pareto"])
    parts: list[Section] = []
    if len(ranking) and len(search):
        for (benchmark, target), table in methods_table(ranking, search).items():
            parts.append(Section(f"Methods side by side: {show('benchmark', benchmark)}, {target}",
                                 methods_rows(table, show), METHODS_NOTE))  # fmt: skip
    across = cross_ranking(ranking) if len(ranking) else None
    if across is not None:
        title = "Across benchmarks: mean rank of the predictors"
        parts.append(Section(title, cross_rows(across, show), cross_note(across, show), topic("across")))
    results = evaluate(records, list(context.claims))
    if results:
        parts.append(Section("Paper claims, as measured", claims_rows(results, show), CLAIMS_NOTE))
    if len(ranking):
        title = "Ranking: Kendall τ on held-out cells"
        parts.append(Section(title, ranking_rows(ranking, show), RANKING_NOTE, topic("ranking")))
    for title, table, split in published_tables(records, list(context.published), show):
        parts.append(Section(title, table, f"Split: {split}. {PUBLISHED_NOTE}"))
    if len(search):
        for (top, budget), table in search.groupby(["top_fraction", "budget"], sort=True):
            title = f"Search: sample-efficiency gain at {budget:,} look-ups, target set top {top:.3%}"
            parts.append(Section(title, search_rows(table, show), SEARCH_NOTE, topic("search", budget, top)))
    if len(pareto):
        for (hv_target, budget), table in pareto.groupby(["hv_target", "budget"], sort=True):
            title = f"Pareto search: hypervolume at {budget:,} look-ups, target {hv_target:.1%} of the true front's"
            parts.append(Section(title, pareto_rows(table, show), PARETO_NOTE, topic("pareto", budget, hv_target)))
    notes = failure_notes(ranking, pd.concat([search, pareto], ignore_index=True) if len(pareto) else search, show)
    if notes:
        parts.append(Section("Failures", text=notes))
    parts.append(
        Section("Protocol and provenance", protocol_table(records, context.provenance, show), protocol_text(records))
    )
    return parts


def failure_notes(ranking: pd.DataFrame, search: pd.DataFrame, show: Any) -> str:
    """A markdown list naming each group with failed runs, how many, and the first error message
    (empty when nothing failed): failures are shown, never silently dropped."""
    described = []
    for row in ranking.to_dict("records") if len(ranking) else []:
        where = f"{show('benchmark', row['benchmark_label'])} (train {row['train_size']})"
        described.append((row, f"{show('predictor', row['predictor_label'])} on {where}"))
    for row in search.to_dict("records") if len(search) else []:
        guide = f" with {show('predictor', row['predictor_label'])}" if row["predictor_label"] != NO_GUIDE else ""
        benchmark = show("benchmark", row["benchmark_label"])
        described.append((row, f"{show('strategy', row['strategy_label'])}{guide} on {benchmark}"))
    lines = [
        f"- {what}: {row['failed']} of {row['failed'] + row['seeds']} failed; first error: "
        + " ".join(row["first_error"].split())
        for row, what in described
        if row["failed"]
    ]
    return "Failures:\n\n" + "\n".join(lines) if lines else ""


def report_context(suite: Suite, settings: Mapping[str, Any] | None = None) -> ReportContext:
    """The context of a report rendered with ``suite``'s plugins: their claims, where each registered
    benchmark's table comes from (description and citation), and a study's saved ``settings``
    (title, notes, display labels; see :func:`~nasbench_suite.study.records.read_study_settings`)."""
    settings = settings or {}
    provenance = {}
    for name in suite.registry.benchmarks.names():
        cls = suite.benchmark_class(name)
        provenance[name] = " ".join(part.strip().rstrip(".") + "." for part in (cls.description, cls.citation) if part)
    claims = tuple(claim for claim, _ in suite.registry.claims)
    title, notes = settings.get("title", ""), tuple(settings.get("notes", ()))
    published = tuple(result for result, _ in suite.registry.published)
    return ReportContext(claims, title, notes, settings.get("labels") or {}, provenance, published)


def render(
    records: list[dict[str, Any]], fmt: str = "markdown", claims: tuple[Claim, ...] | list[Claim] = (),
    title: str = "", notes: tuple[str, ...] = (), context: ReportContext | None = None,
) -> str:  # fmt: skip
    """The report of ``records`` in ``fmt`` (markdown or md, github, latex, html or csv): ``claims``
    are the papers' claims to test, ``title`` and ``notes`` head an HTML page; a ``context`` gives
    all of these and more (display labels, where each table comes from) at once."""
    fmt = check_format(fmt)
    records = distinct_labels(records)
    context = context or ReportContext(tuple(claims), title, tuple(notes))
    if fmt == "csv":
        return _csv(records)
    parts = sections(records, context) if records else [Section("", text="(no records)")]
    if fmt == "html":
        specs = {shown: recorded for labels in context.labels.values() for recorded, shown in labels.items()}
        return html_page(parts, records, context.title or "nasbench-suite report", context.notes, context.show, specs)
    chunks = []
    for part in parts:
        if part.table is not None and len(part.table):
            table = tabulate(part.table, headers="keys", tablefmt=FORMATS[fmt], showindex=False, disable_numparse=True)
            if fmt == "latex":
                caption = f"{part.title}. {part.text}" if part.text else part.title
                chunks.append("\n".join(f"% {line}" for line in ("Caption: " + caption).split("\n")) + "\n" + table)
            else:
                chunks.append(f"## {part.title}\n\n{table}" + (f"\n\n{part.text}" if part.text else ""))
        elif part.text:
            if fmt == "latex":
                chunks.append("\n".join(f"% {line}" for line in f"{part.title}: {part.text}".split("\n")))
            else:
                chunks.append(part.text if part.title in ("Failures", "") else f"## {part.title}\n\n{part.text}")
    return "\n\n".join(chunks) + "\n"


def _csv(records: list[dict[str, Any]]) -> str:
    ranking = summarise_ranking([r for r in records if r["kind"] == "ranking"])
    search = summarise_search([r for r in records if r["kind"] == "search"])
    pareto = summarise_pareto([r for r in records if r["kind"] == "pareto"])
    if len(search):
        search = search.assign(censored=search["censored_target"])
    if len(pareto):
        pareto = pareto.assign(censored=pareto["censored_target"])
    kinds = (ranking.assign(kind="ranking"), search.assign(kind="search"), pareto.assign(kind="pareto"))
    frames = [frame for frame in kinds if len(frame)]
    return pd.concat(frames, ignore_index=True).to_csv(index=False) if frames else ""
