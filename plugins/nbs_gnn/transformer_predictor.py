"""``gnn-transformer``: the DAG-masked graph transformer (:mod:`nbs_gnn.transformer`) as a regressor.

Trained with AdamW and a one-cycle schedule (warm-up, then cosine decay) on standardised targets, for
a number of optimiser steps that does not depend on the training-set size (``steps``; an epoch at 78
labels is one or two batches).
The loss is the mean squared error plus ``rank_weight`` times a pairwise ranking loss over the pairs of
each batch (the logistic loss on score differences, as in the ranking losses of NAR-Former and
GATES): Kendall tau scores the order, and the pairwise term trains for it directly.
"""

from __future__ import annotations

import numpy as np

from nasbench_suite import Architectures, FitContext, Predictor


class GraphTransformerPredictor(Predictor):
    name = "gnn-transformer"
    description = (
        "graph transformer with adjacency- and flow-masked attention in both directions "
        "(NN-Former / FlowerFormer family), trained on labelled cells"
    )
    needs = frozenset({"labels", "device"})

    def __init__(
        self,
        width: int = 64,
        layers: int = 3,
        heads_per_mask: int = 2,
        dropout: float = 0.1,
        steps: int = 3000,
        batch_size: int = 64,
        learning_rate: float = 1e-3,
        weight_decay: float = 1e-2,
        rank_weight: float = 1.0,
        random_state: int = 0,
        device: str = "cpu",
    ) -> None:
        self.width = width
        self.layers = layers
        self.heads_per_mask = heads_per_mask
        self.dropout = dropout
        self.steps = steps
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.rank_weight = rank_weight
        self.random_state = random_state
        self.device = device

    def validate(self) -> None:
        from nasbench_suite import ConfigError
        from nbs_gnn.transformer import MASKS

        for option in ("width", "layers", "heads_per_mask", "steps", "batch_size"):
            if getattr(self, option) < 1:
                raise ConfigError(f"{option} must be at least 1 (got {getattr(self, option)})")
        heads = self.heads_per_mask * len(MASKS)
        if self.width % heads:
            raise ConfigError(
                f"width must be a multiple of the {heads} attention heads (heads_per_mask {self.heads_per_mask} x "
                f"{len(MASKS)} masks; got width {self.width})"
            )
        if not 0 <= self.dropout < 1:
            raise ConfigError(f"dropout must be in [0, 1) (got {self.dropout})")

    def fit(self, archs: Architectures, y: np.ndarray, context: FitContext | None = None) -> GraphTransformerPredictor:
        import torch

        self.validate()

        from nbs_gnn.training import TargetScaler, seed_everything, torch_device
        from nbs_gnn.transformer import DagTransformer, dense_cells

        generator = seed_everything(self.random_state)
        device = torch_device(self.device)
        y = np.asarray(y, dtype=np.float64)
        self.scaler_ = TargetScaler.fit(y)
        targets = torch.tensor(self.scaler_.transform(y), dtype=torch.float32, device=device)
        cells = dense_cells(archs).to(device)
        model = DagTransformer(
            archs.space.num_operations, archs.space.max_nodes, self.width, self.layers, self.heads_per_mask,
            self.dropout,
        ).to(device)  # fmt: skip
        optimiser = torch.optim.AdamW(model.parameters(), lr=self.learning_rate, weight_decay=self.weight_decay)
        schedule = torch.optim.lr_scheduler.OneCycleLR(
            optimiser, max_lr=self.learning_rate, total_steps=max(1, self.steps), pct_start=0.1
        )
        batch = min(self.batch_size, len(archs))
        model.train()
        order, position = torch.randperm(len(archs), generator=generator), 0
        for _ in range(self.steps):
            if position + batch > len(archs):
                order, position = torch.randperm(len(archs), generator=generator), 0
            rows = order[position : position + batch].to(device)
            position += batch
            scores = model(cells[rows])
            loss = torch.nn.functional.mse_loss(scores, targets[rows])
            if self.rank_weight and batch > 1:
                loss = loss + self.rank_weight * pairwise_rank_loss(scores, targets[rows])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
        self.model_ = model.eval().cpu()
        return self

    def predict(self, archs: Architectures) -> np.ndarray:
        from nbs_gnn.training import predict_in_chunks
        from nbs_gnn.transformer import dense_cells

        return self.scaler_.inverse(predict_in_chunks(self.model_, archs, dense_cells, self.device, 8192))


def pairwise_rank_loss(scores, targets):  # type: ignore[no-untyped-def]
    """Mean logistic loss over the ordered pairs with different targets: ``log(1 + exp(-(s_i - s_j)))``
    for every pair where cell i is truly better than cell j."""
    import torch

    better = targets.unsqueeze(1) > targets.unsqueeze(0)
    if not bool(better.any()):
        return scores.sum() * 0.0
    differences = scores.unsqueeze(1) - scores.unsqueeze(0)
    return torch.nn.functional.softplus(-differences[better]).mean()
