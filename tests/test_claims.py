"""Papers' claims as data: registered by plugins, evaluated from records (paired differences for
rankings, ratios of gains for searches), matched to variants, and shown in every report; the methods
side-by-side table; the self-contained HTML page with every plugin-supplied string escaped."""

from __future__ import annotations

import numpy as np
import pytest

from nasbench_suite import Claim, hookimpl
from nasbench_suite.registry import load_registry
from nasbench_suite.report.claims import evaluate
from nasbench_suite.report.methods import methods_table, search_column
from nasbench_suite.report.render import render
from nasbench_suite.report.summaries import summarise_ranking, summarise_search


def _ranking(predictor, seed, tau, train=100, benchmark="b", train_tau=None, test=1000):
    return {
        "key": f"{predictor}-{seed}-{train}-{benchmark}-{test}", "kind": "ranking", "status": "ok",
        "benchmark": benchmark, "test_size": test,
        "target": "t", "train_size": train, "predictor": predictor, "seed": seed, "kendall_tau": tau,
        "train_kendall_tau": train_tau, "spearman": tau, "fit_seconds": 1.0, "predict_seconds": 0.5,
        "peak_rss_mb": 100.0, "device": "cpu", "plugins": {}, "suite_version": "x",
    }  # fmt: skip


def _search(strategy, seed, lookups, predictor=None, budget=100):
    return {
        "key": f"{strategy}-{predictor}-{seed}-{budget}", "kind": "search", "status": "ok", "benchmark": "b",
        "target": "t", "top_fraction": 0.01, "budget": budget, "strategy": strategy, "predictor": predictor,
        "seed": seed,
        "lookups_to_target": lookups, "reached_target": lookups < budget, "lookups_to_best": budget,
        "reached_best": False, "expected_random_to_target": 50.0, "expected_random_to_best": 500.0, "seconds": 0.1,
        "plugins": {}, "suite_version": "x",
    }  # fmt: skip


def _methods(records):
    ranking = summarise_ranking([r for r in records if r["kind"] == "ranking"])
    return methods_table(ranking, summarise_search([r for r in records if r["kind"] == "search"]))


BETTER = Claim("M", "Someone 2020", "m beats b", "ranking", subject="m", baseline="b")


def test_a_clearly_better_subject_holds_a_worse_one_contradicts_a_tie_is_unsettled():
    rng = np.random.default_rng(0)
    records = [_ranking("m", s, 0.5 + 0.01 * rng.random()) for s in range(6)]
    records += [_ranking("b", s, 0.3) for s in range(6)] + [_ranking("w", s, 0.6) for s in range(6)]
    records += [_ranking("t", s, 0.5 + (0.05 if s % 2 else -0.05)) for s in range(6)]
    verdicts = {}
    for baseline in ("b", "w", "t"):
        claim = Claim("M", "Someone 2020", "m beats", "ranking", subject="m", baseline=baseline)
        [result] = evaluate(records, [claim])
        verdicts[baseline] = result.verdict
        assert result.runs == 6 and result.setting == "train 100"
    assert verdicts == {"b": "holds", "w": "contradicted", "t": "unsettled"}
    [result] = evaluate(records, [BETTER])
    assert result.effect == pytest.approx(np.mean([r["kendall_tau"] for r in records[:6]]) - 0.3)


def test_not_lower_holds_only_when_a_loss_beyond_the_margin_is_excluded_and_no_loss_is_certain():
    at_least = Claim("M", "Someone 2020", "m is at least as good as b", "ranking", subject="m", baseline="b",
                     expect="not-lower")  # fmt: skip
    rng = np.random.default_rng(1)
    verdicts = {}
    for name, shift, spread in (("level", 0.0, 0.002), ("level-noisy", 0.0, 0.008),
                                ("surely-slightly-worse", -0.01, 0.002), ("worse", -0.05, 0.002),
                                ("noisy", -0.03, 0.2)):  # fmt: skip
        records = [_ranking("b", s, 0.5) for s in range(8)]
        records += [_ranking("m", s, 0.5 + shift + spread * rng.standard_normal()) for s in range(8)]
        [result] = evaluate(records, [at_least])
        verdicts[name] = result.verdict
    # holds where a loss beyond the 0.02 margin is excluded and no loss at all is certain; a loss that is
    # certain contradicts "at least as good", even within the margin; a wide interval is unsettled
    assert verdicts == {"level": "holds", "level-noisy": "holds", "surely-slightly-worse": "contradicted",
                        "worse": "contradicted", "noisy": "unsettled"}  # fmt: skip


