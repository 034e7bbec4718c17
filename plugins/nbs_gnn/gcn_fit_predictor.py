"""``gcn-fit``: fit the GCN to a weight-sharing supernet's estimates (Chen et al., AAAI 2021).

A supernet scores sub-networks cheaply but each score carries a random error. Fitting a GCN, which
is smooth over architecture space, to the estimates of the sampled cells averages those errors out:
its predictions can rank the sampled cells better than their own estimates, and they cover every
other cell of the space. The estimates come from the benchmark table's ``supernet`` cost (recorded
NB101 supernets: ``nb101-oneshot``; a live NB201 supernet: ``nb201-supernet``); true accuracies are
never seen. Compare with the ``supernet`` row (the raw estimates) and ``gcn`` trained on true
accuracies of as many cells; ``nasbench-suite run --score-train`` also scores the sampled cells.

A GCN trained to convergence would interpolate the estimates, noise included. So by default 10% of
the sampled cells' *estimates* are held out and the epoch that predicts them best is kept: the
random error of a held-out estimate cannot be learnt from the others, so this stops where the fit
has the shared signal and not yet the noise. No true accuracy is used for that choice.

A collapsed supernet (some recorded ones score every cell at chance) gives equal estimates; there
is nothing to fit then, and the prediction is that constant, so its rank correlation is undefined,
as is the raw estimates'.
"""

from __future__ import annotations

import numpy as np

from nasbench_suite import Architectures, FitContext
from nbs_gnn.gcn_predictor import GCNPredictor

ESTIMATES = "supernet"


class GCNFitPredictor(GCNPredictor):
    name = "gcn-fit"
    description = "GCN fitted to the supernet's noisy estimates of the training cells (no true accuracies)"
    needs = frozenset({f"cost:{ESTIMATES}", "device"})

    def __init__(
        self,
        hidden: int = 64,
        layers: int = 3,
        dropout: float = 0.1,
        epochs: int = 150,
        batch_size: int = 64,
        learning_rate: float = 2e-3,
        weight_decay: float = 1e-4,
        validation_fraction: float = 0.1,
        random_state: int = 0,
        device: str = "cpu",
    ) -> None:
        super().__init__(
            hidden, layers, dropout, epochs, batch_size, learning_rate, weight_decay, validation_fraction, random_state,
            device,
        )  # fmt: skip

    def fit(self, archs: Architectures, y: np.ndarray | None, context: FitContext | None = None) -> GCNFitPredictor:
        estimates = np.asarray(archs.costs[ESTIMATES], dtype=np.float64)
        if not np.all(np.isfinite(estimates)):
            raise ValueError(f"{int((~np.isfinite(estimates)).sum())} training cells have no supernet estimate")
        self.constant_ = float(estimates[0]) if len(estimates) and np.ptp(estimates) == 0 else None
        if self.constant_ is None:
            super().fit(archs, estimates, context)
        return self

    def predict(self, archs: Architectures) -> np.ndarray:
        if self.constant_ is not None:
            return np.full(len(archs), self.constant_)
        return super().predict(archs)
