"""A third-party distribution, built and installed in a temp dir, is discovered and run with no
change to the core; a broken entry point in it is reported and isolated."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PYPROJECT = """
[build-system]
requires = ["setuptools>=69"]
build-backend = "setuptools.build_meta"

[project]
name = "nbs-ext-demo"
version = "1.2.3"

[project.entry-points.nasbench_suite]
ext_demo = "nbs_ext_demo"
ext_broken = "nbs_ext_broken"

[tool.setuptools]
py-modules = ["nbs_ext_demo", "nbs_ext_broken"]
"""

MODULE = '''
import numpy as np
from nasbench_suite import Predictor, hookimpl


class OpCountRidge(Predictor):
    """Ridge regression on operation counts."""

    name = "ext-ridge"
    needs = frozenset({"labels"})

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = alpha

    def _x(self, archs):
        return np.c_[archs.onehot_operations().sum(axis=1), np.ones(len(archs))]

    def fit(self, archs, y, context=None):
        x = self._x(archs)
        self.coef_ = np.linalg.solve(x.T @ x + self.alpha * np.eye(x.shape[1]), x.T @ y)
        return self

    def predict(self, archs):
        return self._x(archs) @ self.coef_


@hookimpl
def register_predictors():
    return [OpCountRidge]
'''


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src")
    (src / "pyproject.toml").write_text(PYPROJECT)
    (src / "nbs_ext_demo.py").write_text(textwrap.dedent(MODULE))
    (src / "nbs_ext_broken.py").write_text(
        "raise ImportError('missing dependency xyz\\n  (a second line of detail)')\n"
    )
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(target),
            str(src),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return target


def _cli(site: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NASBENCH_SUITE_")}
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "nasbench_suite", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_external_plugin_is_listed_and_broken_one_reported(installed, tmp_path):
    result = _cli(installed, "plugins", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    listing = json.loads(result.stdout)
    demo = next(p for p in listing["plugins"] if p["name"] == "ext_demo")
    assert demo["distribution"] == "nbs-ext-demo" and demo["version"] == "1.2.3"
    assert demo["contributes"] == {"predictor": ["ext-ridge"]}
    [broken] = listing["failures"]
    assert (broken["name"], broken["distribution"], broken["version"]) == ("ext_broken", "nbs-ext-demo", "1.2.3")
    assert broken["error"] == 'Error importing plugin "ext_broken": ImportError: missing dependency xyz'
    text = _cli(installed, "plugins", cwd=tmp_path).stdout
    assert f"FAILED ext_broken (nbs-ext-demo 1.2.3): {broken['error']}" in text.splitlines()


def test_external_predictor_runs_through_the_harness(installed, tmp_path):
    result = _cli(
        installed,
        "run",
        "--benchmark",
        "nb201-cifar10",
        "--predictor",
        "ext-ridge:alpha=0.5",
        "--train-sizes",
        "50",
        "--seeds",
        "2",
        "--test-size",
        "500",
        "--out",
        "out",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "ext-ridge:alpha=0.5" in result.stdout
    records = [json.loads(line) for line in (tmp_path / "out" / "records.jsonl").read_text().splitlines()]
    assert len(records) == 2 and all(r["status"] == "ok" for r in records)
    assert records[0]["plugins"]["predictor"] == {
        "plugin": "ext_demo",
        "distribution": "nbs-ext-demo",
        "version": "1.2.3",
        "source": "entry point",
    }
    assert all(r["kendall_tau"] > 0.2 for r in records)  # op counts carry real signal on NB201