def test_only_seeds_both_sides_ran_are_paired_and_each_benchmark_and_size_is_its_own_row():
    records = [_ranking("m", s, 0.6) for s in range(5)] + [_ranking("b", s, 0.4) for s in (0, 1, 2)]
    records += [_ranking("m", s, 0.7, train=1000) for s in range(3)] + [
        _ranking("b", s, 0.5, train=1000) for s in range(3)
    ]
    results = evaluate(records, [BETTER])
    assert [(r.setting, r.runs) for r in results] == [("train 100", 3), ("train 1000", 3)]


def test_runs_on_different_test_sets_are_never_pooled_or_paired():
    # the same seeds and train size, tested on all cells and on a 200-cell sample (a costly method's block)
    records = [_ranking("b", s, 0.4) for s in range(5)] + [_ranking("b", s, 0.1, test=200) for s in range(2)]
    records += [_ranking("m", s, 0.2, test=200) for s in range(2)]
    records += [_ranking(name, s, 0.3) for name in ("c", "d") for s in range(5)]  # most ran on all cells
    [result] = evaluate(records, [BETTER])
    assert (result.baseline_value, result.runs) == (pytest.approx(0.1), 2)
    assert result.setting == "train 100, 200 test cells"
    board = summarise_ranking(records)
    assert sorted(zip(board["predictor"], board["test_size"], board["seeds"])) == [
        ("b", 200, 2), ("b", 1000, 5), ("c", 1000, 5), ("d", 1000, 5), ("m", 200, 2),
    ]  # fmt: skip
    rows = next(iter(_methods(records).values())).set_index("method")
    assert rows.loc["b", "tau@100"][0] == pytest.approx(0.4)
    assert rows.loc["b (200 test cells)", "tau@100"][0] == pytest.approx(0.1)
    assert "| test " in render(records)


def test_variants_match_unless_they_set_an_option_another_claim_uses_to_define_a_variant():
    ablation = Claim("S", "Tang et al.", "the graph helps", "ranking", subject="ssa", baseline="ssa:use_graph=False")
    versus_gcn = Claim("S", "Tang et al.", "beats gcn", "ranking", subject="ssa", baseline="gcn")
    records = []
    for seed in range(4):
        records += [_ranking("ssa:steps=5", seed, 0.6), _ranking("ssa:steps=5,use_graph=False", seed, 0.5)]
        records += [_ranking("ssa:steps=9,use_graph=False", seed, 0.1), _ranking("gcn", seed, 0.55)]
    pairs = {(r.subject, r.baseline) for r in evaluate(records, [ablation, versus_gcn])}
    assert pairs == {("ssa:steps=5", "ssa:steps=5,use_graph=False"), ("ssa:steps=5", "gcn")}


def test_a_search_claim_compares_gains_per_guide_and_against_unguided_baselines():
    claim = Claim("Subsets", "Mauch et al.", "full beats random", "search", subject="predictor-full",
                  baseline="random", metric="seg")  # fmt: skip
    records = [_search("predictor-full", s, 10 + s, "graf-xgb") for s in range(8)]
    records += [_search("predictor-full", s, 90, "onehot-xgb") for s in range(8)]
    records += [_search("random", s, 60 + 5 * s) for s in range(8)]
    results = {r.setting: r for r in evaluate(records, [claim])}
    graf = results["budget 100, top 1.000%, guided by graf-xgb"]
    assert graf.verdict == "holds" and graf.effect == pytest.approx(np.mean([60 + 5 * s for s in range(8)]) / 13.5)
    assert results["budget 100, top 1.000%, guided by onehot-xgb"].verdict == "contradicted"


