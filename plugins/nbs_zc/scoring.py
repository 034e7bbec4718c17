"""Score cells with a proxy: build each cell's network, run the proxy on the seeded batch, cache."""

from __future__ import annotations

import logging
import math

import numpy as np
import torch

from nasbench_suite import Architectures, NetworkBuilder, image_batch, parse_options
from nbs_zc.cache import ScoreCache, cache_path
from nbs_zc.proxies import PROXIES

log = logging.getLogger(__name__)

#: The score of a cell on which a proxy failed (non-finite or a numerical error), the value
#: NAS-Bench-Suite-Zero records for failures: lower than any real score.
FAILED = -1e8
SAVE_EVERY = 25


def parse_network_options(text: str) -> dict[str, object]:
    """``"channels=4;cells_per_stage=1"`` -> ``{"channels": 4, "cells_per_stage": 1}``."""
    return parse_options(text, f"network option {text!r}", separator=";")


def live_scores(
    archs: Architectures,
    proxy: str,
    builder: NetworkBuilder,
    data: str,
    batch_size: int,
    network: str,
    seed: int,
    device: str,
    use_cache: bool,
) -> np.ndarray:
    """The proxy's score of every cell, computed (or read from the cache) on the seeded batch.
    ``builder`` builds the cells' networks; ``network`` is its option string, part of the cache key."""
    batch = image_batch(data, batch_size, seed)
    cache = (
        ScoreCache(cache_path(), archs.space.name, proxy, network, batch.fingerprint, batch_size, seed)
        if use_cache
        else None
    )
    scores = cache.get(archs.ids) if cache else {}
    todo = {cell: k for k, cell in enumerate(archs.ids) if cell not in scores}
    on_device = type(batch)(batch.images.to(device), batch.labels.to(device), batch.num_classes, batch.fingerprint)
    fresh: dict[str, float] = {}
    for cell, index in todo.items():
        torch.manual_seed(seed)
        net = builder.build(archs, index, batch.num_classes).to(device)
        try:
            value = PROXIES[proxy](net, on_device)
        except (RuntimeError, ValueError, np.linalg.LinAlgError) as exc:
            log.warning("proxy %s failed on cell %s: %s", proxy, cell, exc)
            value = FAILED
        fresh[cell] = value if math.isfinite(value) else FAILED
        if cache and len(fresh) >= SAVE_EVERY:
            cache.put(fresh)
            scores.update(fresh)
            fresh = {}
    if cache and fresh:
        cache.put(fresh)
    scores.update(fresh)
    return np.array([scores[cell] for cell in archs.ids], dtype=np.float64)
