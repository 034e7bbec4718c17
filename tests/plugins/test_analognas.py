import numpy as np
from scipy import stats

from nasbench_suite.specs import Spec


def test_analognas_cells_map_onto_nb201(suite):
    analog = suite.table(Spec("analognas-cifar10"))
    reference = suite.table(Spec("nb201-cifar10"))
    assert len(analog) == 15625
    assert set(analog.archs.ids) == set(reference.archs.ids)
    by_id = dict(zip(reference.archs.ids, reference.targets["test_accuracy"]))
    nb201_acc = np.array([by_id[i] for i in analog.archs.ids])
    # two independent trainings of the same cells must rank them alike
    assert stats.spearmanr(analog.targets["baseline_accuracy"], nb201_acc).statistic > 0.95
    # the all-'none' cell cannot learn: chance accuracy in both tables
    none_cell = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
    assert by_id[none_cell] == 10.0
    assert analog.targets["baseline_accuracy"][list(analog.archs.ids).index(none_cell)] < 11


def test_a_wrong_mapping_would_be_caught(suite):
    from nbs_tables import analognas

    analog = suite.table(Spec("analognas-cifar10"))
    reference = suite.table(Spec("nb201-cifar10"))
    code = (reference.mutation_encoding * 5 ** np.arange(6)).sum(axis=1)
    lookup = np.empty(5**6, dtype=int)
    lookup[code] = np.arange(len(code))
    keys = analognas.ANALOG_TO_NB201_OP.argsort()[analog.mutation_encoding][:, analognas.NB201_EDGE_SOURCE.argsort()]
    identity_rows = lookup[(keys * 5 ** np.arange(6)).sum(axis=1)]  # treat raw keys as NB201 cells
    wrong = stats.spearmanr(analog.targets["baseline_accuracy"], reference.targets["test_accuracy"][identity_rows])
    assert wrong.statistic < 0.8
