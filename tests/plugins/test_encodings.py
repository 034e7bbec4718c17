"""White et al.'s model families, BANANAS' path encoding and predictor, and the ensemble meta-predictor."""

from __future__ import annotations

import numpy as np
import pytest
from nbs_encodings.bananas_predictor import BananasPredictor
from nbs_encodings.ensemble import EnsemblePredictor, member_specs
from nbs_encodings.models import MODELS, GaussianProcess, NGBoost
from nbs_encodings.path_encoding import encoding_length, longest_path, path_encoding

from nasbench_suite import ConfigError, FitContext, from_lists, kendall_tau
from nasbench_suite.study.ranking import make_split

NB101_OPS = ("conv1x1-bn-relu", "conv3x3-bn-relu", "maxpool3x3")


def _nb201_cell(suite, text):
    table = suite.table("nb201-cifar10")
    return table.archs[np.flatnonzero(table.archs.ids == text)]


def test_path_encoding_lengths_follow_the_space(suite):
    nb201, nb101 = suite.table("nb201-cifar10").archs.space, suite.table("nb101").archs.space
    assert (longest_path(nb201), encoding_length(nb201)) == (3, 1 + 4 + 16 + 64)
    assert (longest_path(nb101), encoding_length(nb101)) == (5, 364)  # BANANAS' full NB101 encoding


def test_nb201_paths_are_the_cells_op_sequences_and_none_cuts_them(suite):
    dense = _nb201_cell(
        suite, "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"
    )
    bits = path_encoding(dense)[0]
    # 4 routes from input to output: lengths 1, 2, 2, 3; all conv3x3, so 3 distinct sequences
    conv = 2  # digit of nor_conv_3x3 among (skip, conv1x1, conv3x3, pool)
    expected = {1 + conv, 1 + 4 + conv * 4 + conv, 1 + 4 + 16 + (conv * 4 + conv) * 4 + conv}
    assert set(np.flatnonzero(bits)) == expected
    cut = _nb201_cell(suite, "|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|")
    assert np.flatnonzero(path_encoding(cut)[0]).tolist() == [1 + conv]  # only the direct edge 0->3 survives


def test_nb101_paths_match_a_hand_count_and_truncation_keeps_the_short_ones(suite):
    space = suite.table("nb101").archs.space
    # input -> conv3x3 -> output, and input -> maxpool -> conv1x1 -> output
    matrix = np.zeros((5, 5), dtype=np.uint8)
    matrix[0, 1] = matrix[1, 4] = matrix[0, 2] = matrix[2, 3] = matrix[3, 4] = 1
    cell = from_lists(space, ["c"], [matrix], [["input", NB101_OPS[1], NB101_OPS[2], NB101_OPS[0], "output"]])
    bits = path_encoding(cell)[0]
    assert np.flatnonzero(bits).tolist() == [1 + 1, 1 + 3 + 2 * 3 + 0]
    assert path_encoding(cell, 40).shape == (1, 40)  # 1 + 3 + 9 + 27: the paths of at most 3 operations
    assert np.array_equal(path_encoding(cell, 40)[0], bits[:40])


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.name)
def test_every_model_family_learns_nb201_from_a_few_hundred_cells(suite, cls):
    if cls is NGBoost:
        pytest.importorskip("ngboost", reason="the optional dependency of ngb")
    table = suite.table("nb201-cifar10")
    split = make_split(table.indices_with("test_accuracy"), "nb201-cifar10", 5, 300, 1000)
    y = table.targets["test_accuracy"]
    small = {"n_estimators": 100} if cls.name in ("lgb", "ngb") else {}
    fitted = cls(**small).fit(table.archs[split.train], y[split.train])
    assert kendall_tau(y[split.test], fitted.predict(table.archs[split.test])) > 0.3, cls.name


def test_bad_options_are_config_errors_naming_the_predictor_and_option(suite):
    from nasbench_suite.specs import parse_spec

    for spec, message in [
        ("gp:encoding=adjacency", "predictor gp:encoding='adjacency': encoding must be one of onehot, path, graf"),
        ("bananas-mlp:truncate=0", "truncate must be at least 1 bit"),
        ("gnn-transformer:width=20", "width must be a multiple of the 8 attention heads .heads_per_mask 2 x 4"),
        ("gnn-transformer:steps=0", "steps must be at least 1"),
    ]:
        with pytest.raises(ConfigError, match=message):
            suite.check_predictor(parse_spec(spec, "predictor"))


