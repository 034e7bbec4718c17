"""AnalogNAS-Bench (``analog-nasbench`` package): the NB201 cells retrained on CIFAR-10 with
baseline, quantised, noisy and analog-hardware accuracies and accuracy drift.

The package keys cells by 6-tuples in its own order: edges sorted by (source, target) and
operation codes ``0 skip_connect, 1 none, 2 nor_conv_3x3, 3 nor_conv_1x1, 4 avg_pool_3x3``.
That mapping was found by searching all 720 edge orders x 120 code assignments for the best rank
agreement with the NB201 table (Spearman 0.991 between AnalogNAS baseline and NB201 200-epoch
accuracy); ``tests/plugins/test_analognas.py`` checks it. The package's own loader needs the
removed ``pkg_resources``, so its data file is read here with an unpickler that admits only the
package's two record classes.
"""

from __future__ import annotations

import importlib.util
import pickle
from pathlib import Path

import numpy as np

from nasbench_suite import Benchmark, BenchmarkTable, DataFileError, SuiteContext
from nbs_tables import nb201

#: AnalogNAS operation code -> NB201 operation index (into ``nb201.OPERATIONS``).
ANALOG_TO_NB201_OP = np.array([1, 0, 3, 2, 4])
#: NB201 edge e (in cell-string order) is AnalogNAS tuple position ``NB201_EDGE_SOURCE[e]``.
NB201_EDGE_SOURCE = np.array([0, 1, 3, 2, 4, 5])
ACCURACIES = ("baseline_accuracy", "ptq_accuracy", "qat_accuracy", "noisy_accuracy", "analog_accuracy")
DRIFTS = tuple(f"{kind}_drift_{seconds}" for kind in ("baseline", "analog") for seconds in (60, 3600, 86400, 2592000))


class _Record:
    """Stand-in for the package's record classes: keeps the pickled attributes only."""

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)


class _RecordUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> type:
        if module == "analognasbench.data" and name in ("Architecture", "DriftMeasurement"):
            return _Record
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}")


def data_file() -> Path:
    spec = importlib.util.find_spec("analognasbench")
    if spec is None or not spec.submodule_search_locations:
        raise DataFileError("analognasbench", "package not installed; pip install analog-nasbench")
    return Path(next(iter(spec.submodule_search_locations))) / "data.anb"


def analog_to_nb201(keys: np.ndarray) -> np.ndarray:
    """``(n, 6)`` AnalogNAS tuples -> ``(n, 6)`` NB201 edge-operation indices."""
    return ANALOG_TO_NB201_OP[np.asarray(keys)[:, NB201_EDGE_SOURCE]]


def _value(field: object) -> float:
    value = getattr(field, "value", field)
    return float(value) if isinstance(value, (int, float)) else np.nan


class AnalogNASCifar10(Benchmark):
    name = "analognas-cifar10"
    description = "AnalogNAS-Bench: NB201 cells on CIFAR-10, digital vs analog in-memory hardware accuracy (%)"
    targets = ACCURACIES + DRIFTS
    default_target = "analog_accuracy"
    citation = "Benmeziane et al., AnalogNAS-Bench, 2025 (package analog-nasbench)"

    def load(self, context: SuiteContext | None = None) -> BenchmarkTable:
        path = data_file()
        try:
            with open(path, "rb") as handle:
                records = _RecordUnpickler(handle).load()
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
            raise DataFileError(path, f"cannot read AnalogNAS-Bench records ({exc})") from None
        if not isinstance(records, dict) or len(records) != nb201.NUM_CELLS:
            raise DataFileError(path, f"expected a mapping of {nb201.NUM_CELLS} cells")
        keys = np.array(list(records), dtype=np.int64)
        edge_ops = analog_to_nb201(keys)
        order = np.lexsort(edge_ops.T[::-1])
        edge_ops, keys = edge_ops[order], keys[order]
        rows = [records[tuple(k)] for k in keys.tolist()]
        targets = {name: np.array([_value(getattr(r, name)) for r in rows]) for name in self.targets}
        archs = nb201.architectures_from_ops(edge_ops, num_classes=10)
        return BenchmarkTable(archs, targets, mutation_encoding=edge_ops)


ANALOGNAS_BENCHMARKS = [AnalogNASCifar10]
