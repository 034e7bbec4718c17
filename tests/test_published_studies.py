"""The committed published-protocol studies: each study file plans exactly the runs whose records are
committed (a changed default or study file fails here), and their reports show the papers' figures
beside the measured rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from nasbench_suite.cli import main

ROOT = Path(__file__).resolve().parents[1]
STUDIES = {
    "published-tnasp-nb201.toml": "published/tnasp-nb201",
    "published-tnasp-nb101.toml": "published/tnasp-nb101",
    "published-gates-pool-nb101.toml": "published/gates-pool-nb101",
    "published-white-nb201.toml": "published/white-nb201",
}


@pytest.mark.slow
@pytest.mark.parametrize(("study", "folder"), STUDIES.items())
def test_the_committed_published_studies_are_complete(tmp_path, capsys, study, folder):
    out = tmp_path / "copy"
    out.mkdir()
    committed = (ROOT / "results" / folder / "records.jsonl").read_text()
    (out / "records.jsonl").write_text(committed)
    assert main(["study", str(ROOT / "studies" / study), "--out", str(out), "--dry-run"]) == 0
    assert "0 to do" in capsys.readouterr().err


@pytest.mark.parametrize("folder", ["published/tnasp-nb201", "published/tnasp-nb101"])
def test_the_tnasp_reports_set_the_papers_figures_beside_the_measured_rows(folder):
    report = (ROOT / "results" / folder / "leaderboard.md").read_text()
    assert "## Published beside measured: TNASP splits" in report
    assert "| published | PINAT " in report and "Test every cell (--test-size every" in report
