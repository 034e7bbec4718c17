"""The JSON Lines results store: one record per finished run, appended atomically.

Appends take an exclusive ``flock`` and write one whole line, so two processes writing to the
same directory never interleave. A line left half-written by a kill is ignored on reading and
sealed off before the next append, so nothing after it is lost.
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

RESULTS_FILE = "runs.jsonl"
SEARCH_RESULTS_FILE = "searches.jsonl"


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
    """Records of one results directory (``<dir>/runs.jsonl``, or ``searches.jsonl`` for searches)."""

    def __init__(self, directory: str | Path, filename: str = RESULTS_FILE) -> None:
        self.directory = Path(directory)
        self.path = self.directory / filename

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

    def records(self) -> list[dict[str, Any]]:
        return read_records(self.path) if self.path.exists() else []

    def finished_keys(self) -> set[str]:
        """Keys of runs that finished successfully (errored runs are retried)."""
        return {r["key"] for r in self.records() if r.get("status") == "ok"}


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


#: What the leaderboards group by, per results file.
REQUIRED_FIELDS = {
    RESULTS_FILE: ("run", ("benchmark", "target", "predictor", "train_size", "seed")),
    SEARCH_RESULTS_FILE: ("search", ("benchmark", "target", "strategy", "predictor", "top_fraction", "seed")),
}


def read_records(path: Path, required: tuple[str, ...] = (), kind: str = "run") -> list[dict[str, Any]]:
    """Parse a JSON Lines results file; an unterminated last line (a killed write) is skipped.
    With ``required``, every record must have those fields and the file at least one record."""
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
            raise ResultsError(f"{path}:{number}: expected a run record with 'key' and 'status'")
        missing = [name for name in required if name not in record]
        if missing:
            raise ResultsError(
                f"{path}:{number}: a {kind} record needs {', '.join(required)}; this one lacks {', '.join(missing)}"
            )
        records.append(record)
    if not records and required:
        raise ResultsError(f"{path}: no {kind} records (an empty results file)")
    return records


def load_results(paths: Iterable[str | Path], filename: str = RESULTS_FILE) -> list[dict[str, Any]]:
    """Records from results files or directories (``<dir>/<filename>``); the latest record of each
    run wins."""
    latest: dict[str, dict[str, Any]] = {}
    for path in map(Path, paths):
        file = path / filename if path.is_dir() else path
        if not file.exists():
            raise ResultsError(f"{file}: no results file (expected a directory with {filename} or a .jsonl file)")
        kind, required = REQUIRED_FIELDS.get(filename, ("run", ()))
        for record in read_records(file, required, kind):
            latest[record["key"]] = record
    return list(latest.values())