@pytest.mark.parametrize("cls", [GaussianProcess, NGBoost, BananasPredictor], ids=lambda cls: cls.name)
def test_predictors_with_their_own_uncertainty_report_a_positive_spread(suite, cls):
    if cls is NGBoost:
        pytest.importorskip("ngboost", reason="the optional dependency of ngb")
    table = suite.table("nb201-cifar10")
    options = {"ensemble": 3, "epochs": 20} if cls is BananasPredictor else {}
    options |= {"n_estimators": 50} if cls is NGBoost else {}
    fitted = cls(**options).fit(table.archs[:120], table.targets["test_accuracy"][:120])
    mean, std = fitted.predict_with_std(table.archs[200:260])
    assert mean.shape == std.shape == (60,) and np.all(std > 0)
    assert np.allclose(mean, fitted.predict(table.archs[200:260]))


def test_bananas_learns_nb101_on_the_truncated_path_encoding(suite):
    table = suite.table("nb101")
    split = make_split(table.indices_with("val_accuracy"), "nb101", 2, 400, 2000)
    y = table.targets["val_accuracy"]
    fitted = BananasPredictor(ensemble=2, epochs=40, random_state=1).fit(table.archs[split.train], y[split.train])
    assert fitted.members_[0][0].in_features == 40
    assert kendall_tau(y[split.test], fitted.predict(table.archs[split.test])) > 0.3


def test_member_specs_split_members_and_their_options():
    assert member_specs("graf-zcp-xgb;zc_source=recorded;proxies=all+gnn-transformer") == [
        "graf-zcp-xgb:zc_source=recorded,proxies=all",
        "gnn-transformer",
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"members": "graf-xgb"}, "members needs at least two predictor specs"),
        ({"members": "graf-xgb+lgb", "combine": "vote"}, "combine must be one of mean, stack"),
        ({"members": "graf-xgb+nonesuch"}, "^member nonesuch: unknown predictor 'nonesuch'"),
        ({"members": "graf-xgb+ssa"}, "member ssa needs unlabelled, which an ensemble does not pass on"),
        ({"members": "graf-xgb+lgb;depth=3"}, "member lgb:depth=3: .*unknown option 'depth'"),
    ],
)
def test_a_bad_ensemble_is_a_config_error_naming_the_member(suite, options, message):
    with pytest.raises(ConfigError, match=message):
        EnsemblePredictor(**options).validate(suite)


def test_stacking_leans_on_the_better_member_and_the_mean_is_scale_free(suite):
    table = suite.table("nb201-cifar10")
    split = make_split(table.indices_with("test_accuracy"), "nb201-cifar10", 3, 200, 1000)
    y = table.targets["test_accuracy"]
    context = FitContext(suite=suite)
    train, test = table.archs[split.train], table.archs[split.test]
    stacked = EnsemblePredictor(members="random+graf-xgb;n_estimators=100", combine="stack", folds=3)
    stacked.fit(train, y[split.train], context)
    assert stacked.weights_[1] > 0.9  # random scores get (almost) no weight
    assert stacked.scales_.shape == (2,) and np.all(stacked.scales_ > 0)  # the out-of-fold spreads
    assert kendall_tau(y[split.test], stacked.predict(test)) > 0.6
    mean = EnsemblePredictor(members="graf-xgb;n_estimators=100+svr").fit(train, y[split.train], context)
    assert np.allclose(mean.weights_, 0.5) and np.allclose(mean.scales_ > 0, True)
    member_tau = [kendall_tau(y[split.test], m.predict(test)) for m in mean.members_]
    assert kendall_tau(y[split.test], mean.predict(test)) > min(member_tau)


def test_ngb_without_ngboost_fails_at_fit_naming_the_extra(suite, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "ngboost", None)  # as if it were not installed
    table = suite.table("nb201-cifar10")
    with pytest.raises(ConfigError, match=r"pip install 'nasbench-suite\[ngboost\]'"):
        NGBoost(n_estimators=5).fit(table.archs[:20], table.targets["test_accuracy"][:20])
