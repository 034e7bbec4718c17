import numpy as np
import pytest
from nbs_tables.nasbench_graph import DATASETS

from nasbench_suite.specs import Spec


@pytest.mark.parametrize("dataset", DATASETS)
def test_every_dataset_loads(suite, dataset):
    table = suite.table(Spec(f"nasbench-graph-{dataset}"))
    assert len(table) == (2021 if dataset == "proteins" else 26206)
    assert np.isfinite(table.targets["valid_perf"]).all() and np.isfinite(table.targets["test_perf"]).all()
    assert 0 < table.targets["valid_perf"].max() <= 1
    assert (table.archs.costs["params"] > 0).all()


def test_architecture_graphs_are_dags_with_an_output(suite):
    table = suite.table(Spec("nasbench-graph-cora"))
    adjacency = table.archs.adjacency
    assert np.array_equal(adjacency, np.triu(adjacency, 1))
    assert (adjacency[:, :, 5].sum(axis=1) >= 1).all()  # some node feeds the output
    assert (adjacency[:, :, 1:5].sum(axis=1) == 1).all()  # each op node has exactly one input
