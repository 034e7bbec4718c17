"""Where the suite keeps data it derives and can rebuild (proxy scores, trained checkpoints)."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "NASBENCH_SUITE_CACHE"


def cache_dir() -> Path:
    """``$NASBENCH_SUITE_CACHE``, or ``~/.cache/nasbench-suite``; plugins keep a sub-folder each."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "nasbench-suite")