def test_claims_must_be_well_formed():
    with pytest.raises(ValueError, match="kind must be ranking or search"):
        Claim("M", "p", "s", "ranked", subject="a", baseline="b")
    with pytest.raises(ValueError, match="a search claim compares the gain"):
        Claim("M", "p", "s", "search", subject="a", baseline="b")
    with pytest.raises(ValueError, match="metric must be one of kendall_tau, spearman,.* \\(got 'kendal_tauu'\\)"):
        Claim("M", "p", "s", "ranking", subject="a", baseline="b", metric="kendal_tauu")
    with pytest.raises(ValueError, match="got 'n_at_10'"):  # lower is better: no claim's margin fits it
        Claim("M", "p", "s", "ranking", subject="a", baseline="b", metric="n_at_10")


class ClaimsPlugin:
    @hookimpl
    def register_claims(self):
        return [BETTER, "not a claim"]


def test_plugins_register_claims_and_a_bad_one_is_reported(registry):
    methods = {claim.method for claim, _ in registry.claims}
    assert {"GHN", "GRAF + XGBoost", "GCN fit", "Semi-supervised assessor", "Subset sampling"} <= methods
    custom = load_registry({"claims": ClaimsPlugin()})
    assert any(claim is BETTER for claim, _ in custom.claims)
    [failure] = custom.failures
    assert "register_claims" in failure.error and "expected Claim instances" in failure.error


def test_methods_side_by_side_join_tau_cost_and_the_best_guided_search_per_budget():
    records = [_ranking("graf-xgb", s, 0.7, train=t) for s in range(3) for t in (32, 1000)]
    records += [_search("predictor-smart-subset", s, 20, "graf-xgb") for s in range(3)]
    records += [_search("predictor-full", s, 40, "graf-xgb") for s in range(3)]
    records += [_search("evolution", s, 30) for s in range(3)]
    # a search at another budget with a higher gain: its own column, never the best over budgets; and a
    # censored gain (a miss) never beats a complete one
    records += [_search("predictor-full", s, 5, "graf-xgb", budget=10) for s in range(3)]
    records += [_search("predictor-random-subset", s, 1 if s else 100, "graf-xgb") for s in range(10)]  # SEG ≤ 4.6
    [table] = _methods(records).values()
    rows = table.set_index("method")
    at_100 = rows.loc["graf-xgb", search_column(100, 0.01)]
    assert at_100["strategy"] == "predictor-smart-subset" and at_100["seg"] == 2.5 and not at_100["censored"]
    assert rows.loc["graf-xgb", search_column(10, 0.01)]["seg"] == 10.0
    assert rows.loc["graf-xgb", "tau@32"][0] == pytest.approx(0.7)
    assert rows.loc["evolution", search_column(100, 0.01)]["strategy"] == ""
    text = render(records)
    assert "## Methods side by side: b, t" in text and "SEG @ 10 " in text and "SEG @ 100 " in text
    assert text.index("| graf-xgb ") < text.index("| evolution ")  # rows with τ first


def test_the_html_page_is_self_contained_and_escapes_what_plugins_supply():
    hostile = "<script>alert('x')</script>"
    records = [_ranking(hostile, s, 0.5, train=t) for s in range(3) for t in (10, 100)]
    records += [_ranking("fine", s, 0.4, train=t) for s in range(3) for t in (10, 100)]
    records.append({**_ranking("broken", 0, None), "status": "error", "error": f"failed: {hostile}"})
    page = render(records, "html", [BETTER], title="A <b>study</b>", notes=("note & more",))
    assert page.startswith("<!DOCTYPE html>") and "<script>" not in page
    assert "&lt;script&gt;" in page and "A &lt;b&gt;study&lt;/b&gt;" in page and "note &amp; more" in page
    assert "data:image/png;base64," in page  # the figure is embedded
    assert "http://" not in page and "https://" not in page  # nothing fetched


