"""GRAF features: counts, hand-checked values, and agreement with a plain graph search."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from nbs_graf.features import feature_names, graf_features


def _named(archs, index):
    return dict(zip(feature_names(archs), graf_features(archs[[index]])[0]))


def test_feature_counts_match_the_paper(nb201_cells, nb101_cells):
    assert graf_features(nb201_cells).shape == (15625, 191) and len(feature_names(nb201_cells)) == 191
    assert graf_features(nb101_cells[:1000]).shape == (1000, 47) and len(feature_names(nb101_cells)) == 47


def test_nb201_values_by_hand(nb201_cells):
    # edges (0,1) conv3x3, (0,2) none, (1,2) skip, (0,3) none, (1,3) none, (2,3) conv1x1
    cell = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|nor_conv_1x1~2|"
    f = _named(nb201_cells, int(np.flatnonzero(nb201_cells.ids == cell)[0]))
    assert f["op_count[none]"] == 3 and f["op_count[nor_conv_3x3]"] == 1
    assert f["min_path_len[banned=none]"] == 3  # the only live path 0-1-2-3
    assert f["min_path_len[banned=skip_connect]"] == 1  # the none edge 0->3 is an edge like any other
    assert f["min_path_len[banned=none+skip_connect]"] == 5  # no path: sentinel nodes + 1
    assert f["max_op_on_path[allowed=nor_conv_1x1+nor_conv_3x3]"] == 2
    assert f["in_degree[allowed=none]"] == 2 and f["out_degree[allowed=none]"] == 2
    assert f["avg_in[allowed=none+skip_connect]"] == pytest.approx(4 / 4)


def _reference_node_features(matrix, ops, subset):
    """Plain DFS over all input->output paths of one node-labelled cell."""
    out = len(ops) - 1
    paths = []

    def walk(node, path):
        if node == out:
            paths.append(path)
            return
        for nxt in np.flatnonzero(matrix[node]):
            walk(int(nxt), [*path, int(nxt)])

    walk(0, [0])
    clean = [p for p in paths if not any(ops[v] in subset for v in p)]
    shortest = min((len(p) - 1 for p in clean), default=8)
    most = max((sum(ops[v] in subset for v in p) for p in paths), default=0)
    return shortest, most


def test_nb101_paths_agree_with_a_plain_search(nb101_cells):
    ops = ["conv1x1-bn-relu", "conv3x3-bn-relu", "maxpool3x3"]
    names = feature_names(nb101_cells)
    sample = np.random.default_rng(0).choice(len(nb101_cells), size=40, replace=False)
    features = graf_features(nb101_cells[sample])
    for row, index in zip(features, sample):
        size = int(nb101_cells.num_nodes[index])
        matrix = nb101_cells.adjacency[index, :size, :size]
        labels = [nb101_cells.space.operations[k] for k in nb101_cells.operations[index, :size]]
        named = dict(zip(names, row))
        for r in (1, 2, 3):
            for subset in itertools.combinations(ops, r):
                shortest, most = _reference_node_features(matrix, labels, set(subset))
                label = "+".join(subset)
                assert named[f"min_path_len[banned={label}]"] == shortest
                assert named[f"max_op_on_path[allowed={label}]"] == most
        assert named["num_edges"] == matrix.sum() and named["num_nodes"] == size
