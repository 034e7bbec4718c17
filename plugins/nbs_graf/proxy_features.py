"""Zero-cost proxy scores as features, obtained from the registered proxy predictors.

The proxies are looked up in the suite's registry by name (as a third-party plugin would), so any
installed plugin that registers a proxy under one of these names, and accepts the options
``source``, ``data``, ``batch_size`` and ``network``, can feed GRAF.
"""

from __future__ import annotations

import numpy as np

from nasbench_suite import Architectures, ConfigError, Predictor
from nasbench_suite.registry import default_registry

#: The 13 proxies of NAS-Bench-Suite-Zero that the GRAF paper combines with its graph features.
PAPER_PROXIES = (
    "epe_nas", "fisher", "flops", "grad_norm", "grasp", "jacov", "l2_norm",
    "nwot", "params", "plain", "snip", "synflow", "zen",
)  # fmt: skip


def proxy_names(proxies: str) -> list[str]:
    """``"all"`` -> the paper's 13; otherwise ``+``-separated names (``"synflow+nwot"``)."""
    names = list(PAPER_PROXIES) if proxies == "all" else [p.strip() for p in proxies.split("+") if p.strip()]
    if not names:
        raise ConfigError(f"proxies: expected 'all' or names joined by '+' (got {proxies!r})")
    return names


def proxy_predictors(
    proxies: str, source: str, data: str, batch_size: int, network: str, seed: int, device: str
) -> list[Predictor]:
    """The registered proxy predictors, configured alike."""
    registry = default_registry()
    built = []
    for name in proxy_names(proxies):
        cls = registry.predictors.get(name).cls
        options = {"source": source, "data": data, "batch_size": batch_size, "network": network}
        built.append(cls(**options, **cls.harness_params(seed, device)))
    return built


def proxy_matrix(archs: Architectures, predictors: list[Predictor]) -> np.ndarray:
    """``(n, len(predictors))`` proxy scores of the cells."""
    columns = [np.asarray(p.fit(archs, None).predict(archs), dtype=np.float64) for p in predictors]
    return np.stack(columns, axis=1)
