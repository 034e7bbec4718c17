"""Per-cell columns joined onto any table (``columns=``) and the ``csv`` benchmark: the joins line up
with the right cells (checked by hand), renames and targets, and every bad file is one line naming
the file, the column and the first offending row, with nothing run."""

from __future__ import annotations

import gzip
import json
import re
import shlex
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nasbench_suite import ConfigError, DataFileError, Predictor, hookimpl
from nasbench_suite.cli import main
from nasbench_suite.registry import Suite
from nasbench_suite.specs import Spec, parse_spec

CELL_A = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
CELL_B = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"


@pytest.fixture(scope="module")
def nb201(suite):
    return suite.table("nb201-cifar10")


@pytest.fixture(scope="module")
def estimates(tmp_path_factory, nb201):
    """One made-up 'supernet estimate' per NB201 cell: the 12-epoch validation accuracy, a cheaper
    measurement than the 200-epoch target, with noise (never the target itself)."""
    noise = np.random.default_rng(0).normal(0, 1.0, len(nb201))
    frame = pd.DataFrame({"arch": nb201.archs.ids, "gdas_acc": (nb201.targets["val_accuracy_12ep"] + noise).round(4)})
    frame["method"] = "gdas"  # a column of names: left out
    path = tmp_path_factory.mktemp("columns") / "gdas.csv.gz"
    frame.iloc[::-1].to_csv(path, index=False)  # rows in another order than the table's
    return path, frame


def _exit_code(args: list[str]) -> int:
    """The command's exit status, whether it returned it or exited (configuration errors)."""
    try:
        return main(args)
    except SystemExit as exit_info:
        return int(exit_info.code)


def _spec(text: str) -> Spec:
    return parse_spec(text, "benchmark")


def _row(table, cell: str) -> int:
    return int(np.flatnonzero(table.archs.ids == cell)[0])


def test_a_file_of_one_estimate_per_cell_joins_by_cell_string(suite, nb201, estimates):
    path, frame = estimates
    table = suite.table(_spec(f"nb201-cifar10:columns={path},supernet=gdas_acc"))
    assert len(table) == 15625 and "method" not in table.archs.costs
    for cell in (CELL_A, CELL_B, nb201.archs.ids[1234]):  # by hand: the file's value of each cell
        expected = float(frame.loc[frame["arch"] == cell, "gdas_acc"].iloc[0])
        assert table.archs.costs["gdas_acc"][_row(table, cell)] == expected
        assert table.archs.costs["supernet"][_row(table, cell)] == expected
    np.testing.assert_array_equal(table.targets["test_accuracy"], nb201.targets["test_accuracy"])


def test_a_file_keyed_by_row_index_and_a_second_file_join_together(suite, nb201, tmp_path):
    index = tmp_path / "by_index.csv"
    index.write_text("index,latency_ms\n" + "".join(f"{k},{k / 10}\n" for k in range(len(nb201))))
    other = tmp_path / "energy.csv"
    other.write_text("cell,energy_j\n" + "".join(f"{c},{k}\n" for k, c in enumerate(nb201.archs.ids)))
    table = suite.table(_spec(f"nb201-cifar10:columns={index}+{other}"))
    assert table.archs.costs["latency_ms"][7] == 0.7 and table.archs.costs["energy_j"][_row(table, CELL_A)] == _row(
        nb201, CELL_A
    )


def test_missing_cells_are_an_error_unless_dropped(suite, nb201, tmp_path):
    rows = [100, 5, 9000]
    path = tmp_path / "three.csv"
    path.write_text("arch,latency_ms\n" + "".join(f"{nb201.archs.ids[r]},{r}.5\n" for r in rows))
    with pytest.raises(
        DataFileError, match=r"three\.csv: covers 3 of the table's 15625 cells; 15622 are missing .*missing=drop"
    ):
        suite.table(_spec(f"nb201-cifar10:columns={path}"))
    table = suite.table(_spec(f"nb201-cifar10:columns={path},missing=drop"))
    assert len(table) == 3 and sorted(table.archs.costs["latency_ms"]) == [5.5, 100.5, 9000.5]
    assert table.targets["test_accuracy"][_row(table, nb201.archs.ids[9000])] == nb201.targets["test_accuracy"][9000]
    assert table.neighbours(0).dtype == np.int64  # the mutation encoding was restricted too


