"""Studies: ranking and search blocks in one file, one plan, one results store, one report; resume;
plugins failing outside a run; bad study files."""

from __future__ import annotations

import json

import pytest

from nasbench_suite import Benchmark, DataFileError, hookimpl
from nasbench_suite.cli import main

STUDY = """
[study]
title = "A tiny study"
notes = ["Both kinds of job, one report."]
seeds = 2
device = "cpu"

[[ranking]]
benchmark = "nb201-cifar10"
predictor = ["param-count", "onehot-xgb:n_estimators=20"]
train-sizes = [20, 50]
test-size = 300

[[search]]
benchmark = "nb201-cifar10"
strategy = ["random", "evolution:population=10"]
budget = 80
top = 0.01

[[search]]
strategy = "random"
budget = 80
top = 0.01
seeds = 3
"""


def _write(tmp_path, text, name="study.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def _records(out):
    return [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]


def test_a_study_runs_both_kinds_into_one_store_and_one_report(tmp_path, capsys):
    study = _write(tmp_path, STUDY)
    out = tmp_path / "out"
    assert main(["study", str(study), "--out", str(out)]) == 0
    printed, err = capsys.readouterr()
    records = _records(out)
    kinds = [r["kind"] for r in records]
    # 2 predictors x 2 sizes x 2 seeds; 2 strategies x 2 seeds, and the third random seed of the last block
    assert kinds.count("ranking") == 8 and kinds.count("search") == 5
    assert "## Ranking" in printed and "## Search" in printed
    assert "13 jobs finished (8 runs, 5 searches), 0 failed, 0 already done" in err
    board = (out / "leaderboard.md").read_text()
    assert board.startswith("# A tiny study") and "Both kinds of job, one report." in board
    assert main(["study", str(study), "--out", str(out)]) == 0
    assert "0 jobs finished (0 runs, 0 searches), 0 failed, 13 already done" in capsys.readouterr().err


def test_a_study_goes_to_its_own_folder_by_default(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    study = _write(tmp_path, '[[ranking]]\npredictor = "param-count"\ntrain-sizes = [10]\nseeds = 1\ntest-size = 20\n')
    assert main(["study", str(study)]) == 0
    assert (tmp_path / "nasbench-results" / "study" / "records.jsonl").is_file()


LABELLED = """
[study]
seeds = 2
device = "cpu"

[[ranking]]
benchmark = { spec = "nb201-cifar10", label = "NB201 (CIFAR-10)" }
predictor = [{ spec = "onehot-xgb:n_estimators=20", label = "one-hot, 20 trees" }, "param-count"]
train-sizes = [20]
test-size = 300

[[search]]
strategy = [{ spec = "evolution:population=10", label = "aging evolution" }]
budget = 40
top = 0.01
"""


def test_display_labels_name_plugins_in_every_table_and_survive_re_rendering(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["study", str(_write(tmp_path, LABELLED)), "--out", str(out), "--plot", str(tmp_path / "fig")]) == 0
    board = (out / "leaderboard.md").read_text()
    assert "| one-hot, 20 trees " in board and "| aging evolution " in board and "NB201 (CIFAR-10)" in board
    assert "onehot-xgb:n_estimators=20 " not in board  # the spec never shows where a label is given
    saved = json.loads((out / "study.json").read_text())
    assert saved["labels"]["predictor"] == {"onehot-xgb:n_estimators=20": "one-hot, 20 trees"}
    capsys.readouterr()
    assert main(["leaderboard", str(out)]) == 0
    assert "| one-hot, 20 trees " in capsys.readouterr().out
    kendall = (tmp_path / "fig" / "nb201-cifar10-test_accuracy-kendall.svg").read_text()
    assert "one-hot, 20 trees" in kendall


STUDY_ERRORS = [
    ("[[ranking]]\nseed = 3\n", "[[ranking]] block 1 unknown option 'seed'; expected one of"),
    ("[[search]]\nbudget = 'lots'\n", "[[search]] block 1 budget: expected an integer (got 'lots')"),
    ("[study]\nseeds = 2\n", "no [[ranking]] or [[search]] blocks"),
    ("[[runs]]\nseeds = 2\n", "unknown table [runs]"),
    ("[ranking]\nseeds = 2\n", "[ranking] must be written [[ranking]]"),
    ("[study]\ntitle = 3\n[[ranking]]\n", "[study] title: expected a string"),
    ("[[ranking]]\nout = 'x'\n", "[[ranking]] block 1 unknown option 'out'"),  # study-wide: [study] only
    ("[[ranking]]\npredictor = 'nope'\n", "unknown predictor 'nope'"),
    ("[[search]]\nstrategy = 'predictor-full:initial=1'\n", "initial must be an integer >= 2"),
    ("[[ranking]]\npredictor = [{ spec = 'random' }]\n", "predictor: expected a spec string or a table"),
    (
        "[[ranking]]\npredictor = [{ spec = 'random', label = 'R' }, { spec = 'param-count', label = 'R' }]\n",
        "label 'R' is given to two predictors (random and param-count)",
    ),
]


@pytest.mark.parametrize(("text", "message"), STUDY_ERRORS, ids=[m for _, m in STUDY_ERRORS])
def test_a_bad_study_file_fails_before_any_work_on_one_line(tmp_path, capsys, text, message):
    study = _write(tmp_path, text)
    with pytest.raises(SystemExit) as exit_info:
        main(["study", str(study), "--out", str(tmp_path / "out")])
    lines = capsys.readouterr().err.strip().splitlines()
    assert exit_info.value.code == 2 and len(lines) == 1 and message in lines[0], lines
    assert not (tmp_path / "out").exists()


class BrokenLoad(Benchmark):
    name = "broken-load"
    targets = ("acc",)
    default_target = "acc"

    def load(self, context):
        raise ZeroDivisionError("the table divided by zero")


class OneArgumentFileError(Benchmark):
    name = "one-argument-file-error"
    targets = ("acc",)
    default_target = "acc"

    def load(self, context):
        raise DataFileError("my_table.csv is empty")


class BrokenBenchmarks:
    @hookimpl
    def register_benchmarks(self):
        return [BrokenLoad, OneArgumentFileError]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("broken-load", "benchmark broken-load (plugin broken) raised ZeroDivisionError: the table divided by zero"),
        ("one-argument-file-error", "my_table.csv is empty"),
    ],
)
def test_a_benchmark_failing_to_load_is_one_line_naming_it(tmp_path, capsys, monkeypatch, name, message):
    import nasbench_suite.cli as cli

    real = cli.load_registry
    monkeypatch.setattr(cli, "load_registry", lambda: real({"broken": BrokenBenchmarks()}))
    code = main(["run", "--benchmark", name, "--predictor", "random", "--out", str(tmp_path)])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(lines) == 1 and message in lines[0], lines


def test_every_shipped_study_file_plans(suite, monkeypatch, shared_data):
    """Every file under studies/ is valid: parsed, and planned (every check) where its benchmarks are
    cheap to load here (a live supernet benchmark would train its supernet to plan); nothing run."""
    from pathlib import Path

    from nasbench_suite.cli import commands
    from nasbench_suite.study.planning import plan

    parsed = {}

    def capture(study, args, suite):
        parsed[args.file] = study
        return 0

    monkeypatch.setattr(commands, "run_study", capture)
    files = sorted((Path(__file__).resolve().parents[1] / "studies").glob("*.toml"))
    assert files
    planned = 0
    for path in files:
        assert main(["study", str(path)]) == 0
        study = parsed[str(path)]
        benchmarks = {spec.name for experiment in study.experiments for spec in experiment.benchmarks}
        if all(suite.benchmark_class(name).cheap_to_load for name in benchmarks):
            assert plan(study, suite, lambda device: "cpu"), path
            planned += 1
    assert planned >= len(files) - 1
