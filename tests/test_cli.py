"""The command line end to end, on tiny configurations."""

from __future__ import annotations

import json
import re

import pytest

from nasbench_suite.cli import main

TINY = [
    "--benchmark",
    "nb201-cifar10",
    "--train-sizes",
    "20,50",
    "--seeds",
    "2",
    "--test-size",
    "300",
    "--device",
    "cpu",
]


def _run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _records(path):
    return [json.loads(line) for line in (path / "records.jsonl").read_text().splitlines()]


def test_run_writes_results_prints_leaderboard_and_resumes(tmp_path, capsys):
    out_dir = tmp_path / "res"
    command = [
        "run",
        *TINY,
        "--predictor",
        "param-count",
        "--predictor",
        "onehot-xgb:n_estimators=30",
        "--out",
        str(out_dir),
    ]
    code, out, err = _run(capsys, *command)
    assert code == 0
    assert "| nb201-cifar10 |" in out and "onehot-xgb:n_estimators=30" in out
    assert "8 runs finished, 0 failed, 0 already done" in err
    assert len(_records(out_dir)) == 8
    board = (out_dir / "leaderboard.md").read_text()
    assert "Produced by `nasbench-suite run" in board and "| param-count" in board

    code, _, err = _run(capsys, *command)  # the same command again resumes
    assert code == 0 and "0 runs finished, 0 failed, 8 already done" in err
    assert len(_records(out_dir)) == 8

    code, _, err = _run(capsys, "run", *TINY, "--predictor", "param-count", "--out", str(out_dir), "--force")
    assert "4 runs finished" in err and len(_records(out_dir)) == 12


def test_dry_run_lists_the_jobs_left_and_runs_nothing(tmp_path, capsys):
    out_dir = tmp_path / "res"
    args = ["run", *TINY, "--predictor", "param-count", "--out", str(out_dir)]
    code, out, err = _run(capsys, *args, "--dry-run")
    assert code == 0 and not out_dir.joinpath("records.jsonl").exists()
    assert "4 jobs planned: 0 already done, 4 to do" in err
    listed = [line.split("\t") for line in out.splitlines()]
    assert len(listed) == 4 and all("param-count on nb201-cifar10" in what for _, what in listed)

    _run(capsys, "run", *TINY, "--predictor", "param-count", "--seeds", "1", "--out", str(out_dir))
    code, out, err = _run(capsys, *args, "--dry-run")
    done = {r["key"] for r in _records(out_dir)}
    assert "4 jobs planned: 2 already done, 2 to do" in err
    assert {line.split("\t")[0] for line in out.splitlines()}.isdisjoint(done)


def test_parallel_jobs_give_the_same_results(tmp_path, capsys):
    args = [*TINY, "--predictor", "onehot-xgb:n_estimators=30,n_jobs=1"]
    assert _run(capsys, "run", *args, "--out", str(tmp_path / "serial"))[0] == 0
    assert _run(capsys, "run", *args, "--out", str(tmp_path / "parallel"), "--jobs", "2")[0] == 0
    serial = {r["key"]: r["kendall_tau"] for r in _records(tmp_path / "serial")}
    parallel = {r["key"]: r["kendall_tau"] for r in _records(tmp_path / "parallel")}
    assert serial == parallel and len(serial) == 4