class PeeksAtCosts(Predictor):
    """Scores cells by a cost named like the target, if any predictor were handed one."""

    name = "peeks"
    needs = frozenset()

    def fit(self, archs, y, context=None):
        self.seen_ = sorted(archs.costs)
        return self

    def predict(self, archs):
        assert "latency_ms" not in archs.costs, "the target was handed over as a cost"
        return archs.costs["params"].astype(float)


class NeedsLatency(PeeksAtCosts):
    name = "needs-latency"
    needs = frozenset({"cost:latency_ms"})


class Peekers:
    @hookimpl
    def register_predictors(self):
        return [PeeksAtCosts, NeedsLatency]


def test_a_column_chosen_as_the_target_is_never_a_cost_a_predictor_sees(tmp_path, nb201, monkeypatch, capsys):
    import nasbench_suite.cli as cli

    path = tmp_path / "latency.csv"
    latency = (nb201.archs.costs["params"] / 1e5).round(5)
    path.write_text("arch,latency_ms\n" + "".join(f"{c},{v}\n" for c, v in zip(nb201.archs.ids, latency)))
    real = cli.load_registry
    monkeypatch.setattr(cli, "load_registry", lambda: real({"peekers": Peekers()}))
    bench = ["--benchmark", f"nb201-cifar10:columns={path},target=latency_ms"]
    common = [
        "--train-sizes",
        "30",
        "--seeds",
        "1",
        "--test-size",
        "200",
        "--device",
        "cpu",
        "--out",
        str(tmp_path / "o"),
    ]
    assert main(["run", *bench, "--predictor", "peeks", "--predictor", "graf-xgb", *common]) == 0
    records = [json.loads(line) for line in (tmp_path / "o" / "records.jsonl").read_text().splitlines()]
    assert all(r["status"] == "ok" and r["target"] == "latency_ms" for r in records), records
    assert (
        next(r for r in records if r["predictor_name"] == "graf-xgb")["kendall_tau"] > 0.8
    )  # latency follows params here
    with pytest.raises(SystemExit) as exit_info:
        main(["run", *bench, "--predictor", "needs-latency", *common])
    assert exit_info.value.code == 2 and "needs cost:latency_ms" in capsys.readouterr().err


