"""Quoted figures: a number in prose carries a reference to the records it comes from, and a check
finds every quoted value that the records do not give, every unreferenced figure, and fixes values.
The README, every page under docs/ and every results README are checked this way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nasbench_suite.cli import main
from nasbench_suite.registry import load_suite
from nasbench_suite.report.quotes import check_files

ROOT = Path(__file__).resolve().parents[1]


def _records(folder: Path) -> None:
    rows = []
    for seed in range(3):
        for predictor, tau in (("graf-xgb", 0.80 + 0.01 * seed), ("onehot-xgb", 0.70)):
            rows.append({
                "key": f"{predictor}-{seed}", "kind": "ranking", "status": "ok", "benchmark": "b",
                "target": "test_accuracy", "train_size": 100, "test_size": 500, "predictor": predictor,
                "seed": seed, "kendall_tau": tau,
            })  # fmt: skip
        lookups = 100 if seed == 0 else 20
        rows.append({
            "key": f"random-{seed}", "kind": "search", "status": "ok", "benchmark": "b", "target": "test_accuracy",
            "top_fraction": 0.01, "budget": 100, "strategy": "random", "predictor": None, "seed": seed,
            "lookups_to_target": lookups, "reached_target": lookups < 100, "lookups_to_best": 100,
            "reached_best": False, "expected_random_to_target": 50.0, "expected_random_to_best": 500.0,
        })  # fmt: skip
    folder.mkdir()
    (folder / "records.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    (folder / "study.json").write_text(json.dumps({"labels": {"predictor": {"graf-xgb": "GRAF"}}}))


@pytest.fixture(scope="module")
def claims():
    return [claim for claim, _ in load_suite().registry.claims]


GOOD = """# Notes
<!-- figures -->
GRAF reaches 0.810<!--= res ranking.tau predictor=GRAF train=100 --> [0.785, 0.835]<!--= res ranking.tau.ci predictor=graf-xgb train=100 -->,
one-hot 0.70<!--= res ranking.tau predictor=onehot-xgb -->; random search ≤ 1.07<!--= res search.seg strategy=random predictor=none -->
with 2/3<!--= res search.hits strategy=random --> hits; the claim holds<!--= res claim.verdict method="GRAF + XGBoost" subject=graf-xgb baseline=onehot-xgb -->
at a margin of 0.02<!--= setting -->; 12.50<!--= file data.txt --> comes from a file.
<!-- /figures -->
Outside the figures region 3.14159 needs no reference.
"""  # noqa: E501


def test_quoted_figures_that_match_their_records_pass(tmp_path, claims):
    _records(tmp_path / "res")
    (tmp_path / "data.txt").write_text("took 12.50 s\n")
    page = tmp_path / "notes.md"
    page.write_text(GOOD)
    assert check_files([page], claims) == []


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("0.810<", "0.820<", "quoted 0.820, the records give 0.810"),
        ("[0.785, 0.835]", "[0.79, 0.84]", "quoted [0.79, 0.84], the records give [0.79, 0.83]"),
        ("≤ 1.07<", "1.07<", "1.07 is a bound (some runs missed): write ≤"),
        ("2/3<", "3/3<", "quoted 3/3, the records give 2/3"),
        ("holds<", "unsettled<", "expected the verdict 'holds'"),
        ("12.50<", "12.55<", "12.55 does not appear in data.txt"),
        ("predictor=onehot-xgb -->", "predictor=nope -->", "the filters select 0 rows"),
        ("ranking.tau predictor=onehot-xgb", "ranking.kappa predictor=onehot-xgb", "unknown statistic ranking.kappa"),
        ("at a margin of 0.02<!--= setting -->", "at a margin of 0.02", "0.02 has no reference"),
        ("0.70<!--= res ranking.tau", "0.70<!--= nowhere ranking.tau", "no results (expected a directory"),
    ],
)
def test_every_kind_of_wrong_figure_is_found(tmp_path, claims, old, new, message):
    _records(tmp_path / "res")
    (tmp_path / "data.txt").write_text("took 12.50 s\n")
    page = tmp_path / "notes.md"
    assert old in GOOD
    page.write_text(GOOD.replace(old, new))
    problems = [str(p) for p in check_files([page], claims)]
    assert len(problems) == 1 and message in problems[0], problems
    assert problems[0].startswith(f"{page}:")


def test_fix_rewrites_quoted_values_to_what_the_records_give(tmp_path, claims, capsys):
    _records(tmp_path / "res")
    (tmp_path / "data.txt").write_text("took 12.50 s\n")
    page = tmp_path / "notes.md"
    page.write_text(GOOD.replace("0.810<", "0.9<").replace("[0.785, 0.835]", "[0.1, 0.2]").replace("≤ 1.07<", "3.00<"))
    assert main(["figures", str(page)]) == 1
    assert main(["figures", "--fix", str(page)]) == 0
    assert page.read_text() == GOOD.replace("0.810<", "0.8<").replace("[0.785, 0.835]", "[0.8, 0.8]")
    assert main(["figures", str(page)]) == 0


def test_the_readme_the_docs_and_every_results_readme_quote_the_records(claims):
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")), *sorted((ROOT / "results").rglob("README.md"))]
    problems = check_files(pages, claims)
    assert not problems, "\n".join(map(str, problems[:20]))
    assert sum(page.read_text().count("<!--=") for page in pages) > 100  # the findings carry references
    assert all("<!-- figures -->" in page.read_text() for page in pages if page.parent.name == "five-methods")
