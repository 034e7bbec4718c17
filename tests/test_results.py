"""The JSON Lines store: atomic appends, recovery from a killed write, concurrent writers."""

from __future__ import annotations

import json
import multiprocessing

import pytest

from nasbench_suite import ResultsError
from nasbench_suite.results import ResultsStore, load_results, read_records

RUN_FIELDS = {"benchmark": "nb201-cifar10", "target": "test_accuracy", "predictor": "p", "train_size": 10, "seed": 0}


def _record(key: str, status: str = "ok", **extra) -> dict:
    return {"key": key, "status": status, **RUN_FIELDS, **extra}


def test_append_and_read_back(tmp_path):
    store = ResultsStore(tmp_path / "out")
    store.append(_record("a", kendall_tau=float("nan")))
    store.append(_record("b", status="error", error="boom"))
    records = store.records()
    assert [r["key"] for r in records] == ["a", "b"]
    assert records[0]["kendall_tau"] is None  # NaN never reaches the file
    assert store.finished_keys() == {"a"}  # errored runs are retried


def test_a_half_written_line_is_skipped_and_sealed(tmp_path):
    store = ResultsStore(tmp_path)
    store.append(_record("a"))
    with open(store.path, "a") as handle:
        handle.write('{"key": "b", "sta')  # killed mid-write
    assert [r["key"] for r in store.records()] == ["a"]
    store.append(_record("c"))
    assert [r["key"] for r in store.records()] == ["a", "c"]


def test_corrupt_middle_line_is_an_error_naming_the_line(tmp_path):
    path = tmp_path / "runs.jsonl"
    path.write_text(json.dumps(_record("a")) + "\n" + '{"key": "b", oops}' + "\n" + json.dumps(_record("c")) + "\n")
    with pytest.raises(ResultsError, match="runs.jsonl:2: not a JSON record"):
        read_records(path)
    path.write_text('["not", "a", "record"]\n')
    with pytest.raises(ResultsError, match="runs.jsonl:1: expected a run record"):
        read_records(path)


def test_missing_results_are_reported(tmp_path):
    with pytest.raises(ResultsError, match="no results file"):
        load_results([tmp_path / "nowhere"])


def test_latest_record_of_a_run_wins(tmp_path):
    store = ResultsStore(tmp_path)
    store.append(_record("a", status="error"))
    store.append(_record("a", kendall_tau=0.5))
    [record] = load_results([tmp_path])
    assert record["status"] == "ok" and record["kendall_tau"] == 0.5


def _writer(directory: str, prefix: str) -> None:
    store = ResultsStore(directory)
    for i in range(200):
        store.append(_record(f"{prefix}-{i}", payload="x" * 2000))


def test_two_processes_writing_at_once_do_not_corrupt(tmp_path):
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(tmp_path), p)) for p in ("p", "q")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    records = ResultsStore(tmp_path).records()
    assert len(records) == 400 and len({r["key"] for r in records}) == 400
