import numpy as np
import pytest
from nbs_tables.datafiles import load_npz

from nasbench_suite import DataFileError

EXPECTED = {"edge_ops": (6,), "acc": ()}


def test_a_good_file_loads(tmp_path):
    path = tmp_path / "t.npz"
    np.savez_compressed(path, edge_ops=np.zeros((3, 6)), acc=np.ones(3))
    assert load_npz(path, EXPECTED)["acc"].tolist() == [1, 1, 1]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "t.npz: file not found"),
        (b"", "t.npz: not a readable .npz archive"),
        (b"PK\x03\x04garbage", "t.npz: not a readable .npz archive"),
        ({"edge_ops": np.zeros((3, 6))}, "t.npz: missing array 'acc'"),
        ({"edge_ops": np.zeros((3, 5)), "acc": np.ones(3)}, "array 'edge_ops' has shape (3, 5); expected (n, 6)"),
        ({"edge_ops": np.zeros((3, 6)), "acc": np.ones(4)}, "arrays have different lengths [3, 4]"),
        ({"edge_ops": np.array([None] * 18).reshape(3, 6), "acc": np.ones(3)}, "not a readable .npz archive"),
    ],
)
def test_bad_files_name_the_file_and_the_problem(tmp_path, content, message):
    path = tmp_path / "t.npz"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, dict):
        np.savez(path, **content)
    with pytest.raises(DataFileError) as error:
        load_npz(path, EXPECTED)
    assert message in str(error.value) and str(path) in str(error.value)
