"""Predictors written against nasbench-suite 0.1.0."""

import numpy as np

from nasbench_suite import Architectures, ConfigError, FitContext, Predictor, network_builder


class OpCountRidge(Predictor):
    """Ridge regression on how often each operation occurs in the cell."""

    name = "opcount-ridge"  # the registry name
    needs = frozenset({"labels"})  # also: "unlabelled", "device", "cost:<name>"
    fast = True  # include in the default suite

    def __init__(self, alpha: float = 1.0, random_state: int = 0) -> None:
        self.alpha = alpha  # store hyper-parameters, do no work
        self.random_state = random_state  # set to the run's seed by the harness

    def validate(self):
        if self.alpha < 0:
            raise ConfigError(f"alpha must be >= 0 (got {self.alpha})")

    def _features(self, archs: Architectures) -> np.ndarray:
        return np.c_[archs.onehot_operations().sum(axis=1), np.ones(len(archs))]

    def fit(self, archs: Architectures, y: np.ndarray, context: FitContext | None = None) -> "OpCountRidge":
        x = self._features(archs)
        self.coef_ = np.linalg.solve(x.T @ x + self.alpha * np.eye(x.shape[1]), x.T @ y)
        return self  # fitted state ends with "_"

    def predict(self, archs: Architectures) -> np.ndarray:
        return self._features(archs) @ self.coef_  # one finite float per cell, higher is better


class NetworkParams(Predictor):
    """Label-free: the trainable parameters of each cell's network, built by the space's builder."""

    name = "network-params"
    needs = frozenset()

    def __init__(self, channels: int = 4, cells_per_stage: int = 1) -> None:
        self.channels = channels
        self.cells_per_stage = cells_per_stage

    def fit(self, archs, y, context=None):
        self.builder_ = network_builder(archs.space.name, channels=self.channels, cells_per_stage=self.cells_per_stage)
        return self

    def predict(self, archs):
        counts = []
        for index in range(len(archs)):
            network = self.builder_.build(archs, index, num_classes=10)
            counts.append(sum(p.numel() for p in network.parameters() if p.requires_grad))
        return np.asarray(counts, dtype=np.float64)
