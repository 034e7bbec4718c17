"""``bananas-mlp``: the predictor of BANANAS (White et al., AAAI 2021): the path encoding
(:mod:`nbs_encodings.path_encoding`; on NAS-Bench-101 truncated to its first 40 bits, the paths of at
most 3 operations, as the paper's ``trunc_path``) fed to an ensemble of feed-forward networks (5
networks of 10 layers x 20 units, mean absolute error, Adam at 0.01, 150 epochs of batch 32: the
paper's settings). The prediction is the ensemble's mean and ``predict_with_std`` reports its spread,
so the predictor is also a guide with its own uncertainty for the guided searches.
"""

from __future__ import annotations

import numpy as np

from nasbench_suite import Architectures, FitContext, Predictor
from nbs_encodings.encodings import encode

#: Bits of the path encoding BANANAS keeps where the full encoding is long (NB101: 364 -> 40).
TRUNCATE = 40
#: With ``truncate=None``, encodings at most this long are kept whole (NB201: 85 bits).
KEEP_WHOLE = 100


class BananasPredictor(Predictor):
    name = "bananas-mlp"
    description = "BANANAS' predictor: path encoding + an ensemble of MLPs, with the ensemble's spread as uncertainty"
    needs = frozenset({"labels", "device"})

    def __init__(
        self,
        ensemble: int = 5,
        layers: int = 10,
        width: int = 20,
        epochs: int = 150,
        batch_size: int = 32,
        learning_rate: float = 0.01,
        truncate: int | None = None,
        random_state: int = 0,
        device: str = "cpu",
    ) -> None:
        self.ensemble = ensemble
        self.layers = layers
        self.width = width
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.truncate = truncate
        self.random_state = random_state
        self.device = device

    def validate(self) -> None:
        from nasbench_suite import ConfigError

        for option in ("ensemble", "layers", "width", "epochs", "batch_size"):
            if getattr(self, option) < 1:
                raise ConfigError(f"{option} must be at least 1 (got {getattr(self, option)})")
        if self.truncate is not None and self.truncate < 1:
            raise ConfigError(f"truncate must be at least 1 bit, or None for BANANAS' rule (got {self.truncate})")

    def _encode(self, archs: Architectures) -> np.ndarray:
        """The path encoding: its first ``truncate`` bits, or with ``truncate=None`` BANANAS' rule (the
        first 40 bits where the whole encoding is longer than 100, else all of it)."""
        features = encode(archs, "path")
        if self.truncate is not None:
            return features[:, : self.truncate]
        return features if features.shape[1] <= KEEP_WHOLE else features[:, :TRUNCATE]

    def fit(self, archs: Architectures, y: np.ndarray | None, context: FitContext | None = None) -> BananasPredictor:
        import torch

        self.validate()
        device = torch.device(self.device)
        features = torch.tensor(self._encode(archs), dtype=torch.float32, device=device)
        targets = np.asarray(y, dtype=np.float64)
        self.y_mean_, self.y_std_ = float(targets.mean()), float(targets.std()) or 1.0
        scaled = torch.tensor((targets - self.y_mean_) / self.y_std_, dtype=torch.float32, device=device)
        members = []
        for member in range(self.ensemble):
            generator = torch.Generator().manual_seed(self.random_state * 1000 + member)
            torch.manual_seed(self.random_state * 1000 + member)
            network = _network(features.shape[1], self.layers, self.width).to(device)
            optimiser = torch.optim.Adam(network.parameters(), lr=self.learning_rate, betas=(0.9, 0.99))
            for _ in range(self.epochs):
                order = torch.randperm(len(features), generator=generator).to(device)
                for start in range(0, len(order), self.batch_size):
                    rows = order[start : start + self.batch_size]
                    loss = torch.nn.functional.l1_loss(network(features[rows]).squeeze(-1), scaled[rows])
                    optimiser.zero_grad()
                    loss.backward()
                    optimiser.step()
            members.append(network.eval().cpu())
        self.members_ = members
        return self

    def _member_predictions(self, archs: Architectures) -> np.ndarray:
        import torch

        features = torch.tensor(self._encode(archs), dtype=torch.float32)
        with torch.no_grad():
            return np.stack([network(features).squeeze(-1).numpy() for network in self.members_]).astype(np.float64)

    def predict(self, archs: Architectures) -> np.ndarray:
        return self.predict_with_std(archs)[0]

    def predict_with_std(self, archs: Architectures) -> tuple[np.ndarray, np.ndarray]:
        """The ensemble's mean prediction and the standard deviation across its networks."""
        if not len(archs):
            return np.zeros(0), np.zeros(0)
        predictions = self._member_predictions(archs) * self.y_std_ + self.y_mean_
        return predictions.mean(axis=0), predictions.std(axis=0)


def _network(inputs: int, layers: int, width: int):  # type: ignore[no-untyped-def]
    from torch import nn

    parts: list[nn.Module] = []
    for layer in range(layers):
        parts += [nn.Linear(inputs if layer == 0 else width, width), nn.ReLU()]
    return nn.Sequential(*parts, nn.Linear(width, 1))
