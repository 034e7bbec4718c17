"""Every file the suite reads from a user, empty, truncated, corrupt and of the wrong schema, given
through the command line: a one-line error naming the file and what was wrong, exit status 1 or
2, no traceback, and nothing recorded."""

from __future__ import annotations

import gzip
import io
import json
import struct
import zipfile

import numpy as np
import pytest
import torch
from PIL import Image

from nasbench_suite.cli import main

HASH = "0123456789abcdef0123456789abcdef"
ONESHOT_HEADER = "method,space,seed,idx,hash,oneshot_val_acc\n"
TINY_SUPERNET = "channels=4,cells_per_stage=1,epochs=1,batch_size=16,train_images=64,eval_images=32,cells=20"


def _tfrecord(payload: bytes) -> bytes:
    from nbs_tables.tfrecord import masked_crc32c

    header = struct.pack("<Q", len(payload))
    return header + struct.pack("<I", masked_crc32c(header)) + payload + struct.pack("<I", masked_crc32c(payload))


def _real_tfrecord(shared_data) -> bytes:
    return (shared_data / "nb101" / "tfrecord" / "energy_4V9E_estimate.tfrecord").read_bytes()


def _flip(data: bytes, at: int = 100) -> bytes:
    flipped = bytearray(data)
    flipped[at] ^= 0xFF
    return bytes(flipped)


def _oneshot_gz() -> bytes:
    return gzip.compress((ONESHOT_HEADER + f"avg-3_ft_bn,4,1,0,{HASH},0.5\n" * 3000).encode())