BAD_FILES = [
    (
        "unknown.csv",
        lambda ids: f"arch,x\n{ids[0]},1\n|bogus~0|,2\n",
        "column arch, row 3: '|bogus~0|' is not a cell of the table",
    ),
    ("twice.csv", lambda ids: f"arch,x\n{ids[0]},1\n{ids[1]},2\n{ids[0]},3\n", "column arch, row 4: cell"),
    ("text.csv", lambda ids: f"arch,x\n{ids[0]},1\n{ids[1]},high\n", "column x, row 3: 'high' is not a finite number"),
    ("nan.csv", lambda ids: f"arch,x\n{ids[0]},nan\n{ids[1]},2\n", "column x, row 2: 'nan' is not a finite number"),
    ("empty-cell.csv", lambda ids: f"arch,x\n{ids[0]},1\n{ids[1]},\n", "column x, row 3: '' is not a finite number"),
    ("index.csv", lambda ids: "index,x\n0,1\n15625,2\n", "column index, row 3: '15625' is not a row index 0..15624"),
    ("nokey.csv", lambda ids: "name,x\nfoo,1\n", "no key column: expected a column of the table's cell ids"),
    ("header.csv", lambda ids: "arch,x\n", "has no rows"),
    ("binary.csv", lambda ids: b"\x1f\x8b" + bytes(range(200)), "not a readable CSV or Parquet file"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_a_bad_columns_file_is_one_line_naming_file_column_and_row(tmp_path, capsys, nb201, name, content, message):
    path = tmp_path / name
    text = content(nb201.archs.ids)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    code = _exit_code(["run", "--benchmark", f"nb201-cifar10:columns={path},missing=drop", "--predictor", "random",
                 "--train-sizes", "1", "--test-size", "2", "--seeds", "1", "--out", str(tmp_path / "o")])  # fmt: skip
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(lines) == 1 and str(path) in lines[0] and message in lines[0], lines
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("supernet=nope", "no column 'nope' for supernet=; the numeric columns are gdas_acc"),
        (
            "target=nope",
            "unknown target 'nope'; expected one of test_accuracy, test_accuracy_12ep, val_accuracy_12ep, "
            "edgegpu_latency",
        ),
        ("missing=maybe", "missing: expected one of error, drop (got 'maybe')"),
    ],
)
def test_bad_column_options_name_what_was_expected(tmp_path, capsys, estimates, options, message):
    path, _ = estimates
    code = _exit_code(["run", "--benchmark", f"nb201-cifar10:columns={path},{options}", "--predictor", "supernet",
                 "--train-sizes", "10", "--seeds", "1", "--out", str(tmp_path)])  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert code in (1, 2) and len(err) == 1 and message in err[0], err
    if options.startswith("target="):  # the joined file's column is offered too
        assert err[0].endswith(", gdas_acc"), err


def test_column_options_without_a_file_are_named(suite):
    with pytest.raises(ConfigError, match="supernet= names a column of a joined file"):
        suite.resolve_benchmark(_spec("nb201-cifar10:supernet=gdas"))
    with pytest.raises(ConfigError, match="key= is an option of columns="):
        suite.resolve_benchmark(_spec("nb201-cifar10:key=arch"))


def test_gcn_fit_runs_on_the_standard_table_with_a_recorded_estimate_per_cell(tmp_path, capsys, estimates):
    path, _ = estimates
    out = tmp_path / "out"
    args = ["run", "--benchmark", f"nb201-cifar10:columns={path},supernet=gdas_acc", "--predictor", "supernet",
            "--predictor", "gcn-fit:epochs=10,hidden=16", "--predictor", "gcn:epochs=10,hidden=16",
            "--train-sizes", "100", "--seeds", "2", "--test-size", "1000", "--score-train", "--device", "cpu",
            "--out", str(out)]  # fmt: skip
    assert main(args) == 0
    printed = capsys.readouterr().out
    records = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    assert len(records) == 6 and all(r["status"] == "ok" for r in records)
    assert "nb201-cifar10:supernet='gdas_acc'" in printed and str(path) not in printed
    assert records[0]["benchmark"].startswith("nb201-cifar10:columns='gdas.csv.gz@sha256:")
    supernet = [r for r in records if r["predictor_name"] == "supernet"]
    assert all(r["kendall_tau"] > 0.5 for r in supernet)  # the 12-epoch accuracy ranks the cells well


# -- the csv benchmark -------------------------------------------------------------------------------


def test_a_csv_of_nb201_cells_is_a_benchmark_every_predictor_and_strategy_can_use(tmp_path, capsys, nb201):
    rows = np.random.default_rng(1).choice(len(nb201), 600, replace=False)
    path = tmp_path / "my_space.csv"
    frame = pd.DataFrame({"acc": nb201.targets["test_accuracy"][rows], "arch": nb201.archs.ids[rows]})
    frame.to_csv(path, index=False)
    bench = ["--benchmark", f"csv:path={path},space=nb201,target=acc"]
    out = tmp_path / "out"
    assert main(["run", *bench, "--predictor", "graf-xgb:n_estimators=50", "--predictor", "param-count",
                 "--train-sizes", "50", "--seeds", "1", "--device", "cpu", "--out", str(out)]) == 0  # fmt: skip
    assert main(["search", *bench, "--strategy", "evolution:population=20", "--strategy", "local-search",
                 "--budget", "100", "--seeds", "2", "--top", "0.01", "--out", str(out)]) == 0  # fmt: skip
    records = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    assert len(records) == 6 and all(r["status"] == "ok" for r in records)
    params = next(r for r in records if r.get("predictor") == "param-count")
    assert params["kendall_tau"] > 0.4 and "csv:space='nb201'" in capsys.readouterr().out


