import numpy as np
import pandas as pd
import pytest
from nbs_tables import nb201


@pytest.fixture(scope="module")
def table(suite):
    from nasbench_suite.specs import Spec

    return suite.table(Spec("nb201-cifar10"))


def test_all_cells_with_both_fidelities(table):
    assert len(table) == nb201.NUM_CELLS == 15625
    accuracy = {"test_accuracy", "test_accuracy_12ep", "val_accuracy_12ep"}
    assert accuracy <= set(table.targets)
    assert all(np.isfinite(table.targets[name]).all() for name in accuracy)
    assert table.targets["test_accuracy"].max() == pytest.approx(94.37, abs=0.01)  # best NB201 CIFAR-10 cell
    assert table.targets["test_accuracy_12ep"].max() == pytest.approx(89.16, abs=0.01)
    assert len(set(table.archs.ids)) == 15625


def test_cell_string_round_trip():
    cell = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
    assert nb201.cell_string(nb201.parse_cell(cell)) == cell
    with pytest.raises(ValueError, match="not a NAS-Bench-201 cell"):
        nb201.parse_cell("|conv~0|")


def test_node_dag_conversion():
    adjacency = nb201.node_dag_adjacency()
    assert np.array_equal(adjacency, np.triu(adjacency, 1))
    # input feeds the three edges leaving node 0; output collects the three edges entering node 3
    assert adjacency[0].nonzero()[0].tolist() == [1, 2, 4]
    assert adjacency[:, 7].nonzero()[0].tolist() == [4, 5, 6]
    # edge 0->1 (node 1) feeds edges 1->2 and 1->3 (nodes 3 and 5)
    assert adjacency[1].nonzero()[0].tolist() == [3, 5]


def test_table_row_matches_published_cell(table):
    # row 1 of NATS/NB201 (cell string and accuracy as published)
    assert table.archs.ids[1] == (
        "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
    )
    assert table.targets["test_accuracy"][1] == pytest.approx(93.66, abs=1e-4)
    ops = [table.archs.space.operations[i] for i in table.archs.operations[1]]
    assert ops == [
        "input",
        "nor_conv_3x3",
        "nor_conv_3x3",
        "avg_pool_3x3",
        "skip_connect",
        "nor_conv_3x3",
        "skip_connect",
        "output",
    ]


def test_parameter_counts_match_recorded_values(table, shared_data):
    for dataset, classes in (("cifar10", 10), ("imagenet16-120", 120)):
        recorded = pd.read_csv(shared_data / "nb201" / f"zc_proxies_{dataset}.csv")
        if "net_str" not in recorded:
            recorded["net_str"] = pd.read_csv(shared_data / "nb201" / f"zc_valid_nets_{dataset}.csv")["net_str"]
        edge_ops = np.array([[nb201.OPERATIONS.index(o) for o in nb201.parse_cell(s)] for s in recorded["net_str"]])
        counts = nb201.parameter_count(edge_ops, classes)
        assert np.array_equal(counts, np.round(recorded["params"].to_numpy() * 1e6))


def test_every_cell_has_24_single_edge_neighbours(table):
    for index in (0, 1, 777, 15624):
        neighbours = table.neighbours(index)
        assert len(neighbours) == 24
        differing = (table.mutation_encoding[neighbours] != table.mutation_encoding[index]).sum(axis=1)
        assert (differing == 1).all()


def test_benchmarks_differ_by_dataset(suite):
    from nasbench_suite.specs import Spec

    c100 = suite.table(Spec("nb201-cifar100"))
    imagenet = suite.table(Spec("nb201-imagenet16-120"))
    assert c100.targets["test_accuracy"].max() == pytest.approx(73.51, abs=0.05)
    assert imagenet.targets["test_accuracy"].max() == pytest.approx(47.31, abs=0.05)
    assert c100.archs.costs["params"][0] - suite.table(Spec("nb201-cifar10")).archs.costs["params"][0] == 64 * 90 + 90


def test_valid_variant_is_exactly_the_cells_without_unreachable_ops(table, suite, shared_data):
    from nasbench_suite.specs import Spec

    edge_ops = table.mutation_encoding
    assert int((~nb201.has_unreachable_ops(edge_ops)).sum()) == 9445
    valid = suite.table(Spec("nb201-cifar10-valid"))
    assert len(valid) == 9445 and not nb201.has_unreachable_ops(valid.mutation_encoding).any()
    recorded = pd.read_csv(shared_data / "nb201" / "zc_valid_nets_cifar10.csv").set_index("net_str")
    by_cell = dict(zip(valid.archs.ids, valid.targets["val_accuracy"]))
    for cell in recorded.index[:50]:
        assert by_cell[cell] == recorded.loc[cell, "val_accs"]
    assert set(valid.archs.ids) == set(recorded.index)
    # a cell whose conv edge 1->3 hangs off a node that no live edge reaches
    dead = nb201.parse_cell("|none~0|+|skip_connect~0|none~1|+|none~0|nor_conv_3x3~1|skip_connect~2|")
    assert nb201.has_unreachable_ops(np.array([[nb201.OPERATIONS.index(op) for op in dead]]))[0]


def test_recorded_proxies_are_costs_of_the_recorded_cells_only(suite, shared_data):
    from nasbench_suite.specs import Spec

    archs = suite.table(Spec("nb201-imagenet16-120")).archs
    synflow = archs.costs["zc:synflow"]
    assert int(np.isfinite(synflow).sum()) == 9445 and len(synflow) == 15625
    proxies = pd.read_csv(shared_data / "nb201" / "zc_proxies_imagenet16-120.csv")
    cells = pd.read_csv(shared_data / "nb201" / "zc_valid_nets_imagenet16-120.csv")["net_str"]
    index = {cell: k for k, cell in enumerate(archs.ids)}
    rows = [index[c] for c in cells[:100]]
    np.testing.assert_array_equal(archs.costs["zc:zen"][rows], proxies["zen"].to_numpy()[:100])
    assert "zc:synflow" not in suite.table(Spec("nb201-cifar100")).archs.costs
