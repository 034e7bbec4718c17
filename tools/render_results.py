"""Re-render every committed report under results/ from its records with the current code.

Each ``*leaderboard.md`` beside a results file keeps its heading (title, how it was produced,
notes: everything before its first table or section) and gets a freshly rendered body; a
``report.html`` beside it is rendered again with the same title and notes; a ``fig/`` folder beside it
gets its figures drawn again. ``tests/test_committed_results.py`` checks that every committed report
equals what this renders, so a number in results/ can only come from the records.

Usage: python tools/render_results.py [--check] [RESULTS_DIR]
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import replace
from pathlib import Path

from nasbench_suite.registry import load_suite
from nasbench_suite.report.figures import plot_all
from nasbench_suite.report.render import ReportContext, render, report_context
from nasbench_suite.study.records import ResultsStore, load_records, read_study_settings

ROOT = Path(__file__).resolve().parents[1]
#: The embedded figures of an HTML report, which depend on matplotlib's version, not on the records.
_IMAGES = re.compile(r"src='data:image/png;base64,[^']*'")


def reports(results: Path) -> list[Path]:
    """Every committed markdown report that has records beside it."""
    return sorted(p for p in results.rglob("*leaderboard.md") if ResultsStore(p.parent).files())


def heading(markdown: str) -> str:
    """A report's heading: everything before its first section or table."""
    lines = markdown.splitlines(keepends=True)
    for number, line in enumerate(lines):
        if line.startswith(("## ", "| ")):
            return "".join(lines[:number])
    return markdown


def _notes(head: str) -> tuple[str, tuple[str, ...]]:
    """The title and the paragraphs after it."""
    paragraphs = [p.strip() for p in head.strip().split("\n\n") if p.strip()]
    title = paragraphs[0].lstrip("# ").strip() if paragraphs and paragraphs[0].startswith("# ") else ""
    return title, tuple(paragraphs[1:] if title else paragraphs)


def context_of(directory: Path, suite=None) -> ReportContext:  # noqa: ANN001 - a Suite
    return report_context(suite or load_suite(), read_study_settings(directory))


def rendered(report: Path, suite=None) -> dict[Path, str]:  # noqa: ANN001 - a Suite
    """What the report (and ``report.html`` beside it) should hold: path -> text."""
    records = load_records([report.parent])
    context = context_of(report.parent, suite)
    head = heading(report.read_text(encoding="utf-8"))
    out = {report: head + render(records, "markdown", context=context)}
    page = report.parent / "report.html"
    if page.exists():
        title, notes = _notes(head)
        out[page] = render(records, "html", context=replace(context, title=title or context.title, notes=notes))
    return out


def without_images(html: str) -> str:
    return _IMAGES.sub("src='(figure)'", html)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="?", default=str(ROOT / "results"))
    parser.add_argument("--check", action="store_true", help="only report which files differ")
    args = parser.parse_args(argv)
    suite = load_suite()
    stale = []
    for report in reports(Path(args.results)):
        for path, text in rendered(report, suite).items():
            if path.read_text(encoding="utf-8") != text:
                stale.append(path)
                if not args.check:
                    path.write_text(text, encoding="utf-8")
        figures = report.parent / "fig"
        if figures.is_dir() and not args.check:
            for old in [*figures.glob("*.png"), *figures.glob("*.svg")]:
                old.unlink()
            records = load_records([report.parent])
            plot_all(records, figures, context_of(report.parent, suite).show)
    for path in stale:
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"{'stale' if args.check else 'rendered'}: {shown}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