def test_a_csv_of_nb101_cells_is_keyed_by_the_official_hash(tmp_path, suite):
    table = suite.table("nb101")
    rows = np.arange(40)
    lines = ["adjacency,ops,val"]
    for row in rows:
        size = int(table.archs.num_nodes[row])
        bits = "".join(map(str, table.archs.adjacency[row, :size, :size].ravel()))
        ops = ",".join(table.archs.space.operations[k] for k in table.archs.operations[row, :size])
        lines.append(f'{bits},"{ops}",{table.targets["val_accuracy"][row]}')
    path = tmp_path / "nb101.csv"
    path.write_text("\n".join(lines) + "\n")
    loaded = suite.benchmark_class("csv")(path=str(path), space="nb101").load()
    assert list(loaded.archs.ids) == list(table.archs.ids[rows])  # the hashes of the shipped table
    np.testing.assert_allclose(loaded.targets["val"], table.targets["val_accuracy"][rows])


def _nb101_export(table, rows) -> pd.DataFrame:
    """NB101 cells as a user exports them from the official API: the matrix and the operations as
    Python lists, the parameter count as ``trainable_parameters``."""
    records = []
    for row in rows:
        size = int(table.archs.num_nodes[row])
        records.append(
            {
                "adjacency": str(table.archs.adjacency[row, :size, :size].astype(int).tolist()),
                "operations": str([table.archs.space.operations[k] for k in table.archs.operations[row, :size]]),
                "trainable_parameters": int(table.archs.costs["params"][row]),
                "test_accuracy": round(float(table.targets["test_accuracy"][row]), 5),
            }
        )
    return pd.DataFrame(records)


def _two_files_of_one_name(folder, nb201) -> None:
    """``folder/a/cells.csv`` and ``folder/b/cells.csv``: 200 different NB201 cells each."""
    for name, seed in (("a", 1), ("b", 2)):
        rows = np.random.default_rng(seed).choice(len(nb201), 200, replace=False)
        (folder / name).mkdir()
        frame = pd.DataFrame({"arch": nb201.archs.ids[rows], "acc": nb201.targets["test_accuracy"][rows]})
        frame.to_csv(folder / name / "cells.csv", index=False)


def test_two_files_of_one_name_are_two_rows_told_apart_in_every_table(tmp_path, capsys, nb201):
    _two_files_of_one_name(tmp_path, nb201)
    benchmarks = [f"--benchmark=csv:path={tmp_path / folder / 'cells.csv'}" for folder in "ab"]
    out = tmp_path / "out"
    args = ["run", *benchmarks, "--predictor", "param-count", "--train-sizes", "10", "--seeds", "2", "--out", str(out)]
    assert main(args) == 0
    table = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| csv:")]
    labels = {line.split("|")[1].strip() for line in table}
    assert len(labels) == 2 and all(re.fullmatch(r"csv:path='cells\.csv@[0-9a-f]{8}'", label) for label in labels)
    board = (out / "leaderboard.md").read_text()
    assert all(label in board for label in labels)


def test_display_labels_of_two_files_of_one_name_stay_apart(tmp_path, capsys, nb201):
    _two_files_of_one_name(tmp_path, nb201)
    study = tmp_path / "study.toml"
    study.write_text(
        "[[ranking]]\n"
        f'benchmark = [{{spec = "csv:path={tmp_path / "a" / "cells.csv"}", label = "Set A"}}, '
        f'{{spec = "csv:path={tmp_path / "b" / "cells.csv"}", label = "Set B"}}]\n'
        'predictor = ["param-count"]\ntrain-sizes = "10"\nseeds = 2\n'
    )
    assert main(["study", str(study), "--out", str(tmp_path / "out")]) == 0
    rows = {line.split("|")[1].strip() for line in capsys.readouterr().out.splitlines() if line.startswith("| Set")}
    assert rows == {"Set A", "Set B"}
    html = (tmp_path / "out" / "report.html").read_text()
    assert "Set A" in html and "Set B" in html


