"""Hardware-aware tables and multi-objective search: the shipped HW-NAS-Bench and robustness targets,
minimised targets scored and searched the right way round, constrained search, and Pareto search
with its hypervolume measures, strategies, records and report."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from nbs_search.pareto import crowding_distance, hypervolume_gains, nondominated_ranks
from nbs_tables import hardware

from nasbench_suite import ParetoTask, Predictor, hookimpl, hypervolume, pareto_mask
from nasbench_suite.cli import main
from nasbench_suite.metrics import (
    first_passages,
    hypervolume_curve,
    random_hypervolume_curves,
    score_predictions,
)
from nasbench_suite.registry.registry import load_registry
from nasbench_suite.registry.suite import Suite
from nasbench_suite.specs import Spec
from nasbench_suite.study.experiment import Experiment
from nasbench_suite.study.jobs import PluginRef
from nasbench_suite.study.pareto import REFERENCE, normalise
from nasbench_suite.study.planning import plan_search
from nasbench_suite.study.ranking import RankingJob, make_split

ROOT = Path(__file__).resolve().parent.parent


def _exit_code(args: list[str]) -> int:
    try:
        return main(args)
    except SystemExit as exit_info:
        return int(exit_info.code)


def _records(folder) -> list[dict]:
    return [json.loads(line) for line in (folder / "records.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def cifar10(suite):
    return suite.table(Spec("nb201-cifar10"))


def _cell(table, cell: str) -> int:
    return int(np.flatnonzero(table.archs.ids == cell)[0])


# -- the shipped tables ------------------------------------------------------------------------------


def test_hardware_targets_are_hw_nas_bench_values_in_nb201_order(cifar10):
    # the first row of HW-NAS-Bench's CIFAR-10 table, NASLib tuple (4, 3, 3, 0, 0, 0)
    cell = _cell(
        cifar10, "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"
    )
    assert cifar10.targets["edgegpu_latency"][cell] == pytest.approx(5.807418537139893, rel=1e-12)
    assert cifar10.targets["pixel3_latency"][cell] == pytest.approx(3.60585, rel=1e-12)
    assert cifar10.targets["fpga_energy"][cell] == pytest.approx(18.01072, rel=1e-12)
    # the Edge TPU has no measurement for 4,699 cells: missing, never the source's -1
    edgetpu = cifar10.targets["edgetpu_latency"]
    assert np.isfinite(edgetpu).sum() == 15625 - 4699 and (edgetpu[np.isfinite(edgetpu)] > 0).all()
    for name in hardware.HW_METRICS:
        if name != "edgetpu_latency":
            assert np.isfinite(cifar10.targets[name]).all() and (cifar10.targets[name] > 0).all(), name


def test_robustness_targets_are_the_datasets_attack_accuracies(cifar10, suite):
    # the first row of the robustness dataset's table, NASLib tuple (4, 0, 3, 1, 4, 3)
    cell = _cell(cifar10, "|avg_pool_3x3~0|+|skip_connect~0|none~1|+|nor_conv_1x1~0|avg_pool_3x3~1|nor_conv_1x1~2|")
    assert cifar10.targets["robust_pgd_eps1.0"][cell] == pytest.approx(40.4, abs=1e-4)
    assert cifar10.targets["robust_fgsm_eps255.0"][cell] == pytest.approx(9.9, abs=1e-4)
    assert cifar10.targets["robust_square_eps0.1"][cell] == pytest.approx(86.9, abs=1e-4)
    assert len(hardware.ROBUSTNESS_TARGETS) == 32
    # CIFAR-10 only; the hardware targets on every dataset
    cifar100 = suite.table(Spec("nb201-cifar100"))
    assert "robust_pgd_eps1.0" not in cifar100.targets and "pixel3_latency" in cifar100.targets
    assert not np.allclose(cifar100.targets["edgegpu_latency"], cifar10.targets["edgegpu_latency"])


def test_the_benchmarks_listing_marks_minimised_targets_and_counts_partial_ones(capsys):
    assert main(["benchmarks"]) == 0
    line = next(row for row in capsys.readouterr().out.splitlines() if row.startswith("nb201-cifar10:"))
    assert "edgegpu_latency [min]" in line and "edgetpu_latency [min, 10926 cells]" in line
    assert "eyeriss_arithmetic_intensity," in line and "robust_pgd_eps1.0," in line  # maximised, complete
    assert main(["benchmarks", "--json"]) == 0
    row = next(r for r in json.loads(capsys.readouterr().out) if r["name"] == "nb201-cifar10-valid")
    assert row["target_cells"]["edgetpu_latency"] == 9445 - 784
    assert set(row["lower_is_better"]) == set(hardware.LOWER_IS_BETTER)


# -- minimised targets -------------------------------------------------------------------------------


def test_a_minimised_target_is_scored_with_its_lowest_cells_on_top(suite, cifar10):
    spec = Spec("nb201-cifar10")
    job = RankingJob(
        PluginRef(spec, "nb201-cifar10", "nb201-cifar10"), "edgegpu_latency",
        PluginRef(Spec("param-count"), "param-count", "param-count"), 10, 2000, 0,
    )  # fmt: skip
    record = job.run(suite)
    assert record["status"] == "ok" and record["lower_is_better"] is True
    split = make_split(cifar10.indices_with("edgegpu_latency"), "nb201-cifar10", 0, 10, 2000)
    latency, params = cifar10.targets["edgegpu_latency"][split.test], cifar10.archs.costs["params"][split.test]
    negated, raw = score_predictions(-latency, -params), score_predictions(latency, params)
    for name in ("kendall_tau", "precision_at_100", "n_at_10", "kendall_tau_top_10pct"):
        assert record[name] == pytest.approx(negated[name]), name
    assert negated["kendall_tau"] == pytest.approx(raw["kendall_tau"])  # tau does not care which way round
    assert negated["precision_at_100"] != pytest.approx(raw["precision_at_100"])  # the top 100 does


def test_a_search_on_a_minimised_target_looks_for_its_lowest_value(tmp_path, cifar10):
    code = _exit_code(["search", "--benchmark", "nb201-cifar10:target=edgegpu_latency", "--strategy", "evolution",
                       "--budget", "60", "--seeds", "2", "--top", "0.01", "--out", str(tmp_path)])  # fmt: skip
    assert code == 0
    latency = cifar10.targets["edgegpu_latency"]
    for record in _records(tmp_path):
        assert record["lower_is_better"] is True
        assert record["best_value"] == pytest.approx(latency.min())
        curve = np.array(record["curve"])
        assert (np.diff(curve) <= 0).all() and record["best_found"] == pytest.approx(curve[-1], abs=1e-5)
        assert record["expected_random_to_target"] == pytest.approx((15625 + 1) / (math.ceil(0.01 * 15625) + 1))


# -- constrained search ------------------------------------------------------------------------------


def test_a_constrained_search_only_looks_up_feasible_cells(tmp_path, cifar10):
    out = tmp_path / "c"
    code = _exit_code(["search", "--benchmark", "nb201-cifar10", "--strategy", "random", "--strategy", "evolution",
                       "--constraint", "edgegpu_latency<=3", "--budget", "50", "--seeds", "2", "--top", "0.01",
                       "--out", str(out)])  # fmt: skip
    assert code == 0
    feasible = cifar10.targets["edgegpu_latency"] <= 3
    accuracy = np.where(feasible, cifar10.targets["test_accuracy"], np.nan)
    records = _records(out)
    assert {r["constraint"] for r in records} == {"edgegpu_latency<=3"}
    for record in records:
        assert record["space_size"] == feasible.sum() < 15625
        assert record["best_value"] == pytest.approx(np.nanmax(accuracy))
        assert record["best_found"] <= np.nanmax(accuracy)
        assert '"constraint": "edgegpu_latency<=3"' in record["key"]
    report = (out / "leaderboard.md").read_text()
    assert "| nb201-cifar10 | test_accuracy under edgegpu_latency<=3 |" in report
    assert "Constrained search: only the cells that satisfy the constraint" in report
    # an unconstrained search keeps the key it had before constraints existed, and differs from these
    unconstrained = tmp_path / "u"
    assert _exit_code(["search", "--benchmark", "nb201-cifar10", "--strategy", "random", "--budget", "50",
                       "--seeds", "2", "--top", "0.01", "--out", str(unconstrained)]) == 0  # fmt: skip
    keys = {r["key"] for r in _records(unconstrained)}
    assert not keys & {r["key"] for r in records}
    assert all('"constraint"' not in key for key in keys)  # unconstrained keys as before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--constraint", "foo<=5"],
            "--constraint foo<=5: benchmark nb201-cifar10 has no metric 'foo'; expected one of",
        ),
        (
            ["--constraint", "edgegpu_latency<=0.1"],
            "no cell of benchmark nb201-cifar10 with target 'test_accuracy' "
            "satisfies it (edgegpu_latency ranges from 0.501385 to 11.6927)",
        ),
        (["--constraint", "edgegpu_latency=5"], "expected METRIC OP NUMBER with OP one of <=, <, >=, >"),
        (["--objective", "test_accuracy"], "--objective: a multi-objective search takes two different objectives"),
        (
            ["--objective", "test_accuracy", "--objective", "nope"],
            "--objective nope: benchmark nb201-cifar10: unknown target 'nope'; expected one of test_accuracy,",
        ),
        (["--strategy", "nsga2"], "strategy nsga2 is multi-objective: give two objectives"),
        (
            ["--objective", "test_accuracy", "--objective", "edgegpu_latency", "--strategy", "evolution"],
            "strategy evolution searches one objective; with --objective give multi-objective strategies (nsga2, "
            "pareto-predictor, pareto-random)",
        ),
        (
            [
                "--objective",
                "test_accuracy",
                "--objective",
                "edgegpu_latency",
                "--strategy",
                "nsga2",
                "--constraint",
                "edgegpu_latency<=5",
            ],
            "--constraint: not taken by a multi-objective search",
        ),
    ],
)
def test_bad_objectives_and_constraints_fail_before_any_work(tmp_path, capsys, args, message):
    code = _exit_code(["search", "--benchmark", "nb201-cifar10", *args, "--budget", "20", "--seeds", "1",
                       "--out", str(tmp_path)])  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and message in err[0], err
    assert not (tmp_path / "records.jsonl").exists()


# -- hypervolume and the Pareto front ----------------------------------------------------------------


def _brute_force_area(points: np.ndarray) -> int:
    """Unit squares of a 0..6 grid dominated by integer points, with the reference at (-1, -1)."""
    grid = np.zeros((7, 7), dtype=bool)
    for a, b in points.astype(int):
        grid[: a + 1, : b + 1] = True
    return int(grid.sum())


def test_hypervolume_and_front_agree_with_brute_force():
    rng = np.random.default_rng(3)
    for _ in range(200):
        points = rng.integers(0, 6, size=(rng.integers(1, 30), 2)).astype(float)
        assert hypervolume(points, (-1.0, -1.0)) == _brute_force_area(points)
        mask = pareto_mask(points)
        for i, point in enumerate(points):
            dominated = any((other >= point).all() and (other > point).any() for other in points)
            assert mask[i] == (not dominated)
        curve = hypervolume_curve(points, (-1.0, -1.0))
        assert [_brute_force_area(points[: k + 1]) for k in range(len(points))] == curve.tolist()
    assert hypervolume(np.array([[0.5, 0.5]]), (1.0, 0.0)) == 0  # not better than the reference: nothing
    with pytest.raises(ValueError, match=r"an \(n, 2\) array"):
        hypervolume(np.zeros((3, 3)), (0.0, 0.0))


def test_random_search_curves_reach_the_whole_front_and_passages_are_first_hits():
    rng = np.random.default_rng(0)
    points = rng.random((300, 2))
    total = hypervolume(points[pareto_mask(points)], (0.0, 0.0))
    curves = random_hypervolume_curves(points, (0.0, 0.0), repeats=20, seed=1) / total
    assert curves.shape == (20, 300) and (np.diff(curves, axis=1) >= 0).all()
    assert np.allclose(curves[:, -1], 1.0, atol=1e-6)
    passages = first_passages(curves, 0.9)
    for curve, passage in zip(curves, passages):
        assert curve[passage - 1] >= np.float32(0.9) and (passage == 1 or curve[passage - 2] < np.float32(0.9))
    assert (first_passages(curves, 1.0) <= 300).all()


def test_nsga2_sorting_and_crowding():
    points = np.array([[3.0, 1.0], [2.0, 2.0], [1.0, 3.0], [1.0, 1.0], [0.0, 0.0], [2.0, 1.0]])
    assert nondominated_ranks(points).tolist() == [0, 0, 0, 2, 3, 1]
    distance = crowding_distance(points[:3])
    assert np.isinf(distance[[0, 2]]).all() and distance[1] == pytest.approx(2.0)


def test_hypervolume_gains_are_the_hypervolume_each_point_adds():
    rng = np.random.default_rng(5)
    for _ in range(50):
        front = rng.random((rng.integers(0, 8), 2))
        candidates = rng.random((10, 2))
        reference = np.array([-0.1, -0.1])
        gains = hypervolume_gains(front, candidates, reference)
        base = hypervolume(front, tuple(reference)) if len(front) else 0.0
        expected = [hypervolume(np.vstack([front, c]), tuple(reference)) - base for c in candidates]
        assert np.allclose(gains, expected)


# -- Pareto search -----------------------------------------------------------------------------------


def test_a_pareto_task_returns_both_objectives_larger_is_better(cifar10):
    task = ParetoTask(cifar10, ("test_accuracy", "edgegpu_latency"), 5, np.random.default_rng(0), ("edgegpu_latency",))
    values = task.evaluate([0, 1])
    assert values.shape == (2, 2)
    assert values[:, 0] == pytest.approx(cifar10.targets["test_accuracy"][[0, 1]])
    assert values[:, 1] == pytest.approx(-cifar10.targets["edgegpu_latency"][[0, 1]])
    assert "edgegpu_latency" not in task.archs.costs and not task.encoding.flags.writeable


def test_pareto_search_end_to_end(tmp_path, cifar10):
    code = _exit_code([
        "search", "--benchmark", "nb201-cifar10", "--objective", "test_accuracy", "--objective", "edgegpu_latency",
        "--strategy", "pareto-random", "--strategy", "nsga2:population=10",
        "--strategy", "pareto-predictor:initial=10,batch=10", "--predictor", "onehot-xgb",
        "--budget", "40", "--seeds", "2", "--out", str(tmp_path), "--plot", str(tmp_path / "fig"),
    ])  # fmt: skip
    assert code == 0
    records = _records(tmp_path)
    assert len(records) == 6 and {r["kind"] for r in records} == {"pareto"}
    values = np.column_stack([cifar10.targets["test_accuracy"], cifar10.targets["edgegpu_latency"]])
    scaled = normalise(values, np.array([1.0, -1.0]))
    true_front = scaled.points[pareto_mask(scaled.points)]
    for record in records:
        assert record["status"] == "ok", record["error"]
        assert record["lower_is_better"] == ["edgegpu_latency"] and record["evaluations"] == 40
        curve = np.array(record["hv_curve"])
        assert (
            len(curve) == 40
            and (np.diff(curve) >= -1e-9).all()
            and curve[-1] == pytest.approx(record["hv_ratio"], abs=1e-5)
        )
        # the ratio again, from the front the record holds and the table
        found = (np.array(record["found_front"]) * scaled.signs - scaled.low) / scaled.span
        assert hypervolume(found, REFERENCE) / hypervolume(true_front, REFERENCE) == pytest.approx(
            record["hv_ratio"], rel=1e-5
        )
        assert len(record["true_front"]) == record["front_cells"] == len(true_front)
        assert record["front_size"] == len(np.unique(true_front, axis=0)) and record["front_found"] <= 40
        assert record["expected_random_to_hv_target"] > 40 and record["random_to_final_hv"] > 0
        assert not record["reached_hv_target"] or record["lookups_to_hv_target"] <= 40
    report = (tmp_path / "leaderboard.md").read_text()
    assert "## Pareto search: hypervolume at 40 look-ups, target 99.5% of the true front's" in report
    assert "| test_accuracy vs edgegpu_latency |" in report and "hypervolume ratio (95% CI)" in report
    assert "99.5% of the front's hypervolume" in report  # the protocol table's target set
    assert list((tmp_path / "fig").glob("*hv0.995-budget40-pareto.png"))
    # resuming finds the work done
    assert _exit_code(["search", "--benchmark", "nb201-cifar10", "--objective", "test_accuracy", "--objective",
                       "edgegpu_latency", "--strategy", "pareto-random", "--budget", "40", "--seeds", "2",
                       "--out", str(tmp_path)]) == 0  # fmt: skip
    assert len(_records(tmp_path)) == 6


class _RaisesInFit(Predictor):
    name = "raises-in-fit"
    description = "fails"

    def fit(self, archs, y, context=None):
        raise RuntimeError("out of cheese")

    def predict(self, archs):
        return np.zeros(len(archs))


class _Broken:
    @hookimpl
    def register_predictors(self):
        return [_RaisesInFit]


def test_a_failing_guide_is_recorded_and_the_other_pareto_searches_finish():
    suite = Suite(load_registry({"broken": _Broken()}))
    experiment = Experiment(
        "search", (Spec("nb201-cifar10"),), (Spec("raises-in-fit"),), seeds=1, budget=20,
        strategies=(Spec("pareto-random"), Spec("pareto-predictor", {"initial": 5})),
        objectives=("test_accuracy", "pixel3_latency"),
    )  # fmt: skip
    records = {job.strategy.name: job.run(suite) for job in plan_search(experiment, suite, "cpu")}
    assert records["pareto-random"]["status"] == "ok"
    failed = records["pareto-predictor"]
    assert failed["status"] == "error" and "Pareto search pareto-predictor" in failed["error"]
    assert "RuntimeError: out of cheese" in failed["error"] and "hv_ratio" not in failed


def test_the_committed_hardware_study_is_complete_and_plans(tmp_path, capsys):
    """The study file plans (every name, option, objective and constraint checked) to exactly the jobs
    whose records are committed: re-running it in a copy of its results does nothing."""
    out = tmp_path / "hw"
    out.mkdir()
    for name in ("records.jsonl", "study.json"):
        (out / name).write_bytes((ROOT / "results" / "hardware-aware" / name).read_bytes())
    committed = len((ROOT / "results" / "hardware-aware" / "records.jsonl").read_text().splitlines())
    assert main(["study", str(ROOT / "studies" / "hardware-aware.toml"), "--out", str(out)]) == 0
    assert f"0 failed, {committed} already done" in capsys.readouterr().err
    assert len(_records(out)) == committed


def test_a_label_free_guide_of_a_minimised_target_prefers_its_lowest_predictions(tmp_path, cifar10):
    """param-count predicts latency (more parameters, slower): guiding a search for the lowest latency,
    its scores must be turned round, or the search heads for the slowest cells."""
    assert _exit_code(["search", "--benchmark", "nb201-cifar10:target=edgegpu_latency", "--strategy",
                       "predictor-full:explore=0", "--predictor", "param-count", "--budget", "20", "--seeds", "2",
                       "--out", str(tmp_path)]) == 0  # fmt: skip
    params = cifar10.archs.costs["params"]
    for record in _records(tmp_path):
        assert record["best_found"] < np.median(cifar10.targets["edgegpu_latency"])
        assert record["best_found"] <= cifar10.targets["edgegpu_latency"][params == params.min()].max()


def test_lower_marks_a_column_of_a_users_file_minimised(tmp_path, cifar10, capsys):
    """A latency column joined with columns= is maximised unless lower= names it."""
    latency = tmp_path / "latency.csv"
    cells = cifar10.archs.ids[:600]
    values = cifar10.targets["edgegpu_latency"][:600]
    latency.write_text("arch,latency_ms\n" + "".join(f"{c},{v}\n" for c, v in zip(cells, values)))
    common = f"nb201-cifar10:columns={latency},missing=drop,target=latency_ms"
    records = {}
    for name, extra in (("max", ""), ("min", ",lower=latency_ms")):
        out = tmp_path / name
        args = ["--predictor", "param-count", "--train-sizes", "10", "--seeds", "1", "--out", str(out)]
        assert _exit_code(["run", "--benchmark", common + extra, *args]) == 0
        assert _exit_code(["search", "--benchmark", common + extra, "--strategy", "random", "--budget", "30",
                           "--seeds", "1", "--top", "0.05", "--out", str(out)]) == 0  # fmt: skip
        records[name] = {r["kind"]: r for r in _records(out)}
    assert records["min"]["ranking"]["lower_is_better"] and not records["max"]["ranking"]["lower_is_better"]
    assert records["min"]["ranking"]["kendall_tau"] == pytest.approx(records["max"]["ranking"]["kendall_tau"])
    assert records["min"]["ranking"]["key"] != records["max"]["ranking"]["key"]  # direction is part of the work
    assert records["min"]["search"]["best_value"] == pytest.approx(values.min())
    assert records["max"]["search"]["best_value"] == pytest.approx(values.max())
    capsys.readouterr()
    code = _exit_code(["run", "--benchmark", common + ",lower=nope", "--predictor", "param-count",
                       "--train-sizes", "10", "--seeds", "1", "--out", str(tmp_path / "bad")])  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert code == 2 and "lower= names 'nope', which is not a target; expected targets joined by + from" in err


def test_a_constraint_keeps_every_digit_of_its_bound():
    from nasbench_suite.study.constraints import parse_constraint

    constraint = parse_constraint(" edgegpu_latency <= 0.5385971069335938 ")
    assert str(constraint) == "edgegpu_latency<=0.5385971069335938"
    assert parse_constraint(str(constraint)) == constraint
    assert str(parse_constraint("fpga_energy>1234567")) == "fpga_energy>1234567"


def test_figure_names_tell_constraint_operators_apart_and_fronts_step_the_right_way(tmp_path):
    from nasbench_suite.report.figures import _staircase, _stem

    names = {_stem(tmp_path, f"test_accuracy under x{op}5").name for op in ("<=", "<", ">=", ">")}
    assert len(names) == 4

    class Axes:
        def step(self, x, y, where, **style):
            self.where, self.x = where, x

    front = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])
    for signs, where in (((-1.0, 1.0), "post"), ((1.0, -1.0), "pre"), ((-1.0, -1.0), "post"), ((1.0, 1.0), "pre")):
        ax = Axes()
        _staircase(ax, front, signs)
        assert ax.where == where and list(ax.x) == [1.0, 2.0, 3.0], signs


def test_the_hardware_study_file_reads(suite):
    from nasbench_suite.cli.config_file import read_study_file
    from nasbench_suite.cli.parser import build_parser, subcommand

    parser = build_parser()
    settings, blocks = read_study_file(
        "studies/hardware-aware.toml", {"ranking": subcommand(parser, "run"), "search": subcommand(parser, "search")}
    )
    kinds = [kind for kind, _, _ in blocks]
    assert kinds == ["ranking", "search", "search", "search"]
    assert blocks[1][1]["objective"] == ["test_accuracy", "edgegpu_latency"]
    assert blocks[3][1]["constraint"] == "edgegpu_latency<=5"
