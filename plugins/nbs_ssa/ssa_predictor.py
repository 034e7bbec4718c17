"""``ssa``: the semi-supervised assessor of neural architectures (Tang et al., CVPR 2020).

Pipeline, as in the paper:

1. An auto-encoder learns an embedding of every architecture's adjacency + operation encoding,
   from the labelled *and* the unlabelled cells (reconstruction loss only, no labels).
2. A relation graph connects architectures (labelled and unlabelled alike) that lie close in
   embedding space, with similarity weights ``exp(-d^2 / 2 sigma^2)``.
3. A two-layer GCN on that graph, fed the embeddings, is trained with the regression loss on the
   labelled nodes only; the unlabelled nodes pass the labels on through their neighbours.

Prediction is transductive for cells in the graph and inductive for new cells: a new cell is
embedded by the trained encoder and attached to its nearest graph nodes (edges into the new node
only), so its score never depends on which other cells are predicted with it.

Where this implementation deviates from the paper, and why:

* Neighbours: the paper links architectures whose similarity passes a threshold. Here each
  architecture is linked to its ``neighbours`` nearest ones (k-NN, scikit-learn), optionally also
  thresholded by ``min_similarity``. k-NN keeps every node connected and the graph O(n k), so pools
  of 10^5 cells stay practical; with a pure threshold, node degrees vary by orders of magnitude
  with the embedding's density.
* Kernel width ``sigma`` is the median nearest-neighbour distance (a standard heuristic), as the
  paper's value depends on its own embedding scale.
* The encoder is an MLP over the flat encoding, trained for a fixed number of steps rather than
  epochs, so the cost does not grow with the pool; the auto-encoder is trained first and then
  frozen, rather than jointly with the GCN, which keeps the embedding label-free.
* Targets are standardised for training; the loss is the mean squared error on labelled nodes.

``use_graph=False`` gives the ablation "same embedding, plain regressor": the GCN then sees no
edges and reduces to a per-architecture MLP trained on the labelled cells.
"""

from __future__ import annotations

import copy

import numpy as np

from nasbench_suite import Architectures, FitContext, Predictor

PREDICT_CHUNK = 20000