def test_user_exports_of_both_spaces_get_their_parameter_counts(tmp_path, suite, nb201):
    nb101 = suite.table("nb101")
    rows = np.random.default_rng(3).choice(len(nb101), 120, replace=False)
    path = tmp_path / "export101.csv"
    _nb101_export(nb101, rows).to_csv(path, index=False)
    csv = suite.benchmark_class("csv")
    counted = csv(path=str(path), space="nb101", ops="operations").load()  # counted, as the space's network
    np.testing.assert_array_equal(counted.archs.costs["params"], nb101.archs.costs["params"][rows])
    assert list(counted.archs.ids) == list(nb101.archs.ids[rows])

    rows = np.random.default_rng(4).choice(len(nb201), 120, replace=False)
    path = tmp_path / "export201.csv"
    frame = pd.DataFrame({"arch_str": nb201.archs.ids[rows], "test_acc": nb201.targets["test_accuracy"][rows]})
    frame.assign(size=np.arange(len(rows))).to_csv(path, index=False)
    counted = csv(path=str(path), space="nb201").load()
    np.testing.assert_array_equal(counted.archs.costs["params"], nb201.archs.costs["params"][rows])
    given = csv(path=str(path), space="nb201", params="size").load()
    np.testing.assert_array_equal(given.archs.costs["params"], np.arange(len(rows)))
    with pytest.raises(
        DataFileError, match=r"params=parameters: no numeric column 'parameters' \(numeric columns: test_acc, size\)"
    ):
        csv(path=str(path), space="nb201", params="parameters").load()
    frame.assign(params=np.arange(len(rows)) * 2).to_csv(path, index=False)  # a column named params is used
    np.testing.assert_array_equal(csv(path=str(path), space="nb201").load().archs.costs["params"], np.arange(120) * 2)


@pytest.mark.parametrize(
    ("adjacency", "ops"),
    [
        (lambda m: "".join(map(str, m.ravel())), lambda o: ",".join(o)),
        (lambda m: str(m.tolist()), lambda o: str(o)),
        (lambda m: str(m.tolist()), lambda o: ";".join(o)),
        (lambda m: " ".join(map(str, m.ravel())), lambda o: "|".join(o)),
    ],
    ids=["digits-commas", "lists", "semicolons", "spaces-bars"],
)
def test_nb101_cells_are_read_in_the_forms_users_write(tmp_path, suite, adjacency, ops):
    table = suite.table("nb101")
    lines = []
    for row in range(5):
        size = int(table.archs.num_nodes[row])
        matrix = table.archs.adjacency[row, :size, :size].astype(int)
        labels = [table.archs.space.operations[k] for k in table.archs.operations[row, :size]]
        lines.append({"adjacency": adjacency(matrix), "ops": ops(labels), "acc": row})
    path = tmp_path / "forms.csv"
    pd.DataFrame(lines).to_csv(path, index=False)
    loaded = suite.benchmark_class("csv")(path=str(path), space="nb101").load()
    assert list(loaded.archs.ids) == list(table.archs.ids[:5])


def test_a_column_given_as_both_params_and_target_is_never_a_cost(tmp_path, capsys, nb201):
    path = tmp_path / "cells.csv"
    frame = pd.DataFrame({"arch": nb201.archs.ids[:300], "size": np.arange(300.0), "acc": np.arange(300.0)[::-1]})
    frame.to_csv(path, index=False)
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--benchmark", f"csv:path={path},params=size,target=size", "--predictor", "param-count",
              "--seeds", "1", "--train-sizes", "10", "--out", str(tmp_path / "out")])  # fmt: skip
    assert exit_info.value.code == 2
    assert (
        "predictor param-count needs cost:params, which benchmark csv does not have as a cost (size is the target)"
        in (capsys.readouterr().err)
    )


