"""An on-disk cache of proxy scores, so that re-running a leaderboard recomputes nothing.

One SQLite file (``zero_cost.sqlite``) under ``$NASBENCH_SUITE_CACHE`` (default
``~/.cache/nasbench-suite``). A score is keyed by everything it depends on: search space, cell id,
proxy, the network configuration, the exact image batch (its fingerprint), batch size and seed.
Safe for several processes: SQLite serialises the writers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from nasbench_suite import CACHE_ENV, DataFileError, cache_dir

FILENAME = "zero_cost.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS scores (
    space TEXT, cell TEXT, proxy TEXT, network TEXT, data TEXT, batch_size INTEGER, seed INTEGER,
    value REAL,
    PRIMARY KEY (space, cell, proxy, network, data, batch_size, seed)
)
"""


def cache_path() -> Path:
    return cache_dir() / FILENAME


class ScoreCache:
    """Scores of one (space, proxy, network, data, batch size, seed) setting, looked up by cell id."""

    def __init__(self, path: Path, space: str, proxy: str, network: str, data: str, batch_size: int, seed: int) -> None:
        self.path = path
        self.setting = (space, proxy, network, data, int(batch_size), int(seed))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise DataFileError(
                path, f"cannot open the proxy-score cache ({exc}); set {CACHE_ENV} to a writable folder"
            ) from None

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=60)

    def get(self, cells: Iterable[str]) -> dict[str, float]:
        """The cached scores of those ``cells`` that have one."""
        space, proxy, network, data, batch_size, seed = self.setting
        wanted = list(dict.fromkeys(cells))
        found: dict[str, float] = {}
        with self._connect() as db:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                rows = db.execute(
                    f"SELECT cell, value FROM scores WHERE space=? AND proxy=? AND network=? AND data=? "
                    f"AND batch_size=? AND seed=? AND cell IN ({','.join('?' * len(chunk))})",
                    (space, proxy, network, data, batch_size, seed, *chunk),
                )
                found.update(rows)
        return found

    def put(self, scores: dict[str, float]) -> None:
        space, proxy, network, data, batch_size, seed = self.setting
        with self._connect() as db:
            db.executemany(
                "INSERT OR REPLACE INTO scores VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(space, cell, proxy, network, data, batch_size, seed, value) for cell, value in scores.items()],
            )