class SemiSupervisedAssessor(Predictor):
    name = "ssa"
    description = "semi-supervised assessor: auto-encoder embedding + relation graph + GCN (Tang et al. 2020)"
    needs = frozenset({"labels", "unlabelled", "device"})

    def __init__(
        self,
        embedding_dim: int = 32,
        autoencoder_hidden: int = 128,
        autoencoder_steps: int = 2000,
        neighbours: int = 10,
        min_similarity: float = 0.0,
        use_graph: bool = True,
        gcn_hidden: int = 64,
        gcn_epochs: int = 300,
        dropout: float = 0.1,
        learning_rate: float = 5e-3,
        weight_decay: float = 5e-4,
        random_state: int = 0,
        device: str = "cpu",
    ) -> None:
        self.embedding_dim = embedding_dim
        self.autoencoder_hidden = autoencoder_hidden
        self.autoencoder_steps = autoencoder_steps
        self.neighbours = neighbours
        self.min_similarity = min_similarity
        self.use_graph = use_graph
        self.gcn_hidden = gcn_hidden
        self.gcn_epochs = gcn_epochs
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.random_state = random_state
        self.device = device

    # -- fitting -------------------------------------------------------------------------------

    def fit(self, archs: Architectures, y: np.ndarray, context: FitContext | None = None) -> SemiSupervisedAssessor:
        import torch
        from nbs_gnn.training import TargetScaler, seed_everything, torch_device
        from sklearn.neighbors import NearestNeighbors

        from nbs_ssa.relation_graph import bandwidth, build_relation_graph, empty_graph

        generator = seed_everything(self.random_state)
        device = torch_device(self.device)
        pool = context.unlabelled if context is not None and context.unlabelled is not None else archs[:0]
        encodings = np.concatenate([archs.flat_encoding(), pool.flat_encoding()])
        self.autoencoder_ = self._train_autoencoder(encodings, generator, device)
        self.embedding_mean_, self.embedding_std_ = 0.0, 1.0
        raw = self._embed(encodings)
        self.embedding_mean_ = raw.mean(axis=0)
        self.embedding_std_ = np.where(raw.std(axis=0) > 0, raw.std(axis=0), 1.0)
        embeddings = self._embed(encodings)

        self.index_ = NearestNeighbors(algorithm="auto").fit(embeddings)
        nearest, _ = self.index_.kneighbors(embeddings, n_neighbors=min(2, len(embeddings)))
        self.sigma_ = bandwidth(nearest[:, -1])
        if self.use_graph:
            graph = build_relation_graph(self.index_, embeddings, self.neighbours, self.sigma_, self.min_similarity)
        else:
            graph = empty_graph()
        self.graph_ = graph
        self.embeddings_ = embeddings.astype(np.float32)

        self.scaler_ = TargetScaler.fit(y)
        labelled = torch.arange(len(archs), device=device)
        targets = torch.tensor(self.scaler_.transform(y), dtype=torch.float32, device=device)
        self.gcn_ = self._train_gcn(labelled, targets, device)
        node_scores = self._forward(self.embeddings_, graph)
        self.node_predictions_ = self.scaler_.inverse(node_scores)
        self.node_of_id_ = {cell: i for i, cell in enumerate(np.concatenate([archs.ids, pool.ids]))}
        return self

    def _train_autoencoder(self, encodings: np.ndarray, generator, device):
        import torch

        from nbs_ssa.models import ArchitectureAutoEncoder

        model = ArchitectureAutoEncoder(encodings.shape[1], self.autoencoder_hidden, self.embedding_dim).to(device)
        optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
        data = torch.tensor(encodings, dtype=torch.float32, device=device)
        batch = min(256, len(data))
        model.train()
        for _ in range(self.autoencoder_steps):
            rows = torch.randint(len(data), (batch,), generator=generator).to(device)
            _, reconstruction = model(data[rows])
            loss = torch.nn.functional.binary_cross_entropy_with_logits(reconstruction, data[rows])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        return model.eval().cpu()

    def _train_gcn(self, labelled, targets, device):
        import torch

        from nbs_ssa.models import RelationGCN

        model = RelationGCN(self.embedding_dim, self.gcn_hidden, self.dropout).to(device)
        optimiser = torch.optim.Adam(model.parameters(), lr=self.learning_rate, weight_decay=self.weight_decay)
        x, edge_index, edge_weight = self._tensors(self.embeddings_, self.graph_, device)
        model.train()
        for _ in range(self.gcn_epochs):
            scores = model(x, edge_index, edge_weight)
            loss = torch.nn.functional.mse_loss(scores[labelled], targets)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        return model.eval().cpu()

    # -- prediction ----------------------------------------------------------------------------

    def _embed(self, encodings: np.ndarray) -> np.ndarray:
        import torch

        with torch.no_grad():
            embedded = self.autoencoder_.encoder(torch.tensor(encodings, dtype=torch.float32)).numpy()
        return (embedded - self.embedding_mean_) / self.embedding_std_

    @staticmethod
    def _tensors(x: np.ndarray, graph, device):
        import torch

        return (
            torch.tensor(x, dtype=torch.float32, device=device),
            torch.tensor(np.stack([graph.source, graph.target]), dtype=torch.long, device=device),
            torch.tensor(graph.weight, dtype=torch.float32, device=device),
        )

    def _forward(self, x: np.ndarray, graph) -> np.ndarray:
        import torch
        from nbs_gnn.training import torch_device

        device = torch_device(self.device)
        model = self.gcn_ if device.type == "cpu" else copy.deepcopy(self.gcn_).to(device)
        with torch.no_grad():
            return model(*self._tensors(x, graph, device)).cpu().numpy().astype(np.float64)

    def predict(self, archs: Architectures) -> np.ndarray:
        from nbs_ssa.relation_graph import RelationGraph, attach, empty_graph

        out = np.empty(len(archs), dtype=np.float64)
        nodes = np.array([self.node_of_id_.get(cell, -1) for cell in archs.ids], dtype=np.int64)
        known = nodes >= 0
        out[known] = self.node_predictions_[nodes[known]]
        new = np.flatnonzero(~known)
        offset = len(self.embeddings_)
        for start in range(0, len(new), PREDICT_CHUNK):
            rows = new[start : start + PREDICT_CHUNK]
            embedded = self._embed(archs[rows].flat_encoding())
            if self.use_graph:
                edges = attach(self.index_, embedded, self.neighbours, self.sigma_, offset)
            else:
                edges = empty_graph()
            union = RelationGraph(
                np.concatenate([self.graph_.source, edges.source]),
                np.concatenate([self.graph_.target, edges.target]),
                np.concatenate([self.graph_.weight, edges.weight]),
            )
            scores = self._forward(np.concatenate([self.embeddings_, embedded]), union)
            out[rows] = self.scaler_.inverse(scores[offset:])
        return out
