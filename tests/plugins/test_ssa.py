import numpy as np
import pytest
from nbs_ssa.relation_graph import attach, bandwidth, build_relation_graph
from nbs_ssa.ssa_predictor import SemiSupervisedAssessor
from sklearn.neighbors import NearestNeighbors

from nasbench_suite import FitContext
from nasbench_suite.metrics import kendall_tau
from nasbench_suite.specs import Spec
from nasbench_suite.study.ranking import make_split
from nasbench_suite.testing import make_task

SMALL = {"autoencoder_steps": 200, "gcn_epochs": 60, "neighbours": 5}


@pytest.fixture(scope="module")
def points():
    return np.random.default_rng(0).normal(size=(300, 8))


def test_relation_graph_is_symmetric_knn_without_self_loops(points):
    distances, found = NearestNeighbors().fit(points).kneighbors(points, n_neighbors=6)
    graph = build_relation_graph(distances, found, sigma=1.0, min_similarity=0.0)
    pairs = set(zip(graph.source.tolist(), graph.target.tolist()))
    assert all((b, a) in pairs for a, b in pairs)
    assert not any(a == b for a, b in pairs) and len(pairs) == len(graph.source)
    degree = np.bincount(graph.target, minlength=len(points))
    assert degree.min() >= 5
    assert ((graph.weight > 0) & (graph.weight <= 1)).all()
    # each node's 5 nearest neighbours (by brute force) are among its graph neighbours
    distances = ((points[:, None] - points[None]) ** 2).sum(-1)
    nearest = np.argsort(distances[7])[1:6]
    assert set(nearest) <= {a for a, b in pairs if b == 7}


def test_min_similarity_thresholds_edges(points):
    distances, found = NearestNeighbors().fit(points).kneighbors(points, n_neighbors=6)
    sigma = bandwidth(distances[:, 1])
    full = build_relation_graph(distances, found, sigma, 0.0)
    sparse = build_relation_graph(distances, found, sigma, 0.5)
    assert len(sparse.source) < len(full.source) and sparse.weight.min() >= 0.5


def test_attached_nodes_only_receive_edges(points):
    index = NearestNeighbors().fit(points[:200])
    edges = attach(index, points[200:], neighbours=4, sigma=1.0, offset=200)
    assert (edges.target >= 200).all() and (edges.source < 200).all()
    assert np.array_equal(np.bincount(edges.target - 200), np.full(100, 4))


def test_ssa_uses_the_unlabelled_pool_and_predicts_transductively_and_inductively():
    task = make_task(n_train=40, n_test=30, n_unlabelled=120)
    predictor = SemiSupervisedAssessor(**SMALL).fit(task.train, task.y_train, FitContext(task.unlabelled))
    assert len(predictor.embeddings_) == 160 and set(task.unlabelled.ids) <= set(predictor.node_of_id_)
    pool_scores = predictor.predict(task.unlabelled)
    assert np.array_equal(pool_scores, predictor.node_predictions_[40:])
    both = predictor.predict(task.test)
    one = predictor.predict(task.test[np.array([3])])
    assert one[0] == pytest.approx(both[3], rel=1e-6)  # a new cell's score ignores the other new cells


def test_both_encoders_work_and_bad_ones_are_rejected():
    task = make_task()
    for encoder in ("gcn", "mlp"):
        predictor = SemiSupervisedAssessor(**SMALL, encoder=encoder).fit(
            task.train, task.y_train, FitContext(task.unlabelled)
        )
        assert predictor.embeddings_.shape == (len(task.train) + len(task.unlabelled), 32)
    with pytest.raises(ValueError, match="encoder must be 'mlp' or 'gcn'"):
        SemiSupervisedAssessor(encoder="transformer").fit(task.train, task.y_train, FitContext(task.unlabelled))


def test_without_graph_there_are_no_edges():
    task = make_task()
    predictor = SemiSupervisedAssessor(**SMALL, use_graph=False).fit(
        task.train, task.y_train, FitContext(task.unlabelled)
    )
    assert len(predictor.graph_.source) == 0
    assert np.isfinite(predictor.predict(task.test)).all()


def test_ssa_ranks_nb101_cells_from_few_labels(suite):
    table = suite.table(Spec("nb101"))
    split = make_split(table.indices_with("val_accuracy"), "nb101", 21, 200, 2000, 1000)
    y = table.targets["val_accuracy"]
    predictor = SemiSupervisedAssessor(autoencoder_steps=800, gcn_epochs=150).fit(
        table.archs[split.train], y[split.train], FitContext(table.archs[split.unlabelled])
    )
    assert kendall_tau(y[split.test], predictor.predict(table.archs[split.test])) > 0.25
