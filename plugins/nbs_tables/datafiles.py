"""Read the compact ``.npz`` tables this plugin ships, with errors that name the file."""

from __future__ import annotations

import zipfile
from importlib import resources
from pathlib import Path

import numpy as np

from nasbench_suite import DataFileError


def shipped_path(filename: str) -> Path:
    """Path of a data file shipped inside this plugin package."""
    return Path(str(resources.files("nbs_tables") / "data" / filename))


def load_npz(path: Path, expected: dict[str, tuple[int, ...] | None]) -> dict[str, np.ndarray]:
    """Load arrays from ``path``, checking each expected key and, where given, its trailing shape.

    Raises :class:`DataFileError` naming the file if it is missing, not a valid ``.npz`` archive,
    lacks an array, or has an array of the wrong shape. Never unpickles.
    """
    if not path.is_file():
        raise DataFileError(path, "file not found; reinstall nasbench-suite or pass a valid path")
    try:
        with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise DataFileError(path, f"not a readable .npz archive ({exc})") from None
    lengths = set()
    for key, trailing in expected.items():
        if key not in arrays:
            raise DataFileError(path, f"missing array {key!r}; expected arrays {sorted(expected)}")
        if trailing is not None and arrays[key].shape[1:] != trailing:
            raise DataFileError(
                path, f"array {key!r} has shape {arrays[key].shape}; expected (n, {', '.join(map(str, trailing))})"
            )
        lengths.add(len(arrays[key]))
    if len(lengths) > 1:
        raise DataFileError(path, f"arrays have different lengths {sorted(lengths)}; the file is corrupt")
    return arrays
