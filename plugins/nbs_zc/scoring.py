"""Score cells with a proxy: build each cell's network, run the proxy on the seeded batch, cache."""

from __future__ import annotations

import ast
import logging
import math

import numpy as np
import torch

from nasbench_suite import Architectures, ConfigError, network_builder
from nasbench_suite.images import image_batch
from nbs_zc.cache import ScoreCache, cache_path
from nbs_zc.proxies import PROXIES

log = logging.getLogger(__name__)

#: The score of a cell on which a proxy failed (non-finite or a numerical error), the value
#: NAS-Bench-Suite-Zero records for failures: lower than any real score.
FAILED = -1e8
SAVE_EVERY = 25


def parse_network_options(text: str) -> dict[str, object]:
    """``"channels=4;cells_per_stage=1"`` -> ``{"channels": 4, "cells_per_stage": 1}``."""
    options: dict[str, object] = {}
    for item in filter(None, (part.strip() for part in text.split(";"))):
        key, sep, value = item.partition("=")
        if not sep or not key.strip().isidentifier():
            raise ConfigError(f"network option {text!r}: expected key=value;key=value (got {item!r})")
        try:
            options[key.strip()] = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            options[key.strip()] = value.strip()
    return options


def live_scores(
    archs: Architectures,
    proxy: str,
    data: str,
    batch_size: int,
    network: str,
    seed: int,
    device: str,
    use_cache: bool,
) -> np.ndarray:
    """The proxy's score of every cell, computed (or read from the cache) on the seeded batch."""
    batch = image_batch(data, batch_size, seed)
    try:
        builder = network_builder(archs.space.name, **parse_network_options(network))
    except TypeError as exc:
        raise ConfigError(f"network={network!r}: invalid option for the {archs.space.name} network ({exc})") from None
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