def test_the_documented_csv_example_runs_as_written(tmp_path, monkeypatch, suite):
    """The documented NB101 csv command (docs/benchmarks.md), on a file with the columns it names."""
    readme = (Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md").read_text()
    command = re.search(r'^(nasbench-suite run --benchmark "csv:path=my_nb101\.csv.*?)(?<!\\)\n', readme, re.M | re.S)
    assert command, "docs/benchmarks.md has no NB101 csv example"
    argv = shlex.split(command.group(1).replace("\\\n", " "))
    nb101 = suite.table("nb101")
    monkeypatch.chdir(tmp_path)
    _nb101_export(nb101, np.random.default_rng(5).choice(len(nb101), 300, replace=False)).to_csv(
        "my_nb101.csv", index=False
    )
    assert main(argv[1:]) == 0
    records = [json.loads(line) for line in (tmp_path / "nasbench-results" / "records.jsonl").read_text().splitlines()]
    assert records and all(r["status"] == "ok" for r in records)
    assert {r["predictor_name"] for r in records} >= {"param-count"}


@pytest.mark.parametrize(
    ("space", "content", "message"),
    [
        ("nb201", f"arch,acc\n{CELL_A},1\n|conv~0|+|x|,2\n", "column arch, row 3: not a NAS-Bench-201 cell string"),
        ("nb201", f"arch,acc\n{CELL_A},1\n{CELL_A},2\n", f"row 3: cell '{CELL_A}' appears twice"),
        ("nb201", "name,acc\nfoo,1\n", "no column of NB201 cell strings"),
        ("nb101", 'adjacency,ops,acc\n0110,"input,output",1\n', "the adjacency must be a 0/1 upper-triangular matrix"),
        ("nb101", 'adjacency,ops,acc\n01001,"input,output",1\n', "expected 2x2 0/1 digits for 2 ops"),
        ("nb101", 'adjacency,ops,acc\n010001000,"input,conv9x9,output",1\n', "unknown operation 'conv9x9'"),
        ("nb101", 'ops,acc\n"input,output",1\n', "no column 'adjacency'"),
        (
            "nb101",
            "matrix,operations,acc\n\"[[0, 1], [0, 0]]\",\"['input', 'output']\",1\n",
            "no column 'adjacency' for the 0/1 adjacency matrices; the columns are matrix, operations, acc; "
            "name it with adjacency=matrix",
        ),
        (
            "nb101",
            'adjacency,operations,acc\n0100,"input,output",1\n',
            "no column 'ops' for the operation labels: input, conv1x1-bn-relu, conv3x3-bn-relu, maxpool3x3, output; "
            "the columns are adjacency, operations, acc; name it with ops=operations",
        ),
        ("nb201", "name,acc\nfoo,1\n", "with operations none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3"),
    ],
)
def test_a_bad_csv_benchmark_file_names_the_row(suite, tmp_path, space, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(DataFileError, match=re.escape(message)):
        suite.benchmark_class("csv")(path=str(path), space=space).load()


def test_columns_files_identify_runs_by_content(tmp_path, suite, estimates):
    path, _ = estimates
    copy = tmp_path / "elsewhere" / "gdas.csv.gz"
    copy.parent.mkdir()
    copy.write_bytes(path.read_bytes())
    cls = suite.benchmark_class("nb201-cifar10")
    first, second = (suite.identity(cls, _spec(f"nb201-cifar10:columns={p}")) for p in (path, copy))
    assert first == second and str(path.parent) not in first
    assert (
        Suite.label(cls, _spec(f"nb201-cifar10:columns={path},supernet=gdas_acc"))
        == "nb201-cifar10:supernet='gdas_acc'"
    )
    assert gzip.decompress(path.read_bytes())  # the fixture really is gzipped
