"""Every committed report is what its records render to, byte for byte: the markdown report of each
results directory under ``results/`` (after its heading: title, command, notes) and, for the
five-method study, its HTML page (figures aside, whose pixels depend on matplotlib's version). A
number in results/ can therefore only come from the records; ``python tools/render_results.py``
re-renders them after a change to the report."""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import pytest

from nasbench_suite.registry import load_suite
from nasbench_suite.report.render import render
from nasbench_suite.study.records import load_records

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("render_results", ROOT / "tools" / "render_results.py")
render_results = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(render_results)
REPORTS = render_results.reports(ROOT / "results")
FIVE_METHODS = ROOT / "results" / "five-methods"


@pytest.fixture(scope="module")
def suite():
    return load_suite()


@pytest.mark.parametrize("report", REPORTS, ids=[str(p.relative_to(ROOT / "results")) for p in REPORTS])
def test_a_committed_report_is_what_its_records_render_to(report, suite):
    expected = render_results.rendered(report, suite)[report]
    assert report.read_text(encoding="utf-8") == expected, f"{report} is stale: run python tools/render_results.py"


def test_the_five_method_html_report_is_what_its_records_render_to(suite):
    page = FIVE_METHODS / "report.html"
    expected = render_results.rendered(FIVE_METHODS / "leaderboard.md", suite)[page]
    assert render_results.without_images(page.read_text(encoding="utf-8")) == render_results.without_images(expected)
    for section in ("Protocol and provenance", "Across benchmarks", "Search: sample-efficiency gain at 100 look-ups",
                    "Search: sample-efficiency gain at 1,000 look-ups", "Critical-difference diagram"):  # fmt: skip
        assert section in expected


def test_the_same_records_in_any_order_give_a_byte_identical_report(suite):
    records = load_records([FIVE_METHODS])
    context = render_results.context_of(FIVE_METHODS, suite)
    shuffled = random.Random(1).sample(records, len(records))
    for fmt in ("markdown", "csv", "html"):
        assert render(shuffled, fmt, context=context) == render(records, fmt, context=context), fmt


def test_every_committed_results_folder_has_its_report_checked():
    folders = {p.parent for p in (ROOT / "results").rglob("*.jsonl")}
    assert folders == {report.parent for report in REPORTS}
    assert len(REPORTS) >= 15
