"""``nb201-supernet``: NAS-Bench-201 cells scored by a live weight-sharing supernet.

The table is a seeded sample of ``cells`` NB201 cells with their true CIFAR-10 accuracies (from the
``nb201-cifar10`` benchmark) as targets and the supernet's one-shot estimate as the cost
``supernet``, the same shape as the recorded NB101 estimates (``nb101-oneshot``), so ``supernet``,
``gcn-fit`` and ``gcn`` compare on it through the ordinary harness.

The supernet trains on ``train_images`` images of the user's CIFAR-10 (``data=`` or
``NASBENCH_SUITE_CIFAR10``) and estimates on ``eval_images`` other training-split images (NB201's
validation accuracy also comes from the training split). The trained weights are checkpointed
(``checkpoint=PATH``, default: the suite's cache folder, named by the settings), so the estimates
can be recomputed without retraining. Defaults are the full configuration, meant for a GPU
(``device=auto`` takes one when present); tests and CPU demos shrink the widths and image counts.
With ``--jobs N`` every worker loads the table itself: run once with ``--jobs 1`` (or point
``checkpoint=`` at a trained supernet) so that the supernet is trained once.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import numpy as np
import torch

from nasbench_suite import (
    Benchmark,
    BenchmarkTable,
    ConfigError,
    SuiteContext,
    cache_dir,
    load_checkpoint,
    open_dataset,
    save_checkpoint,
    train_eval_split,
)
from nbs_supernet.training import SupernetConfig, estimate, train_supernet

log = logging.getLogger(__name__)
BASE = "nb201-cifar10"
COST = "supernet"


def resolve_device(device: str) -> torch.device:
    if device not in ("auto", "cpu", "cuda"):
        raise ConfigError(f"benchmark nb201-supernet: device must be auto, cpu or cuda (got {device!r})")
    if device == "cuda" and not torch.cuda.is_available():
        raise ConfigError("benchmark nb201-supernet: device=cuda, but no CUDA device is available")
    return torch.device("cuda" if device != "cpu" and torch.cuda.is_available() else "cpu")


class NB201SupernetBenchmark(Benchmark):
    name = "nb201-supernet"
    description = (
        "a seeded sample of NB201 cells with a live weight-sharing supernet's estimate as cost 'supernet' "
        "(CIFAR-10 images needed); targets: true NB201 CIFAR-10 accuracy"
    )
    targets = ("test_accuracy", "test_accuracy_12ep", "val_accuracy_12ep")  # those of nb201-cifar10
    default_target = "test_accuracy"
    cheap_to_load = False
    input_files = ("data",)
    cache_files = ("checkpoint",)
    citation = (
        "Dong & Yang, NAS-Bench-201, ICLR 2020; supernet training after Guo et al., Single Path One-Shot NAS, "
        "ECCV 2020, and Li & Talwalkar, Random Search and Reproducibility for NAS, UAI 2019."
    )

    def __init__(
        self,
        data: str | None = None,
        cells: int = 1000,
        seed: int = 0,
        channels: int = 16,
        cells_per_stage: int = 5,
        epochs: int = 50,
        batch_size: int = 128,
        learning_rate: float = 0.05,
        train_images: int = 25000,
        eval_images: int = 5000,
        calibration_batches: int = 4,
        device: str = "auto",
        checkpoint: str | None = None,
    ) -> None:
        counts = {
            "cells": cells,
            "channels": channels,
            "cells_per_stage": cells_per_stage,
            "epochs": epochs,
            "batch_size": batch_size,
            "train_images": train_images,
            "eval_images": eval_images,
            "calibration_batches": calibration_batches,
        }
        for option, value in counts.items():
            if not isinstance(value, int) or value < 1:
                raise ConfigError(f"benchmark nb201-supernet: {option} must be a positive integer (got {value!r})")
        if not isinstance(seed, int) or seed < 0:
            raise ConfigError(f"benchmark nb201-supernet: seed must be a non-negative integer (got {seed!r})")
        if not learning_rate > 0:
            raise ConfigError(f"benchmark nb201-supernet: learning_rate must be positive (got {learning_rate!r})")
        if calibration_batches * batch_size > train_images:
            raise ConfigError("benchmark nb201-supernet: calibration_batches x batch_size exceeds train_images")
        resolve_device(device)
        self.data, self.seed, self.device, self.checkpoint = data, seed, device, checkpoint
        self.cells, self.channels, self.cells_per_stage, self.epochs = cells, channels, cells_per_stage, epochs
        self.batch_size, self.learning_rate = batch_size, float(learning_rate)
        self.train_images, self.eval_images, self.calibration_batches = train_images, eval_images, calibration_batches

    def expected_size(self) -> int:
        return self.cells

    def load(self, context: SuiteContext) -> BenchmarkTable:
        base = context.table(BASE)
        if self.cells > len(base):
            raise ConfigError(f"benchmark nb201-supernet: cells must be at most {len(base)} (got {self.cells})")
        dataset = open_dataset(self.data, "benchmark nb201-supernet")
        rng = np.random.default_rng(self.seed)
        cells = np.sort(rng.choice(len(base), size=self.cells, replace=False))
        try:
            split = train_eval_split(dataset, self.train_images, self.eval_images, rng)
        except ConfigError as exc:
            raise ConfigError(f"benchmark nb201-supernet: {exc}") from None
        config = SupernetConfig(
            "nb201",
            self.channels,
            self.cells_per_stage,
            self.epochs,
            self.batch_size,
            self.learning_rate,
            self.train_images,
            self.seed,
            split.fingerprint,
        )
        device = resolve_device(self.device)
        torch.manual_seed(self.seed)  # the supernet's initial weights
        builder = context.network_builder("nb201", channels=self.channels, cells_per_stage=self.cells_per_stage)
        model = builder.supernet(split.num_classes)
        images, labels = split.train_images, split.train_labels
        path = Path(self.checkpoint) if self.checkpoint else cache_dir() / "supernets" / f"nb201-{config.digest()}.pt"
        if path.is_file():
            log.info("nb201-supernet: loading the trained supernet from %s", path)
            load_checkpoint(model, dataclasses.asdict(config), path, "supernet")
        else:
            log.info("nb201-supernet: training the supernet (%d epochs on %s) -> %s", self.epochs, device, path)
            train_supernet(model, base.archs, images, labels, config, device)
            save_checkpoint(model, dataclasses.asdict(config), path)
        model.to(device)
        calibration = images[: self.calibration_batches * self.batch_size].to(device)
        archs = base.archs[cells]
        estimates = estimate(
            model,
            archs,
            calibration,
            split.eval_images.to(device),
            split.eval_labels.to(device),
            self.batch_size,
        )
        archs = dataclasses.replace(archs, costs={**archs.costs, COST: estimates})
        encoding = None if base.mutation_encoding is None else base.mutation_encoding[cells]
        return BenchmarkTable(archs, {name: values[cells] for name, values in base.targets.items()}, encoding)