def test_workers_share_the_cores_instead_of_oversubscribing(monkeypatch):
    from nasbench_suite.execution import worker as runner

    monkeypatch.setattr(runner.os, "cpu_count", lambda: 8)
    assert [runner.threads_per_worker(jobs) for jobs in (1, 2, 3, 8, 16)] == [8, 4, 2, 1, 1]
    import torch

    for name in runner.THREAD_ENV:
        monkeypatch.setenv(name, "unset")  # restored after the test
    monkeypatch.setattr(runner, "load_registry", lambda: None)
    monkeypatch.setattr(runner, "Suite", lambda registry: None)
    before = torch.get_num_threads()
    try:
        runner.init_worker(3)
        assert all(runner.os.environ[name] == "3" for name in runner.THREAD_ENV)
        assert torch.get_num_threads() == 3
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--predictor", "nope"],
            "unknown predictor 'nope'; expected one of: bananas-mlp, ensemble, epe_nas, fisher, flops, gcn, gcn-fit",
        ),
        (["--benchmark", "nb999"], "unknown benchmark 'nb999'; expected one of: analognas-cifar10"),
        (["--train-sizes", "20000", "--test-size", "all"], "train size 20000 leaves fewer than 2 of the 15625 cells"),
        (["--train-sizes", "20000"], "train size 20000 + test size 100 exceeds the 15625 cells"),
        (["--train-sizes", "0"], "--train-sizes: expected positive integers"),
        (["--seeds", "0"], "--seeds: expected at least 1"),
        (["--test-size", "1"], "--test-size: expected at least 2"),
        (["--predictor", "onehot-xgb:depth=3"], "predictor onehot-xgb: unknown option 'depth'; expected one of"),
        (["--predictor", "onehot-xgb:random_state=3"], "'random_state' is set by the harness"),
        (["--predictor", "onehot-xgb:oops"], "expected key=value options"),
        (["--benchmark", "nb201-cifar10:target=nope"], "unknown target 'nope'; expected one of test_accuracy"),
        (["--benchmark", "nb101:epochs=7"], "epochs must be one of 4, 12, 36, 108"),
        (
            ["--benchmark", "nb201-cifar10:colour=red"],
            "benchmark nb201-cifar10: unknown option 'colour'; expected one of (none)",
        ),
        (["--benchmark", "nb101:bogus=1"], "benchmark nb101: unknown option 'bogus'; expected one of path, epochs"),
        (["--device", "tpu"], "--device: expected auto, cpu or cuda"),
        (["--format", "docx"], "--format: expected one of"),
        (["--jobs", "0"], "--jobs: expected a positive integer"),
    ],
)
def test_bad_options_fail_before_any_work_with_exit_code_2(tmp_path, capsys, args, message):
    with pytest.raises(SystemExit) as exit_info:
        main(
            [
                "run",
                "--benchmark",
                "nb201-cifar10",
                "--out",
                str(tmp_path / "r"),
                "--test-size",
                "100",
                "--seeds",
                "1",
                "--train-sizes",
                "10",
                *args,
            ]
        )
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "r" / "records.jsonl").exists()


def test_params_on_a_benchmark_without_params_is_rejected_when_asked_for(tmp_path, capsys, monkeypatch):
    from nbs_tables.nb201 import NB201Cifar10

    original = NB201Cifar10.load

    def without_costs(self, context):
        table = original(self, context)
        table.archs.costs.clear()
        return table

    monkeypatch.setattr(NB201Cifar10, "load", without_costs)
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--predictor", "param-count", "--benchmark", "nb201-cifar10", "--out", str(tmp_path)])
    assert exit_info.value.code == 2
    assert (
        "predictor param-count needs cost:params, which benchmark nb201-cifar10 does not have"
        in capsys.readouterr().err
    )


def test_leaderboard_formats_and_plot(tmp_path, capsys):
    out_dir = tmp_path / "res"
    _run(capsys, "run", *TINY, "--predictor", "param-count", "--predictor", "random", "--out", str(out_dir))
    for fmt, marker in (
        ("markdown", "|:--"),
        ("md", "## Protocol and provenance"),
        ("latex", "% Caption: Ranking: Kendall τ on held-out cells."),
        ("github", "| benchmark"),
        ("latex", "\\toprule"),
        ("html", "<table>"),
        ("csv", "kendall_tau_mean"),
    ):
        code, out, _ = _run(capsys, "leaderboard", str(out_dir), "--format", fmt)
        assert code == 0 and marker in out
    code, _, err = _run(capsys, "leaderboard", str(out_dir), "--plot", str(tmp_path / "fig"))
    assert code == 0
    assert (tmp_path / "fig" / "nb201-cifar10-test_accuracy-kendall.png").stat().st_size > 1000
    assert (tmp_path / "fig" / "nb201-cifar10-test_accuracy-kendall.svg").exists()


def test_leaderboard_of_missing_results_is_a_one_line_error(tmp_path, capsys):
    code, _, err = _run(capsys, "leaderboard", str(tmp_path / "none"))
    assert code == 1 and "no results" in err and len(err.strip().splitlines()) == 1


def test_the_committed_search_results_render(capsys):
    from pathlib import Path

    code, out, _ = _run(capsys, "leaderboard", str(Path(__file__).parents[1] / "results" / "search" / "v0.1"))
    assert code == 0 and "predictor-smart-subset" in out and "SEG (95% CI)" in out


def test_the_default_results_folder_is_not_the_committed_one():
    from nasbench_suite.cli.parser import DEFAULT_OUT, build_parser

    args = build_parser().parse_args(["run"])
    assert args.out == DEFAULT_OUT != "results" and build_parser().parse_args(["search"]).out == DEFAULT_OUT


