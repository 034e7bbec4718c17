"""The worked examples of ``docs/plugins.md`` — a predictor, a benchmark read from a CSV, a search
strategy — run exactly as printed: extracted from the page, loaded as plugin modules, and driven
through the command line as a third party's plugins would be."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from nasbench_suite.cli import main
from nasbench_suite.testing import check_predictor

REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "plugins.md"
EXAMPLE = re.compile(r"<!-- example: (\w+)\.py -->\n```python\n(.*?)```", re.S)
OPERATIONS = {"conv1x1-bn-relu": "conv1x1", "conv3x3-bn-relu": "conv3x3", "maxpool3x3": "maxpool"}


def _examples() -> dict[str, str]:
    return dict(EXAMPLE.findall(REFERENCE.read_text()))


def test_the_reference_has_the_three_worked_examples():
    assert set(_examples()) == {"opcount_ridge", "csv_space", "hill_climb"}


@pytest.fixture
def examples(tmp_path, monkeypatch) -> list[str]:
    """The examples as importable plugin modules, registered by name (workers too)."""
    folder = tmp_path / "examples"
    folder.mkdir()
    for name, code in _examples().items():
        (folder / f"{name}.py").write_text(code)
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.setenv("PYTHONPATH", str(folder))
    monkeypatch.setenv("NASBENCH_SUITE_PLUGIN_MODULES", ",".join(_examples()))
    return list(_examples())


@pytest.fixture
def cells_csv(tmp_path, suite) -> Path:
    """400 real NB101 cells in the example's CSV layout."""
    table = suite.table("nb101")
    rows = np.random.default_rng(0).choice(len(table), size=400, replace=False)
    lines = ["cell,ops,adjacency,accuracy"]
    space = table.archs.space
    for row in rows:
        size = int(table.archs.num_nodes[row])
        ops = [space.operations[k] for k in table.archs.operations[row, :size]]
        ops = [OPERATIONS.get(op, op) for op in ops]
        bits = "".join(str(b) for b in table.archs.adjacency[row, :size, :size].ravel())
        lines.append(f"{table.archs.ids[row]},{'-'.join(ops)},{bits},{table.targets['val_accuracy'][row]}")
    path = tmp_path / "cells.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]


def test_the_example_predictor_and_benchmark_run_through_the_harness(examples, cells_csv, tmp_path, capsys):
    out = tmp_path / "run"
    args = ["run", "--benchmark", f"my-space:path={cells_csv}", "--predictor", "opcount-ridge:alpha=0.5"]
    args += ["--predictor", "graf-xgb:n_estimators=50", "--predictor", "param-count", "--train-sizes", "50,100"]
    assert main([*args, "--seeds", "2", "--test-size", "200", "--device", "cpu", "--jobs", "2", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    records = _records(out)
    assert len(records) == 12 and all(r["status"] == "ok" for r in records)
    ridge = [r for r in records if r["predictor_name"] == "opcount-ridge"]
    assert all(r["plugins"]["predictor"]["plugin"] == "opcount_ridge" for r in ridge)
    assert np.mean([r["kendall_tau"] for r in ridge]) > 0.2  # operation counts carry real signal on NB101
    assert "| my-space " in printed and str(cells_csv) not in printed  # the label leaves the path out
    assert records[0]["benchmark_spec"] == f"my-space:path={str(cells_csv)!r}"


def test_the_example_strategy_searches_the_example_benchmark(examples, cells_csv, tmp_path, capsys):
    out = tmp_path / "search"
    args = ["search", "--benchmark", f"my-space:path={cells_csv}", "--strategy", "hill-climb:restarts_after=20"]
    args += ["--strategy", "random", "--budget", "150", "--seeds", "3", "--top", "0.01", "--out", str(out)]
    assert main(args) == 0
    records = _records(out)
    assert len(records) == 6 and all(r["status"] == "ok" for r in records)
    climbs = [r for r in records if r["strategy_name"] == "hill-climb"]
    assert all(len(set(r["curve"])) > 1 and r["evaluations"] <= 150 for r in climbs)
    assert "hill-climb:restarts_after=20" in capsys.readouterr().out


def test_the_example_predictor_passes_the_conformance_kit(examples):
    import opcount_ridge

    check_predictor(opcount_ridge.OpCountRidge())
    check_predictor(opcount_ridge.OpCountRidge(alpha=10.0))


def test_the_example_benchmark_names_a_bad_file_on_one_line(examples, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("cell,ops\na,input-output\n")
    code = main(["run", "--benchmark", f"my-space:path={bad}", "--predictor", "opcount-ridge", "--out", str(tmp_path)])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(lines) == 1
    assert f"{bad}: missing columns ['adjacency', 'accuracy']" in lines[0]
