"""The results store: atomic appends, recovery from a killed write, concurrent writers, both kinds
of record in one file, and directories written by suite 0.1.0."""

from __future__ import annotations

import json
import multiprocessing

import pytest

from nasbench_suite import ResultsError
from nasbench_suite.study.records import ResultsStore, load_records, read_records

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
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps(_record("a")) + "\n" + '{"key": "b", oops}' + "\n" + json.dumps(_record("c")) + "\n")
    with pytest.raises(ResultsError, match="records.jsonl:2: not a JSON record"):
        read_records(path)
    path.write_text('["not", "a", "record"]\n')
    with pytest.raises(ResultsError, match="records.jsonl:1: expected a result record"):
        read_records(path)


def test_missing_results_are_reported(tmp_path):
    with pytest.raises(ResultsError, match="no results"):
        load_records([tmp_path / "nowhere"])


def test_latest_record_of_a_run_wins(tmp_path):
    store = ResultsStore(tmp_path)
    store.append(_record("a", status="error"))
    store.append(_record("a", kendall_tau=0.5))
    [record] = load_records([tmp_path])
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


SEARCH_FIELDS = {"benchmark": "b", "target": "t", "strategy": "random", "predictor": None, "top_fraction": 0.01}


def test_both_kinds_share_one_file_and_the_kind_is_recorded(tmp_path):
    store = ResultsStore(tmp_path)
    store.append(_record("run", kind="ranking"))
    store.append({"key": "search", "status": "ok", "kind": "search", "seed": 0, **SEARCH_FIELDS})
    assert [r["kind"] for r in load_records([tmp_path])] == ["ranking", "search"]
    assert [p.name for p in store.files()] == ["records.jsonl"]


def test_directories_of_suite_0_1_are_read_and_resumed(tmp_path):
    (tmp_path / "runs.jsonl").write_text(json.dumps(_record("old-run")) + "\n")  # no "kind" field then
    (tmp_path / "searches.jsonl").write_text(
        json.dumps({"key": "old-search", "status": "ok", "kind": "search", "seed": 0, **SEARCH_FIELDS}) + "\n"
    )
    store = ResultsStore(tmp_path)
    store.append(_record("new-run", kind="ranking"))
    assert {r["key"]: r["kind"] for r in load_records([tmp_path])} == {
        "old-run": "ranking",
        "old-search": "search",
        "new-run": "ranking",
    }
    assert store.finished_keys() == {"old-run", "old-search", "new-run"}
    assert not (tmp_path / "runs.jsonl").read_text().count("new-run")  # new records go to records.jsonl only
