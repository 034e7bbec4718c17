"""The results store: one JSON Lines file of records, appended atomically, both kinds in one file.

``<dir>/records.jsonl`` holds one record per finished job, ranking and search alike (a ``kind``
field tells them apart). Appends take an exclusive ``flock`` and write one whole line, so two
processes writing to the same directory never interleave. A line left half-written by a kill is
ignored on reading and sealed off before the next append, so nothing after it is lost.

Directories written by suite 0.1.0 (``runs.jsonl`` for predictor runs, ``searches.jsonl`` for
searches) are read too, so their results still render and resume.
"""

from __future__ import annotations

import fcntl
import json
import logging
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nasbench_suite.errors import ResultsError

log = logging.getLogger(__name__)

RECORDS_FILE = "records.jsonl"
#: A study's title, notes and display labels, kept beside its records so the directory re-renders as it was.
STUDY_FILE = "study.json"
#: Results files of suite 0.1.0, read (never written) alongside ``records.jsonl``.
LEGACY_FILES = ("runs.jsonl", "searches.jsonl")

#: What the leaderboards group by, per kind of record.
REQUIRED_FIELDS = {
    "ranking": ("benchmark", "target", "predictor", "train_size", "seed"),
    "search": ("benchmark", "target", "strategy", "predictor", "top_fraction", "seed"),
    "pareto": ("benchmark", "objectives", "strategy", "predictor", "budget", "hv_target", "seed"),
}


def record_kind(record: dict[str, Any]) -> str:
    """``ranking``, ``search`` or ``pareto`` (records of 0.1.0 predictor runs have no ``kind``)."""
    return record.get("kind") or ("search" if "strategy" in record else "ranking")


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


class ResultsStore:
    """The records of one results directory."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.path = self.directory / RECORDS_FILE

    def append(self, record: dict[str, Any]) -> None:
        line = json.dumps(_clean(record), sort_keys=True, default=_json_default, allow_nan=False) + "\n"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with open(self.path, "ab") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    if handle.tell() > 0 and not _ends_with_newline(self.path):
                        handle.write(b"\n")  # seal a line cut short by a kill
                    handle.write(line.encode("utf-8"))
                    handle.flush()
                    os.fsync(handle.fileno())
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        except OSError as exc:
            raise ResultsError(f"{self.path}: cannot append a result ({exc.strerror})") from None

    def files(self) -> list[Path]:
        """The results files of the directory that exist (legacy files first, then ``records.jsonl``)."""
        return [path for path in (*(self.directory / name for name in LEGACY_FILES), self.path) if path.exists()]

    def records(self) -> list[dict[str, Any]]:
        """Every record of the directory, in file order (a job run twice appears twice)."""
        return [record for path in self.files() for record in read_records(path)]

    def finished_keys(self) -> set[str]:
        """Keys of jobs that finished successfully (failed jobs are retried)."""
        return {r["key"] for r in self.records() if r.get("status") == "ok"}


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def read_records(path: Path, check_fields: bool = False) -> list[dict[str, Any]]:
    """Parse a JSON Lines results file; an unterminated last line (a killed write) is skipped. With
    ``check_fields``, every record must have the fields its kind is summarised by, and the file at
    least one record."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ResultsError(f"{path}: cannot read results ({exc})") from None
    lines = text.split("\n")
    complete, tail = lines[:-1], lines[-1]
    if tail.strip():
        log.warning("%s: ignoring an unterminated last line (an interrupted write)", path)
    records = []
    for number, line in enumerate(complete, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            if number == len(complete) or not line.rstrip().endswith("}"):
                log.warning("%s:%d: skipping a line cut short by an interrupted write", path, number)
                continue
            raise ResultsError(f"{path}:{number}: not a JSON record ({exc.msg})") from None
        if not isinstance(record, dict) or "key" not in record or "status" not in record:
            raise ResultsError(f"{path}:{number}: expected a result record with 'key' and 'status'")
        kind = record_kind(record)
        if kind not in REQUIRED_FIELDS:
            raise ResultsError(f"{path}:{number}: unknown record kind {kind!r}; expected ranking, search or pareto")
        missing = [name for name in REQUIRED_FIELDS[kind] if name not in record] if check_fields else []
        if missing:
            raise ResultsError(
                f"{path}:{number}: a {kind} record needs {', '.join(REQUIRED_FIELDS[kind])}; "
                f"this one lacks {', '.join(missing)}"
            )
        record["kind"] = kind
        records.append(record)
    if not records and check_fields:
        raise ResultsError(f"{path}: no records (an empty results file)")
    return records


def read_study_settings(directory: str | Path) -> dict[str, Any]:
    """The title, notes and display labels kept beside a study's records (empty when there are none)."""
    path = Path(directory) / STUDY_FILE
    if not path.is_file():
        return {}
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ResultsError(f"{path}: not a study settings file ({exc})") from None
    if not isinstance(saved, dict):
        raise ResultsError(f"{path}: expected a JSON object with title, notes and labels")
    return saved


def write_study_settings(
    directory: str | Path, title: str, notes: list[str], labels: dict[str, dict[str, str]]
) -> None:
    """Keep a study's title, notes and display labels beside its records."""
    text = json.dumps({"title": title, "notes": notes, "labels": labels}, indent=2, sort_keys=True) + "\n"
    (Path(directory) / STUDY_FILE).write_text(text, encoding="utf-8")


def load_records(paths: Iterable[str | Path]) -> list[dict[str, Any]]:
    """Records from results directories or ``.jsonl`` files, checked for what the leaderboards need;
    the latest record of each job wins (by its finishing time; on a tie, the later line)."""
    latest: dict[str, dict[str, Any]] = {}
    for path in map(Path, paths):
        files = ResultsStore(path).files() if path.is_dir() else [path] if path.is_file() else []
        if not files:
            raise ResultsError(
                f"{path}: no results (expected a directory with {RECORDS_FILE}, or a .jsonl results file)"
            )
        for file in files:
            for record in read_records(file, check_fields=True):
                known = latest.get(record["key"])
                if known is None or str(record.get("finished_at") or "") >= str(known.get("finished_at") or ""):
                    latest[record["key"]] = record
    return sorted(latest.values(), key=lambda record: record["key"])
