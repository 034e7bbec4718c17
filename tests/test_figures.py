"""Figures: every line of a figure has its own colour and marker, one budget per regret figure, bands
over seeds, readable captions, and files that are byte-identical for the same records, whatever the
process's hash seed."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np

from nasbench_suite.report.figures import COLOURS, MARKERS, Styles, plot_cross_ranking, plot_regret


def test_styles_give_every_name_its_own_colour_and_marker():
    names = [f"method {i}" for i in range(100)]
    styles = Styles(names)
    pairs = {(styles(n)["color"], styles(n)["marker"]) for n in names}
    assert len(pairs) == 100 == len(COLOURS) * len(MARKERS)
    assert styles("method 7") == Styles(list(reversed(names)))("method 7")  # the same in every figure


def _search(strategy, seed, budget, curve):
    return {
        "key": f"{strategy}-{seed}-{budget}", "kind": "search", "status": "ok", "benchmark": "b", "target": "t",
        "top_fraction": 0.001, "budget": budget, "strategy": strategy, "predictor": None, "seed": seed,
        "curve": curve, "best_value": 10.0, "lookups_to_target": budget, "reached_target": False,
    }  # fmt: skip


def test_regret_figures_hold_one_budget_each_with_bands_over_seeds(tmp_path):
    rng = np.random.default_rng(0)
    records = [_search(s, seed, budget, list(np.maximum.accumulate(rng.random(budget) * 10)))
               for s in ("random", "evolution") for seed in range(3) for budget in (20, 50)]  # fmt: skip
    figures = plot_regret(records, tmp_path, lambda role, text: text.upper())
    names = [f.paths[0].name for f in figures]  # a dot in a name is kept, never taken for a suffix
    assert names == ["b-t-top0.1pct-budget20-regret.png", "b-t-top0.1pct-budget50-regret.png"]
    assert "budget 20" in figures[0].caption and "95% Student-t" in figures[0].caption
    svg = figures[1].paths[1].read_text()
    assert "EVOLUTION (3 seeds)" in svg and "RANDOM (3 seeds)" in svg  # display labels, seed counts
    assert svg.count("<path") > 10  # lines, markers and bands


SCRIPT = textwrap.dedent(
    """
    import hashlib, sys
    from nasbench_suite.report.figures import plot_cross_ranking
    records = []
    for benchmark, shift in (("a", 0.0), ("b", 0.05)):
        for train in (10, 100):
            for i, predictor in enumerate(("p1", "p2", "p3", "p4", "p5")):
                for seed in range(3):
                    records.append({"key": f"{benchmark}{train}{predictor}{seed}", "kind": "ranking", "status": "ok",
                                    "benchmark": benchmark, "target": "t", "train_size": train, "test_size": 50,
                                    "predictor": predictor, "seed": seed,
                                    "kendall_tau": 0.1 * i + shift + 0.01 * seed + 0.001 * train})
    [figure] = plot_cross_ranking(records, sys.argv[1])
    print(*(hashlib.sha256(path.read_bytes()).hexdigest() for path in figure.paths))
    """
)


def test_figure_files_are_identical_whatever_the_hash_seed(tmp_path):
    digests = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(tmp_path / seed)], capture_output=True, text=True, check=True,
            env={"PYTHONHASHSEED": seed, "PATH": "", "MPLBACKEND": "Agg", "HOME": str(tmp_path)},
        )  # fmt: skip
        digests.add(done.stdout.strip())
    assert len(digests) == 1, digests


def test_the_cross_benchmark_ranking_needs_two_benchmarks(tmp_path):
    records = [
        {"key": f"{p}{s}{t}", "kind": "ranking", "status": "ok", "benchmark": "a", "target": "t", "train_size": t,
         "test_size": 50, "predictor": p, "seed": s, "kendall_tau": 0.1 * i + 0.01 * s}
        for i, p in enumerate(("p1", "p2", "p3")) for s in range(3) for t in (10, 100)
    ]  # fmt: skip
    assert plot_cross_ranking(records, tmp_path) == []  # train sizes of one benchmark are no sample of tasks
    records += [{**r, "key": r["key"] + "b", "benchmark": "b"} for r in records]
    [figure] = plot_cross_ranking(records, tmp_path)
    assert "Critical-difference diagram" in figure.caption and figure.paths[0].stat().st_size > 1000
