"""Kill or Ctrl-C the command at any moment, re-run it, and get the same final results as an
uninterrupted run; two processes writing to one results directory do not corrupt it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from nasbench_suite.study.records import load_records, read_records

GRID = ["--benchmark", "nb201-cifar10", "--train-sizes", "10,20", "--seeds", "3", "--test-size", "100"]
PREDICTORS = ["--predictor", "param-count", "--predictor", "fault-slow:seconds=0.4"]  # slow runs last
RUNS = 12


def _command(out, *extra):
    return [
        sys.executable,
        "-m",
        "nasbench_suite",
        "run",
        *GRID,
        *PREDICTORS,
        "--device",
        "cpu",
        "--out",
        str(out),
        *extra,
    ]


def _results(out):
    """Per run: status and metrics (what must not depend on interruptions; timings may)."""
    return {
        r["key"]: (r["status"], r.get("kendall_tau"), r.get("spearman"), r.get("precision_at_10"))
        for r in load_records([out])
    }


def _lines(out):
    path = out / "records.jsonl"
    return path.read_bytes().count(b"\n") if path.exists() else 0


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("uninterrupted")
    env = {**os.environ, "NASBENCH_SUITE_PLUGIN_MODULES": "fault_plugins", "PYTHONPATH": os.path.dirname(__file__)}
    subprocess.run(_command(out), check=True, env=env, capture_output=True, timeout=300)
    results = _results(out)
    assert len(results) == RUNS and all(status == "ok" for status, *_ in results.values())
    return results


def _interrupt_after(command, out, records, sig):
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while _lines(out) < records and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(sig)
    _, err = process.communicate(timeout=120)
    return process.returncode, err


@pytest.mark.parametrize(
    ("sig", "records", "jobs"),
    [(signal.SIGKILL, 1, "1"), (signal.SIGKILL, 7, "2"), (signal.SIGINT, 4, "1"), (signal.SIGINT, 3, "2")],
)
def test_interrupt_then_rerun_gives_the_uninterrupted_results(tmp_path, fault_plugins, reference, sig, records, jobs):
    command = _command(tmp_path, "--jobs", jobs)
    code, err = _interrupt_after(command, tmp_path, records, sig)
    if sig == signal.SIGINT:
        assert code == 130 and "re-run the same command to resume" in err
    else:
        assert code == -signal.SIGKILL
    done = len(read_records(tmp_path / "records.jsonl"))
    assert records <= done < RUNS  # finished work was kept, some was left
    if sig == signal.SIGKILL:  # as if killed in the middle of an append
        with open(tmp_path / "records.jsonl", "a") as handle:
            handle.write('{"key": "half-written", "sta')
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{RUNS - done} runs finished, 0 failed, {done} already done" in rerun.stderr
    assert _results(tmp_path) == reference


def test_two_processes_running_into_one_directory_do_not_corrupt_it(tmp_path, fault_plugins, reference):
    first, second = (
        subprocess.Popen(_command(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    )
    for process in (first, second):
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    records = read_records(tmp_path / "records.jsonl")  # every line parses
    assert RUNS <= len(records) <= 2 * RUNS  # a run both started is recorded twice; the latest wins
    assert _results(tmp_path) == reference
