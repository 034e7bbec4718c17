"""What code and libraries produced a record: the suite's git commit (when it runs from a checkout)
and the versions of the libraries behind the numbers. Every record carries it as ``environment``, so
that records written by different code states are told apart even when the version string is the
same; reports list it per distinct environment ("not recorded" for older records)."""

from __future__ import annotations

import functools
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

#: The distributions whose versions change the numbers (distribution names as pip knows them).
LIBRARIES = ("torch", "torch-geometric", "xgboost", "scikit-learn", "numpy", "scipy", "pandas")


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def source_commit(folder: Path | None = None) -> dict[str, Any] | None:
    """``{"commit": sha, "dirty": bool}`` of the git checkout holding the suite's code, or ``None``
    when the suite was installed from a wheel (not run from a checkout) or git is missing."""
    folder = folder or Path(__file__).resolve().parents[1]
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top is None or not (Path(top) / "nasbench_suite").is_dir():
        return None
    commit = _git(folder, "rev-parse", "HEAD")
    if commit is None:
        return None
    status = _git(folder, "status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status)}


@functools.cache
def environment() -> dict[str, Any]:
    """The record field ``environment``: the source commit and the versions of :data:`LIBRARIES`
    (``None`` for one not installed). Computed once per process."""
    source = source_commit()
    return {
        "commit": source["commit"] if source else None,
        "dirty": source["dirty"] if source else None,
        "libraries": {name: _version(name) for name in LIBRARIES},
    }


def describe_environment(env: dict[str, Any] | None) -> str:
    """One line for a report: ``commit abc1234 (uncommitted changes); torch 2.13.0, ...``."""
    if not env:
        return "not recorded"
    if env.get("commit"):
        commit = f"commit {env['commit'][:10]}" + (" with uncommitted changes" if env.get("dirty") else "")
    else:
        commit = "no git checkout"
    libraries = ", ".join(f"{name} {version}" for name, version in sorted((env.get("libraries") or {}).items()))
    return f"{commit}; {libraries}" if libraries else commit
