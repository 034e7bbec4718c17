"""``gcn``: a graph convolutional network regressor over the cells' own graphs.

Each cell is its node-labelled DAG with one-hot operations as node features. Three directed GCN
layers pass messages along the edges and against them (as in the GCN predictors of Wen et al. 2020
and Chen et al. 2021); a mean+sum readout feeds an MLP head. Trained with mini-batch Adam on
standardised targets, on the device the harness hands over. With ``validation_fraction > 0`` a
seeded share of the training cells is held out and the weights of the epoch with the lowest
held-out error are kept (early stopping). Also the supervised-only ablation of the semi-supervised
assessor (``ssa``).
"""

from __future__ import annotations

import copy

import numpy as np

from nasbench_suite import Architectures, FitContext, Predictor


class GCNPredictor(Predictor):
    name = "gcn"
    description = "GCN over each cell's DAG (directed message passing), trained on labelled cells"
    needs = frozenset({"labels", "device"})

    def __init__(
        self,
        hidden: int = 64,
        layers: int = 3,
        dropout: float = 0.1,
        epochs: int = 150,
        batch_size: int = 64,
        learning_rate: float = 2e-3,
        weight_decay: float = 1e-4,
        validation_fraction: float = 0.0,
        random_state: int = 0,
        device: str = "cpu",
    ) -> None:
        self.hidden = hidden
        self.layers = layers
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.validation_fraction = validation_fraction
        self.random_state = random_state
        self.device = device

    def fit(self, archs: Architectures, y: np.ndarray, context: FitContext | None = None) -> GCNPredictor:
        import torch

        from nbs_gnn.cell_graphs import cell_graph_batch
        from nbs_gnn.layers import CellGCN
        from nbs_gnn.training import TargetScaler, seed_everything, torch_device

        if not 0 <= self.validation_fraction < 1:
            raise ValueError(f"validation_fraction must be in [0, 1) (got {self.validation_fraction})")
        generator = seed_everything(self.random_state)
        device = torch_device(self.device)
        train, held_out = np.arange(len(archs)), np.arange(0)
        count = int(round(self.validation_fraction * len(archs)))
        if count >= 1 and len(archs) - count >= 2:
            permuted = torch.randperm(len(archs), generator=generator).numpy()
            held_out, train = np.sort(permuted[:count]), np.sort(permuted[count:])
        y = np.asarray(y, dtype=np.float64)
        self.scaler_ = TargetScaler.fit(y[train])
        targets = torch.tensor(self.scaler_.transform(y), dtype=torch.float32, device=device)
        model = CellGCN(archs.space.num_operations, self.hidden, self.layers, self.dropout).to(device)
        optimiser = torch.optim.Adam(model.parameters(), lr=self.learning_rate, weight_decay=self.weight_decay)
        steps_per_epoch = max(1, -(-len(train) // self.batch_size))
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=self.epochs * steps_per_epoch)
        held_out_graph = cell_graph_batch(archs[held_out]).to(device) if len(held_out) else None
        best_error, best_state, self.best_epoch_ = np.inf, None, self.epochs
        model.train()
        for epoch in range(1, self.epochs + 1):
            order = train[torch.randperm(len(train), generator=generator).numpy()]
            for start in range(0, len(train), self.batch_size):
                rows = order[start : start + self.batch_size]
                graph = cell_graph_batch(archs[rows]).to(device)
                loss = torch.nn.functional.mse_loss(model(graph), targets[rows])
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                schedule.step()
            if held_out_graph is not None:
                model.eval()
                with torch.no_grad():
                    error = float(torch.nn.functional.mse_loss(model(held_out_graph), targets[held_out]))
                model.train()
                if error < best_error:
                    best_error, best_state, self.best_epoch_ = error, copy.deepcopy(model.state_dict()), epoch
        if best_state is not None:
            model.load_state_dict(best_state)
        self.model_ = model.eval().cpu()
        return self

    def predict(self, archs: Architectures) -> np.ndarray:
        from nbs_gnn.cell_graphs import cell_graph_batch
        from nbs_gnn.training import predict_in_chunks

        return self.scaler_.inverse(predict_in_chunks(self.model_, archs, cell_graph_batch, self.device, 4096))
