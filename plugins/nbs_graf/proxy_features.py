"""Zero-cost proxy scores as features, obtained from the registered proxy predictors.

The proxies are looked up by name in the run's registry (``SuiteContext.predictor``, as a
third-party plugin would), so any installed plugin that registers a proxy under one of these names,
and accepts the options ``source``, ``data``, ``batch_size`` and ``network``, can feed GRAF.
"""

from __future__ import annotations

import numpy as np

from nasbench_suite import Architectures, ConfigError, FitContext, Predictor, Spec, SuiteContext

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
    suite: SuiteContext, proxies: str, source: str, data: str, batch_size: int, network: str, seed: int, device: str
) -> list[Predictor]:
    """The registered proxy predictors, configured alike."""
    options = {"source": source, "data": data, "batch_size": batch_size, "network": network}
    return [suite.predictor(Spec(name, options), seed, device) for name in proxy_names(proxies)]


def fit_proxies(archs: Architectures, proxies: list[Predictor], context: FitContext | None) -> list[Predictor]:
    """The proxies fitted (they learn nothing; a live one takes its network builder) on ``archs``."""
    return [proxy.fit(archs, None, context) for proxy in proxies]


def proxy_matrix(archs: Architectures, fitted: list[Predictor]) -> np.ndarray:
    """``(n, len(fitted))`` proxy scores of the cells."""
    return np.stack([np.asarray(p.predict(archs), dtype=np.float64) for p in fitted], axis=1)
