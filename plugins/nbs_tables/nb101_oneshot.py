"""Recorded NAS-Bench-101 supernet (one-shot) estimates, as benchmark tables.

Pourchot et al. (2020) trained weight-sharing supernets on NB101 with 6 methods, on 7 sub-spaces,
5 seeds each, and scored 1,000 sampled sub-networks of each supernet with inherited weights. One
benchmark table is one such sample: its ~1,000 cells with their true NB101 accuracies as targets
and the supernet's estimate as the cost ``supernet`` (cells sampled twice: the mean of their two
estimates). Predictors that need ``cost:supernet`` (the raw ``supernet`` row, ``gcn-fit``) read it.

Shipped compactly (``nb101_oneshot.npz``); ``path=`` reads a CSV in the published layout
(``method,space,seed,idx,hash,oneshot_val_acc``) instead.
"""

from __future__ import annotations

import dataclasses
import functools
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from nasbench_suite import Benchmark, BenchmarkTable, ConfigError, DataFileError, SuiteContext
from nbs_tables.datafiles import load_npz, shipped_path
from nbs_tables.nb101 import NB101

DATA_FILE = "nb101_oneshot.npz"
METHODS = ("baseline_no_ft", "baseline_ft_bn", "pro-rata_ft_bn", "avg-3_ft_bn", "single-k_ft_bn", "s-k+p-r_ft_bn")
SPACES = ("1", "2", "3", "4", "full", "full_0", "full_1")
SAMPLES = 5
CSV_COLUMNS = ("method", "space", "seed", "hash", "oneshot_val_acc")
COST = "supernet"


def hash_prefix(hashes: np.ndarray) -> np.ndarray:
    """The first 8 bytes of NB101 hex hashes as ``uint64`` (unique among NB101's 423,624 cells)."""
    return np.array([int(h[:16], 16) for h in hashes], dtype=np.uint64)


def arrays_from_csv(path: Path) -> dict[str, np.ndarray]:
    """Read the published CSV (plain or gzipped) into the shipped arrays' layout."""
    if not path.is_file():
        raise DataFileError(path, "file not found; expected a CSV of recorded NB101 supernet estimates")
    try:
        frame = pd.read_csv(path, dtype={"space": str, "hash": str})
    except (OSError, ValueError, UnicodeDecodeError, zipfile.BadZipFile, EOFError) as exc:
        raise DataFileError(path, f"not a readable CSV file ({exc})") from None
    missing = [c for c in CSV_COLUMNS if c not in frame.columns]
    if missing:
        raise DataFileError(path, f"missing columns {missing}; expected {', '.join(CSV_COLUMNS)}")
    for column, names in (("method", METHODS), ("space", SPACES)):
        unknown = sorted(set(frame[column]) - set(names))
        if unknown:
            raise DataFileError(path, f"unknown {column} values {unknown[:5]}; expected {', '.join(names)}")
    seeds = pd.to_numeric(frame["seed"], errors="coerce").to_numpy(np.float64)
    bad_seed = ~np.isfinite(seeds) | (seeds != np.round(seeds)) | (seeds < 0) | (seeds > 255)
    if bad_seed.any():
        row = int(np.flatnonzero(bad_seed)[0])
        raise DataFileError(path, f"row {row + 2}: seed {frame['seed'].iloc[row]!r}; expected an integer 0-255")
    estimates = pd.to_numeric(frame["oneshot_val_acc"], errors="coerce").to_numpy(np.float32)
    bad = ~np.isfinite(estimates) | ~frame["hash"].astype(str).str.fullmatch(r"[0-9a-f]{32}").to_numpy()
    if bad.any():
        raise DataFileError(path, f"row {int(np.flatnonzero(bad)[0]) + 2}: expected a 32-hex hash and a number")
    return {
        "method": frame["method"].map(METHODS.index).to_numpy(np.uint8),
        "space": frame["space"].map(SPACES.index).to_numpy(np.uint8),
        "sample": seeds.astype(np.uint8),
        "hash64": hash_prefix(frame["hash"].to_numpy()),
        "estimate": estimates,
    }


@functools.lru_cache(maxsize=2)
def _estimates(path: str | None) -> dict[str, np.ndarray]:
    if path is None:
        expected = {"method": (), "space": (), "sample": (), "hash64": (), "estimate": ()}
        return load_npz(shipped_path(DATA_FILE), expected)
    return arrays_from_csv(Path(path))


@functools.lru_cache(maxsize=1)
def _nb101_table() -> tuple[BenchmarkTable, np.ndarray, np.ndarray]:
    """The shipped NB101 table, its cells' hash prefixes and the order sorting them."""
    table = NB101().load()
    prefixes = hash_prefix(table.archs.ids)
    return table, prefixes, np.argsort(prefixes)


class NB101OneShot(Benchmark):
    """One recorded supernet sample of NB101 cells, with its estimates as the cost ``supernet``."""

    name = "nb101-oneshot"
    description = (
        "~1,000 NB101 cells sampled from one recorded supernet (method, sub-space, sample 0-4) with its "
        "one-shot estimate as cost 'supernet'; targets: true NB101 accuracy"
    )
    targets = NB101.targets
    default_target = NB101.default_target
    citation = (
        "Pourchot, Ducarouge & Sigaud, To Share or Not To Share: A Comprehensive Appraisal of Weight-Sharing, "
        "2020 (MIT, apourchot/to_share_or_not_to_share); Ying et al., NAS-Bench-101, ICML 2019."
    )
    input_files = ("path",)

    def __init__(self, method: str = "baseline_ft_bn", space: str = "full", sample: int = 0, path: str | None = None):
        if method not in METHODS:
            raise ConfigError(f"benchmark nb101-oneshot: method must be one of {', '.join(METHODS)} (got {method!r})")
        if str(space) not in SPACES:
            raise ConfigError(f"benchmark nb101-oneshot: space must be one of {', '.join(SPACES)} (got {space!r})")
        if not isinstance(sample, int) or not 0 <= sample < SAMPLES:
            raise ConfigError(f"benchmark nb101-oneshot: sample must be 0-{SAMPLES - 1} (got {sample!r})")
        self.method, self.space, self.sample, self.path = method, str(space), sample, path

    def load(self, context: SuiteContext | None = None) -> BenchmarkTable:
        arrays = _estimates(self.path)
        rows = (
            (arrays["method"] == METHODS.index(self.method))
            & (arrays["space"] == SPACES.index(self.space))
            & (arrays["sample"] == self.sample)
        )
        if not rows.any():
            where = self.path or shipped_path(DATA_FILE)
            raise DataFileError(
                where, f"no estimates for method {self.method}, space {self.space}, sample {self.sample}"
            )
        cells, inverse = np.unique(arrays["hash64"][rows], return_inverse=True)
        estimates = np.bincount(inverse, weights=arrays["estimate"][rows]) / np.bincount(inverse)
        table, prefixes, order = _nb101_table()
        found = np.searchsorted(prefixes, cells, sorter=order).clip(max=len(order) - 1)
        index = order[found]
        unknown = prefixes[index] != cells
        if unknown.any():
            where = self.path or shipped_path(DATA_FILE)
            raise DataFileError(where, f"{int(unknown.sum())} cells are not in the NB101 table")
        archs = table.archs[index]
        archs = dataclasses.replace(archs, costs={**archs.costs, COST: estimates})
        return BenchmarkTable(archs, {name: values[index] for name, values in table.targets.items()})
