"""Measure wall time and peak memory of a block of work."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psutil


@dataclass
class Measurement:
    seconds: float = 0.0
    peak_rss_mb: float = 0.0


@contextmanager
def measured(interval: float = 0.01) -> Iterator[Measurement]:
    """Time the block and sample this process's resident memory every ``interval`` seconds."""
    process = psutil.Process()
    result = Measurement(peak_rss_mb=process.memory_info().rss / 2**20)
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(interval):
            result.peak_rss_mb = max(result.peak_rss_mb, process.memory_info().rss / 2**20)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    try:
        yield result
    finally:
        result.seconds = time.perf_counter() - start
        stop.set()
        sampler.join()
        result.peak_rss_mb = max(result.peak_rss_mb, process.memory_info().rss / 2**20)
