import numpy as np
import torch
from nbs_gnn.cell_graphs import cell_graph_batch
from nbs_gnn.gcn_predictor import GCNPredictor

from nasbench_suite.metrics import kendall_tau
from nasbench_suite.specs import Spec
from nasbench_suite.study.ranking import make_split
from nasbench_suite.testing import make_architectures


def test_cell_graph_batch_keeps_every_node_and_edge():
    archs, _ = make_architectures(20, seed=3)
    archs = archs[np.arange(20)]
    archs.operations[5, 3:] = -1  # a smaller cell: nodes 3, 4 unused
    archs.adjacency[5, :, 3:] = 0
    archs.adjacency[5, 3:, :] = 0
    archs.adjacency[5, 1, 2] = 1
    graph = cell_graph_batch(archs)
    assert graph.x.shape == (int((archs.operations >= 0).sum()), archs.space.num_operations)
    assert graph.edge_index.shape[1] == int(archs.adjacency.sum())
    assert torch.equal(torch.bincount(graph.batch), torch.from_numpy((archs.operations >= 0).sum(axis=1)))
    # node features are the operations, in cell order
    assert torch.equal(graph.x.argmax(1), torch.from_numpy(archs.operations[archs.operations >= 0].astype(np.int64)))
    # every edge stays inside one cell and points forward
    src, dst = graph.edge_index
    assert torch.equal(graph.batch[src], graph.batch[dst]) and bool((src < dst).all())


def test_gcn_learns_nb201_from_few_cells(suite):
    table = suite.table(Spec("nb201-cifar10"))
    split = make_split(table.indices_with("test_accuracy"), "nb201-cifar10", 11, 200, 2000)
    y = table.targets["test_accuracy"]
    predictor = GCNPredictor(epochs=40, random_state=1).fit(table.archs[split.train], y[split.train])
    assert kendall_tau(y[split.test], predictor.predict(table.archs[split.test])) > 0.5