def test_sides_that_differ_beyond_the_claim_are_not_comparable_and_the_options_are_named():
    claim = Claim("Subsets", "Mauch et al.", "smart regains full", "search", subject="predictor-smart-subset",
                  baseline="predictor-full", metric="seg", expect="not-lower")  # fmt: skip
    records = [_search("predictor-smart-subset:batch=10,initial=10", s, 20, "graf-xgb") for s in range(5)]
    records += [_search("predictor-full:batch=50,initial=10", s, 20, "graf-xgb") for s in range(5)]
    [result] = evaluate(records, [claim])
    assert result.verdict == "not comparable" and result.reason == "the sides differ in batch (10 vs 50)"
    assert "the sides differ in batch (10 vs 50)" in render(records, claims=[claim])
    # what the claim is about may differ: a compute-matched baseline's steps
    matched = Claim("G", "Zhang et al.", "ghn beats", "ranking", subject="ghn", baseline="short-training",
                    varies=("steps",))  # fmt: skip
    ranking = [_ranking("ghn:steps=3000,width=8", s, 0.5 + 0.01 * s) for s in range(4)]
    ranking += [_ranking("short-training:steps=15,width=8", s, 0.1) for s in range(4)]
    assert evaluate(ranking, [matched])[0].verdict == "holds"
    ranking += [_ranking("short-training:steps=15,width=16", s, 0.1, train=200) for s in range(4)]
    ranking += [_ranking("ghn:steps=3000,width=8", s, 0.5, train=200) for s in range(4)]
    wider = evaluate(ranking, [matched])[1]
    assert (wider.verdict, wider.reason) == ("not comparable", "the sides differ in width (8 vs 16)")


def test_a_claim_is_tested_only_on_the_benchmarks_it_speaks_of():
    claim = Claim("GCN fit", "Chen et al.", "fit beats", "ranking", subject="gcn-fit", baseline="supernet",
                  benchmarks=("nb101-oneshot", "*-supernet"))  # fmt: skip
    records = []
    for benchmark in ("nb101-oneshot", "nb201-supernet", "nb201-cifar10"):
        records += [_ranking("gcn-fit", s, 0.5, benchmark=benchmark) for s in range(3)]
        records += [_ranking("supernet", s, 0.4, benchmark=benchmark) for s in range(3)]
    verdicts = {r.benchmark: (r.verdict, r.reason) for r in evaluate(records, [claim])}
    assert verdicts["nb101-oneshot"][0] == verdicts["nb201-supernet"][0] == "holds"
    assert verdicts["nb201-cifar10"] == (
        "not comparable",
        "outside the claim's benchmarks (nb101-oneshot, *-supernet): nb201-cifar10",
    )
    with pytest.raises(ValueError, match="benchmarks must be a tuple of strings"):
        Claim("M", "p", "s", "ranking", subject="a", baseline="b", benchmarks="nb101")


def test_claim_rows_sort_by_size_numerically_and_misses_are_bounds_everywhere():
    records = []
    for size in (1000, 32, 316, 100):
        records += [_ranking("m", s, 0.6 + 0.001 * s, train=size) for s in range(4)]
        records += [_ranking("b", s, 0.4, train=size) for s in range(4)]
    settings = [result.setting for result in evaluate(records, [BETTER])]
    assert settings == ["train 32", "train 100", "train 316", "train 1000"]
    claim = Claim("S", "p", "full beats random", "search", subject="predictor-full", baseline="random", metric="seg")
    search = [_search("predictor-full", s, 10, "graf-xgb") for s in range(8)]
    search += [_search("random", s, 100 if s < 2 else 60) for s in range(8)]  # random missed twice
    [result] = evaluate(search, [claim])
    assert result.comparison.censored == "lower" and result.verdict == "holds"  # a lower bound above 1 still holds
    text = render(search, claims=[claim])
    row = next(line for line in text.splitlines() if line.startswith("| S "))
    # the gain of random search and the ratio are bounds: shown as such, without a two-sided interval
    assert "5.00 vs ≤ 0.71 (SEG, mean of 8 paired seeds)" in row and "| × ≥ 7.00 " in row
