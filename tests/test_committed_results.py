"""Every committed report re-renders to the same numbers: the report of each results directory under
``results/``, rendered afresh from its records, has every row of the committed markdown with the same
numbers in every column both share (older reports named files in labels, which are now left out)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nasbench_suite.registry import load_suite
from nasbench_suite.report.render import render
from nasbench_suite.study.records import load_records

RESULTS = Path(__file__).resolve().parents[1] / "results"
REPORTS = sorted(p for p in RESULTS.rglob("*leaderboard.md") if any(p.parent.glob("*.jsonl")))
#: The columns that label a row (the rest hold numbers): leaderboards, side-by-side tables, claims.
KEY_COLUMNS = (
    "benchmark",
    "target",
    "train",
    "top",
    "strategy",
    "predictor",
    "method",
    "claim (paper)",
    "setting",
    "comparison",
)
_FILE_OPTION = re.compile(r"[,:]?\w+='[^']*/[^']*'")
_SEPARATOR = re.compile(r"^\|[\s:|-]+\|$")


def _normalised(label: str) -> str:
    stripped = _FILE_OPTION.sub("", label).replace(":,", ":")
    return stripped[:-1] if stripped.endswith(":") else stripped


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def table_rows(markdown: str) -> dict[tuple, dict[str, str]]:
    """Rows of every pipe table, keyed by their section heading, their table and their label columns."""
    rows: dict[tuple, dict[str, str]] = {}
    lines = markdown.splitlines()
    section, header = "", []
    for number, line in enumerate(lines):
        if line.startswith("#"):  # side-by-side tables repeat their rows once per benchmark section
            section, header = (_normalised(line) if line.startswith("## Methods side by side") else ""), []
        if not line.startswith("| ") or _SEPARATOR.match(line.strip()):
            continue
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if _SEPARATOR.match(following.strip()):  # a table's header
            header = _cells(line)
            continue
        if not header:
            continue
        row = dict(zip(header, _cells(line)))
        labels = tuple(_normalised(row[c]) if c in row else None for c in KEY_COLUMNS)
        rows[(section, header[0], *labels)] = row
    return rows


def numbers(text: str) -> list[str]:
    return re.findall(r"-?\d+(?:\.\d+)?", text)


@pytest.fixture(scope="module")
def claims():
    return [claim for claim, _ in load_suite().registry.claims]


@pytest.mark.parametrize("report", REPORTS, ids=[str(p.relative_to(RESULTS)) for p in REPORTS])
def test_a_committed_report_renders_to_the_same_numbers(report, claims):
    committed = table_rows(report.read_text())
    fresh = table_rows(render(load_records([report.parent]), "markdown", claims))
    assert committed, f"{report}: no table rows"
    missing = sorted(set(committed) - set(fresh), key=str)
    assert not missing, f"rows of {report.name} not rendered: {missing[:3]}"
    for key, row in committed.items():
        for column, value in row.items():
            if column in KEY_COLUMNS or column not in fresh[key]:
                continue
            assert numbers(fresh[key][column]) == numbers(value), (key, column, value, fresh[key][column])


def test_the_comparison_notices_a_changed_number():
    table = "| benchmark | predictor | Kendall τ |\n|:--|:--|:--|\n| b | p | 0.500 ± 0.010 |\n"
    (key,) = table_rows(table)
    assert key[:3] == ("", "benchmark", "b") and "p" in key
    assert numbers(table_rows(table)[key]["Kendall τ"]) == ["0.500", "0.010"]
    assert numbers("0.501 ± 0.010") != numbers("0.500 ± 0.010")