def _png(size: int = 32) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.zeros((size, size, 3), dtype=np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _image_zip(corrupt: bool = False, flat: bool = False) -> bytes:
    entries = {}
    for label in range(3):
        for k in range(4):
            name = f"img{label}{k}.png" if flat else f"train/class{label}/{k}.png"
            entries[name] = b"\x89PNG not really" if corrupt else _png()
    return _zip(entries)


def _checkpoint(content: object) -> bytes:
    buffer = io.BytesIO()
    torch.save(content, buffer)
    return buffer.getvalue()


class Arbitrary:  # not a tensor: weights_only loading must refuse to unpickle it
    pass


def _write(directory, name: str, content: bytes | str):
    path = directory / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def _the_error_line(capsys) -> str:
    """stderr must hold exactly one line, the suite's error."""
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("nasbench-suite: error: "), lines
    return lines[0]


def _run(args: list[str]) -> list[str]:
    return ["run", "--train-sizes", "10", "--seeds", "1", "--test-size", "50", "--device", "cpu", *args]


def _zc(path: str) -> list[str]:  # the image batch is read when the predictor is validated
    return _run(["--benchmark", "nb201-cifar10", "--predictor", f"synflow:data={path},batch_size=4,cache=false"])


# (kind, file name, content maker (shared_data -> bytes), command maker (path -> argv), message)
CASES = [
    ("tfrecord", "empty.tfrecord", lambda d: b"", None, "no records with 108 epochs"),
    ("tfrecord", "cut.tfrecord", lambda d: _real_tfrecord(d)[:-100], None, "truncated record at byte"),
    ("tfrecord", "flip.tfrecord", lambda d: _flip(_real_tfrecord(d)), None, "data CRC mismatch"),
    ("tfrecord", "csv.tfrecord", lambda d: b"hash,adjacency\n" * 10, None, "length CRC mismatch at byte 0"),
    ("tfrecord", "json.tfrecord", lambda d: _tfrecord(b'["abc", 108]'), None, "is not a NAS-Bench-101 record"),
    ("csv", "empty.csv", lambda d: b"", None, "not a readable CSV file"),
    ("csv", "cut.csv", lambda d: (ONESHOT_HEADER + f"avg-3_ft_bn,4,1,0,{HASH[:20]}").encode(), None, "row 2"),
    ("csv", "bin.csv.gz", lambda d: b"\x1f\x8b" + bytes(range(256)), None, "not a readable CSV file"),
    ("csv", "cut.csv.gz", lambda d: _oneshot_gz()[:-300], None, "not a readable CSV file"),
    ("csv", "cols.csv", lambda d: b"method,space,seed,hash\navg-3_ft_bn,4,1,abc\n", None, "missing columns"),
    ("csv", "nan.csv", lambda d: (ONESHOT_HEADER + f"avg-3_ft_bn,4,1,0,{HASH},high\n").encode(), None, "row 2"),
    ("csv", "seed.csv", lambda d: (ONESHOT_HEADER + f"avg-3_ft_bn,4,x,0,{HASH},0.5\n").encode(), None, "seed"),
    ("images", "empty.zip", lambda d: b"", _zc, "not a readable zip archive"),
    ("images", "nothing.zip", lambda d: _zip({}), _zc, "found no images"),
    ("images", "cut.zip", lambda d: _image_zip()[:-200], _zc, "not a readable zip archive"),
    ("images", "bad.zip", lambda d: _image_zip(corrupt=True), _zc, "cannot decode images"),
    ("images", "flat.zip", lambda d: _image_zip(flat=True), _zc, "images must sit in class folders"),
    ("checkpoint", "empty.pt", lambda d: b"", None, "not a supernet checkpoint of this suite"),
    (
        "checkpoint",
        "cut.pt",
        lambda d: _checkpoint({"config": {}, "state": {}})[:-40],
        None,
        "not a supernet checkpoint",
    ),
    ("checkpoint", "junk.pt", lambda d: b"\x80\x04garbage" * 50, None, "not a supernet checkpoint of this suite"),
    ("checkpoint", "other.pt", lambda d: _checkpoint({"config": 5, "state": []}), None, "not a supernet checkpoint"),
    ("checkpoint", "pickle.pt", lambda d: _checkpoint({"config": Arbitrary()}), None, "refused to unpickle"),
]


def _command(kind: str, path: str, cifar10: str) -> list[str]:
    if kind == "tfrecord":
        return _run(["--benchmark", f"nb101:path={path}", "--predictor", "param-count"])
    if kind == "csv":
        return _run(["--benchmark", f"nb101-oneshot:method=avg-3_ft_bn,space=4,sample=1,path={path}"])
    if kind == "checkpoint":
        spec = f"nb201-supernet:data={cifar10},checkpoint={path},{TINY_SUPERNET}"
        return _run(["--benchmark", spec, "--predictor", "supernet"])
    raise AssertionError(kind)


@pytest.mark.parametrize(
    ("kind", "name", "content", "command", "message"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_a_bad_user_file_is_a_one_line_error_naming_it(
    tmp_path, capsys, shared_data, kind, name, content, command, message
):
    path = _write(tmp_path, name, content(shared_data))
    cifar10 = str(shared_data / "cifar10" / "cifar10-jpeg.zip")
    argv = (command or (lambda p: _command(kind, p, cifar10)))(str(path))
    try:
        code = main([*argv, "--out", str(tmp_path / "results")])
    except SystemExit as exit_info:  # argparse-style exit for configuration errors
        code = exit_info.code
    line = _the_error_line(capsys)
    assert code in (1, 2) and str(path) in line and message in line, line
    assert not (tmp_path / "results" / "records.jsonl").exists()


# Results files are read by ``nasbench-suite leaderboard``.
RESULT_CASES = [
    ("empty.jsonl", "", "no records"),
    ("binary.jsonl", bytes(range(256)), "cannot read results"),
    ("middle.jsonl", '{"key": "a", oops}\n{"key": "b"}\n', "middle.jsonl:1: not a JSON record"),
    ("list.jsonl", "[1, 2]\n", "list.jsonl:1: expected a result record"),
    ("fields.jsonl", '{"key": "a", "status": "ok"}\n', "fields.jsonl:1: a ranking record needs"),
    ("search.jsonl", '{"key": "a", "status": "ok", "kind": "search", "strategy": "random"}\n', "a search record needs"),
    ("kind.jsonl", '{"key": "a", "status": "ok", "kind": "poll"}\n', "unknown record kind 'poll'"),
]


@pytest.mark.parametrize(("name", "content", "message"), RESULT_CASES, ids=[c[0] for c in RESULT_CASES])
def test_a_bad_results_file_is_a_one_line_error_naming_it(tmp_path, capsys, name, content, message):
    path = _write(tmp_path, name, content)
    assert main(["leaderboard", str(path)]) == 1
    line = _the_error_line(capsys)
    assert str(path) in line and message in line, line


def test_a_results_file_cut_by_a_kill_loses_only_its_last_line(tmp_path, capsys, caplog):
    record = {"key": "a", "status": "error", "error": "x", "benchmark": "b", "target": "t", "predictor": "p"}
    record |= {"train_size": 10, "seed": 0}
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps(record) + "\n" + json.dumps({**record, "key": "b"})[:30])
    assert main(["leaderboard", str(path)]) == 0
    assert "1 of 1 failed" in capsys.readouterr().out
    assert f"{path}: ignoring an unterminated last line" in caplog.text


GOOD_CONFIG = """
[run]
benchmark = "nb201-cifar10"
predictor = ["param-count", "random"]
train-sizes = [10, 20]
seeds = 2
test_size = 50
device = "cpu"
"""


def test_a_config_file_sets_the_options_and_the_command_line_wins(tmp_path, capsys):
    config = tmp_path / "suite.toml"
    config.write_text(GOOD_CONFIG + f'out = "{tmp_path / "from-file"}"\n')
    assert main(["run", "--config", str(config)]) == 0
    from nasbench_suite.study.records import load_records

    records = load_records([tmp_path / "from-file"])
    assert len(records) == 8 and {r["predictor"] for r in records} == {"param-count", "random"}
    assert {r["train_size"] for r in records} == {10, 20} and {r["test_size"] for r in records} == {50}
    out = tmp_path / "overridden"
    assert main(["run", "--config", str(config), "--predictor", "param-count", "--seeds", "1", "--out", str(out)]) == 0
    records = load_records([out])
    assert len(records) == 2 and {r["predictor"] for r in records} == {"param-count"}


CONFIG_CASES = [
    ("empty.toml", "", "expected a [run] table of options (found nothing)"),
    ("other.toml", "[search]\nbudget = 10\n", "expected a [run] table of options (found [search])"),
    ("cut.toml", '[run]\npredictor = ["param-count", "ran', "not valid TOML"),
    ("binary.toml", bytes(range(256)), "cannot read ('utf-8' codec can't decode byte 0x80"),
    ("unknown.toml", "[run]\nseed = 3\n", "[run] unknown option 'seed'; expected one of"),
    ("type.toml", '[run]\nseeds = "many"\n', "[run] seeds: expected an integer (got 'many')"),
    ("sizes.toml", '[run]\ntrain-sizes = ["ten"]\n', "[run] train-sizes: expected a list of integers"),
    ("flag.toml", '[run]\nforce = "yes"\n', "[run] force: expected true or false (got 'yes')"),
    ("list.toml", "[run]\npredictor = [1, 2]\n", "[run] predictor: expected a string or a list of strings"),
    ("value.toml", '[run]\nseeds = 0\nbenchmark = "nb201-cifar10"\n', "--seeds: expected at least 1 (got 0)"),
]


@pytest.mark.parametrize(("name", "content", "message"), CONFIG_CASES, ids=[c[0] for c in CONFIG_CASES])
def test_a_bad_config_file_is_a_one_line_error_before_any_work(tmp_path, capsys, name, content, message):
    path = _write(tmp_path, name, content)
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--config", str(path), "--out", str(tmp_path / "results")])
    line = _the_error_line(capsys)
    assert exit_info.value.code == 2 and message in line, line
    if name != "value.toml":  # a valid file with a bad value: named by its option, as on the command line
        assert str(path) in line
    assert not (tmp_path / "results").exists()
