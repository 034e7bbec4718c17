"""One registered predictor per zero-cost proxy (no labels needed).

Options: ``source`` — ``live`` computes the proxy on the cell's network and a seeded batch of real
images (cached on disk), ``recorded`` serves NAS-Bench-Suite-Zero's recorded value from the
benchmark table (costs ``zc:<proxy>``; NB201 CIFAR-10 and ImageNet16-120); ``data`` — the image
dataset (see :func:`nasbench_suite.open_dataset`); ``batch_size``; ``network`` — builder options such as
``channels=8;cells_per_stage=1`` (default: the benchmark's own network); ``cache``.
A proxy that fails on a cell scores ``-1e8`` there, below every real score.
"""

from __future__ import annotations

import numpy as np

from nasbench_suite import Architectures, ConfigError, FitContext, Predictor, image_batch, suite_of
from nbs_zc.proxies import PROXIES
from nbs_zc.scoring import live_scores, parse_network_options

SOURCES = ("live", "recorded")
RECORDED_PREFIX = "zc:"


class ZeroCostProxy(Predictor):
    """Base of the proxy predictors; subclasses set ``name`` (the proxy)."""

    needs = frozenset({"device"})
    input_files = ("data",)

    def __init__(
        self,
        source: str = "live",
        data: str = "",
        batch_size: int = 64,
        network: str = "",
        cache: bool = True,
        random_state: int = 0,
        device: str = "cpu",
    ) -> None:
        self.source = source
        self.data = data
        self.batch_size = batch_size
        self.network = network
        self.cache = cache
        self.random_state = random_state
        self.device = device

    def _check_source(self) -> None:
        if self.source not in SOURCES:
            raise ConfigError(f"source must be one of {', '.join(SOURCES)} (got {self.source!r})")

    def validate(self) -> None:
        self._check_source()
        if self.source == "live":
            if not isinstance(self.batch_size, int) or self.batch_size < 1:
                raise ConfigError(f"batch_size: expected a positive integer (got {self.batch_size!r})")
            parse_network_options(self.network)
            image_batch(self.data, self.batch_size, self.random_state)  # reads and decodes it, once per process

    def fit(self, archs: Architectures, y: np.ndarray | None, context: FitContext | None = None) -> ZeroCostProxy:
        """Nothing to learn; a live proxy takes its space's network builder from the run's context."""
        self._check_source()
        self.builder_ = None
        if self.source == "live":
            suite = suite_of(context, f"proxy {self.name} (source=live)")
            self.builder_ = suite.network_builder(archs.space.name, **parse_network_options(self.network))
        return self

    def predict(self, archs: Architectures) -> np.ndarray:
        if self.source == "recorded":
            return recorded_scores(archs, self.name)
        return live_scores(
            archs,
            self.name,
            self.builder_,
            self.data,
            self.batch_size,
            self.network,
            self.random_state,
            self.device,
            self.cache,
        )


def recorded_scores(archs: Architectures, proxy: str) -> np.ndarray:
    """NAS-Bench-Suite-Zero's recorded values of ``proxy`` for ``archs`` (every cell must have one)."""
    values = archs.costs.get(RECORDED_PREFIX + proxy)
    if values is None:
        raise ConfigError(
            f"proxy {proxy}: this benchmark has no recorded values (cost {RECORDED_PREFIX}{proxy}); "
            f"use source=live, or an NB201 CIFAR-10 / ImageNet16-120 benchmark"
        )
    values = np.asarray(values, dtype=np.float64)
    missing = np.isnan(values)
    if missing.any():
        raise ConfigError(
            f"proxy {proxy}: {int(missing.sum())} of {len(values)} cells have no recorded value (e.g. "
            f"{archs.ids[np.flatnonzero(missing)[0]]}); use a -valid benchmark or source=live"
        )
    return values.copy()


def _proxy_class(proxy: str) -> type[ZeroCostProxy]:
    class_name = "".join(part.capitalize() for part in proxy.split("_")) + "Proxy"
    cls = type(
        class_name,
        (ZeroCostProxy,),
        {
            "name": proxy,
            "description": f"zero-cost proxy {proxy} (NAS-Bench-Suite-Zero), live or recorded",
            "__module__": __name__,
            "__doc__": f"The ``{proxy}`` zero-cost proxy; see :mod:`nbs_zc.proxies` for its definition.",
        },
    )
    cls.__qualname__ = class_name
    return cls


PROXY_PREDICTORS: list[type[ZeroCostProxy]] = [_proxy_class(proxy) for proxy in PROXIES]
globals().update({cls.__name__: cls for cls in PROXY_PREDICTORS})
