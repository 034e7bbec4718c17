"""Fault injection: deliberately broken predictors (``tests/fault_plugins.py``) under the
supervised local workers. Every failure is recorded with its message and shown on the leaderboard;
every other run finishes."""

from __future__ import annotations

import pytest

from nasbench_suite.cli import main
from nasbench_suite.execution import InProcess, Limits, make_executor
from nasbench_suite.execution.local import LocalProcesses
from nasbench_suite.registry import load_suite
from nasbench_suite.study.records import load_records

GRID = ["--benchmark", "nb201-cifar10", "--train-sizes", "10", "--seeds", "1", "--test-size", "100", "--device", "cpu"]

EXPECTED_ERRORS = {
    "fault-raises-in-fit": "failed in fit: RuntimeError: injected fault in fit",
    "fault-raises-in-predict": "failed in predict: ValueError: injected fault in predict",
    "fault-nan": "predict returned 1 non-finite values",
    "fault-inf": "predict returned 100 non-finite values",
    "fault-wrong-length": "predict returned shape (99,); expected (100,)",
    "fault-hangs": "timed out after 5 s (the worker process was stopped)",
    "fault-leaks": "exceeded the memory limit",
    "fault-crashes": "the worker process died (exit code 13) while running it",
}


def _by_predictor(directory):
    return {r["predictor_label"]: r for r in load_records([directory])}


def test_every_fault_is_recorded_and_every_other_run_finishes(tmp_path, capsys, fault_plugins):
    predictors = [*EXPECTED_ERRORS, "fault-constant", "param-count"]
    args = ["run", *GRID, "--jobs", "2", "--timeout", "5", "--memory-limit", "1500", "--out", str(tmp_path)]
    for name in predictors:
        args += ["--predictor", name]
    assert main(args) == 1  # the report is written and the failures listed, but a script must see them
    out, err = capsys.readouterr()
    assert f"{len(EXPECTED_ERRORS)} of {len(predictors)} planned jobs failed (exit status 1" in err
    records = _by_predictor(tmp_path)
    assert set(records) == set(predictors)
    for name, message in EXPECTED_ERRORS.items():
        assert records[name]["status"] == "error", name
        assert message in records[name]["error"] and name in records[name]["error"]
        assert "kendall_tau" not in records[name]
        assert f"- {name} on nb201-cifar10 (train 10): 1 of 1 failed; first error: " in out
    constant = records["fault-constant"]  # tau undefined is reported as undefined, not as 0
    assert (
        constant["status"] == "ok"
        and constant["kendall_tau"] is None
        and "kendall_tau" in constant["undefined_metrics"]
    )
    assert "| fault-constant" in out and "undefined" in out
    assert records["param-count"]["status"] == "ok" and records["param-count"]["kendall_tau"] > 0.3
    assert "2 runs finished, 8 failed" in err


def test_limits_put_even_a_single_job_in_a_supervised_worker(tmp_path, capsys, fault_plugins):
    suite = load_suite()
    assert isinstance(make_executor(suite, 1), InProcess)
    assert isinstance(make_executor(suite, 1, Limits(timeout=3)), LocalProcesses)
    args = ["run", *GRID, "--timeout", "3", "--out", str(tmp_path)]
    assert main([*args, "--predictor", "fault-hangs", "--predictor", "param-count", "--allow-failures"]) == 0
    records = _by_predictor(tmp_path)
    assert "timed out after 3 s" in records["fault-hangs"]["error"]
    assert records["param-count"]["status"] == "ok"
    # the failed run is retried on the next invocation, the finished one is not
    assert main([*args, "--predictor", "fault-hangs", "--predictor", "param-count", "--timeout", "1"]) == 1
    assert "0 runs finished, 1 failed, 1 already done" in capsys.readouterr().err


def test_a_hanging_search_times_out_and_the_others_finish(tmp_path, capsys, fault_plugins):
    args = ["search", "--benchmark", "nb201-cifar10", "--budget", "60", "--seeds", "1", "--timeout", "4"]
    args += ["--strategy", "random", "--strategy", "predictor-full:initial=10,batch=10", "--predictor", "fault-hangs"]
    assert main([*args, "--out", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    records = {r["strategy_label"]: r for r in load_records([tmp_path])}
    assert records["random"]["status"] == "ok"
    guided = records["predictor-full:batch=10,initial=10"]
    assert guided["status"] == "error" and "timed out after 4 s" in guided["error"]
    assert "Failures:" in out and "predictor-full:batch=10,initial=10 with fault-hangs" in out


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--timeout", "0"], "--timeout: expected a positive number (got 0.0)"),
        (["--memory-limit", "-5"], "--memory-limit: expected a positive number (got -5.0)"),
        (["--scheduler", "no-such-file.json"], "no-such-file.json: no such file (expected tcp://HOST:PORT, local"),
    ],
)
def test_bad_execution_options_fail_before_any_work(tmp_path, capsys, option, message):
    with pytest.raises(SystemExit) as exit_info:
        main(["run", *GRID, "--predictor", "param-count", "--out", str(tmp_path), *option])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "records.jsonl").exists()


def test_a_study_with_a_failed_job_exits_1_unless_its_file_allows_failures(tmp_path, capsys, fault_plugins):
    block = '[[ranking]]\nbenchmark = ["nb201-cifar10"]\npredictor = ["fault-raises-in-fit", "param-count"]\n'
    block += 'train-sizes = "10"\nseeds = 1\ntest-size = 50\n'
    study = tmp_path / "study.toml"
    study.write_text(block)
    assert main(["study", str(study), "--out", str(tmp_path / "strict")]) == 1
    assert "1 of 2 planned jobs failed (exit status 1" in capsys.readouterr().err
    study.write_text("[study]\nallow-failures = true\n\n" + block)
    assert main(["study", str(study), "--out", str(tmp_path / "allowed")]) == 0
    assert (tmp_path / "allowed" / "leaderboard.md").read_text().count("fault-raises-in-fit") >= 1  # still listed