def test_a_benchmark_label_shows_its_name_and_options_without_paths(tmp_path, capsys, shared_data):
    path = shared_data / "nb101" / "tfrecord" / "energy_4V9E_estimate.tfrecord"
    args = ["run", "--benchmark", f"nb101:path={path}", "--predictor", "param-count", "--train-sizes", "10"]
    code, out, _ = _run(capsys, *args, "--seeds", "1", "--test-size", "20", "--out", str(tmp_path))
    assert code == 0 and "| nb101 " in out and str(path) not in out
    [record] = _records(tmp_path)
    assert record["benchmark_spec"] == f"nb101:path={str(path)!r}"  # the path is kept for information
    assert record["benchmark"].startswith("nb101:epochs=108,path='energy_4V9E_estimate.tfrecord@sha256:")


def test_a_users_file_and_the_shipped_table_are_two_rows_told_apart(tmp_path, capsys, shared_data):
    """Both are labelled ``nb101`` (labels never show paths); one report shows what tells them apart,
    the file by its name and 8 digits of its content hash, in every table."""
    path = shared_data / "nb101" / "tfrecord" / "energy_4V9E_estimate.tfrecord"
    args = ["run", "--benchmark", f"nb101:path={path}", "--benchmark", "nb101", "--predictor", "param-count"]
    code, out, _ = _run(
        capsys, *args, "--train-sizes", "10", "--seeds", "1", "--test-size", "20", "--out", str(tmp_path)
    )
    rows = {line.split("|")[1].strip() for line in out.splitlines() if line.startswith("| nb101")}
    assert code == 0 and len(rows) == 2 and "nb101:path=None" in rows, rows
    [mine] = rows - {"nb101:path=None"}
    assert re.fullmatch(r"nb101:path='energy_4V9E_estimate\.tfrecord@[0-9a-f]{8}'", mine) and str(path) not in out
    assert out.count(mine) >= 2  # the ranking table and the protocol table
    html = (tmp_path / "leaderboard.md").read_text()
    assert mine in html and "nb101:path=None" in html


def test_listings(capsys):
    code, out, _ = _run(capsys, "plugins", "--json")
    listing = json.loads(out)
    names = {p["name"]: p for p in listing["plugins"]}
    assert names["baselines"]["contributes"]["predictor"] == ["random", "param-count", "supernet"]
    assert names["graf"]["contributes"]["predictor"][:4] == ["onehot-xgb", "onehot-rf", "graf-xgb", "graf-rf"]
    assert names["tables"]["contributes"]["network builder"] == ["nb201", "nb101"]
    assert names["tables"]["distribution"] == "nasbench-suite" and listing["failures"] == []
    code, out, _ = _run(capsys, "benchmarks", "--json")
    sizes = {row["name"]: row["cells"] for row in json.loads(out)}
    assert sizes["nb201-cifar10"] == 15625 and sizes["nb101"] == 151644 and sizes["analognas-cifar10"] == 15625
    assert sizes["nasbench-graph-proteins"] == 2021 and len(sizes) == 20 and sizes["nb201-cifar10-valid"] == 9445
    assert sizes["nb101-oneshot"] == 1000 and sizes["nb201-supernet"] is None  # listed, never trained here
    expected = {row["name"]: row["expected_cells"] for row in json.loads(out)}
    assert expected["nb201-supernet"] == 1000
    code, out, _ = _run(capsys, "benchmarks")
    assert "nb201-supernet: 1000 cells with default options, computed when loaded" in out and "None" not in out
    assert "csv: needs options (benchmark csv: path= is needed" in out and "targets set by its options" in out
    assert "(default )" not in out
    code, out, _ = _run(capsys, "predictors")
    assert "onehot-xgb:" in out and "needs: cost:params" in out
    code, out, _ = _run(capsys, "strategies")
    assert "evolution:" in out and "predictor-full:" in out and "[guided by a predictor]" in out
    code, out, _ = _run(capsys, "predictors", "--options")
    lines = out.splitlines()
    gp = lines.index(next(line for line in lines if line.startswith("gp:")))
    assert lines[gp + 1] == "  options: encoding='onehot', restarts=0"  # the harness's random_state left out
    assert "  options: members='', combine='mean', folds=5" in lines
    code, out, _ = _run(capsys, "predictors", "--json")
    assert {"name": "svr", "defaults": {"encoding": "onehot", "C": 1.0, "epsilon": 0.1, "random_state": 0}}.items() <= {
        k: v for k, v in next(row for row in json.loads(out) if row["name"] == "svr").items()
    }.items()
    code, out, _ = _run(capsys, "plugins")
    assert "search strategies: random" in out and "strategys" not in out and "(None None)" not in out


def test_first_seed_shifts_the_seeds(tmp_path, capsys):
    code, _, _ = _run(capsys, "run", *TINY, "--first-seed", "7", "--predictor", "param-count", "--out", str(tmp_path))
    assert code == 0 and {r["seed"] for r in _records(tmp_path)} == {7, 8}
