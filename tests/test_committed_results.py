"""Every committed report re-renders to the same numbers: the report of each results directory under
``results/``, rendered afresh from its records, has every row of the committed markdown with the same
numbers in every column both share (older reports named files in labels, which are now left out)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nasbench_suite.study.records import load_records
from nasbench_suite.study.report import render

RESULTS = Path(__file__).resolve().parents[1] / "results"
REPORTS = sorted(p for p in RESULTS.rglob("*leaderboard.md") if any(p.parent.glob("*.jsonl")))
KEY_COLUMNS = ("benchmark", "target", "train", "top", "budget", "strategy", "predictor")
_FILE_OPTION = re.compile(r"[,:]?\w+='[^']*/[^']*'")


def _normalised(label: str) -> str:
    stripped = _FILE_OPTION.sub("", label).replace(":,", ":")
    return stripped[:-1] if stripped.endswith(":") else stripped


def table_rows(markdown: str) -> dict[tuple, dict[str, str]]:
    """Rows of every pipe table, keyed by their label columns."""
    rows: dict[tuple, dict[str, str]] = {}
    header: list[str] = []
    for line in markdown.splitlines():
        if not line.startswith("| ") or set(line) <= set("|:- "):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells[0] == "benchmark":
            header = cells
            continue
        row = dict(zip(header, cells))
        rows[tuple(_normalised(row[c]) if c in row else None for c in KEY_COLUMNS if c != "budget")] = row
    return rows


def numbers(text: str) -> list[str]:
    return re.findall(r"-?\d+(?:\.\d+)?", text)


@pytest.mark.parametrize("report", REPORTS, ids=[str(p.relative_to(RESULTS)) for p in REPORTS])
def test_a_committed_report_renders_to_the_same_numbers(report):
    committed = table_rows(report.read_text())
    fresh = table_rows(render(load_records([report.parent])))
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
    assert numbers(table_rows(table)[("b", None, None, None, None, "p")]["Kendall τ"]) == ["0.500", "0.010"]
    assert numbers("0.501 ± 0.010") != numbers("0.500 ± 0.010")
