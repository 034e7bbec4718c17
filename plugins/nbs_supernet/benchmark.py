"""``nb201-supernet`` and ``nb101-supernet``: cells scored by a live weight-sharing supernet.

The table is a seeded sample of ``cells`` cells of the space's table (``nb201-cifar10``, ``nb101``)
with their true accuracies as targets and the supernet's one-shot estimate as the cost ``supernet``,
the same shape as the recorded NB101 estimates (``nb101-oneshot``), so ``supernet``, ``gcn-fit`` and
``gcn`` compare on it through the ordinary harness.

The supernet is the space's weight-sharing network (its builder's ``supernet()``). It trains with
uniform single-path sampling (every step one cell of the whole table) on ``train_images`` images of
the user's CIFAR-10 (``data=`` or ``NASBENCH_SUITE_CIFAR10``) and estimates on ``eval_images`` other
training-split images (the tables' validation accuracies also come from the training split). The
trained weights are checkpointed (``checkpoint=PATH``, default: the suite's cache folder, named by
the settings), so the estimates can be recomputed without retraining. Defaults are the full
configuration, meant for a GPU (``device=auto`` takes one when present); tests and CPU demos shrink
the widths and image counts. With ``--jobs N`` every worker loads the table itself: run once with
``--jobs 1`` (or point ``checkpoint=`` at a trained supernet) so that the supernet is trained once.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any, ClassVar

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
COST = "supernet"
CITATION = (
    "supernet training after Guo et al., Single Path One-Shot NAS, ECCV 2020, and Li & Talwalkar, Random Search "
    "and Reproducibility for NAS, UAI 2019"
)


def resolve_device(device: str, name: str) -> torch.device:
    if device not in ("auto", "cpu", "cuda"):
        raise ConfigError(f"benchmark {name}: device must be auto, cpu or cuda (got {device!r})")
    if device == "cuda" and not torch.cuda.is_available():
        raise ConfigError(f"benchmark {name}: device=cuda, but no CUDA device is available")
    return torch.device("cuda" if device != "cpu" and torch.cuda.is_available() else "cpu")


class LiveSupernetBenchmark(Benchmark):
    """The shared machinery; subclasses name the space, its table and its network options."""

    space: ClassVar[str]
    base: ClassVar[str]
    cheap_to_load = False
    input_files = ("data",)
    cache_files = ("checkpoint",)

    def _configure(self, network: dict[str, int], **options: Any) -> None:
        """Check and store the options (``network``: the builder's width and depth)."""
        names = ("cells", "epochs", "batch_size", "train_images", "eval_images", "calibration_batches")
        counts = {**{name: options[name] for name in names}, **network}
        for option, value in counts.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"benchmark {self.name}: {option} must be a positive integer (got {value!r})")
        seed = options["seed"]
        if not isinstance(seed, int) or seed < 0:
            raise ConfigError(f"benchmark {self.name}: seed must be a non-negative integer (got {seed!r})")
        if not options["learning_rate"] > 0:
            raise ConfigError(
                f"benchmark {self.name}: learning_rate must be positive (got {options['learning_rate']!r})"
            )
        if options["calibration_batches"] * options["batch_size"] > options["train_images"]:
            raise ConfigError(f"benchmark {self.name}: calibration_batches x batch_size exceeds train_images")
        resolve_device(options["device"], self.name)
        for key, value in {**network, **options}.items():
            setattr(self, key, value)
        self.learning_rate = float(self.learning_rate)
        self._network = dict(network)

    def expected_size(self) -> int:
        return self.cells

    def load(self, context: SuiteContext) -> BenchmarkTable:
        base = context.table(self.base)
        if self.cells > len(base):
            raise ConfigError(f"benchmark {self.name}: cells must be at most {len(base)} (got {self.cells})")
        dataset = open_dataset(self.data, f"benchmark {self.name}")
        rng = np.random.default_rng(self.seed)
        cells = np.sort(rng.choice(len(base), size=self.cells, replace=False))
        try:
            split = train_eval_split(dataset, self.train_images, self.eval_images, rng)
        except ConfigError as exc:
            raise ConfigError(f"benchmark {self.name}: {exc}") from None
        config = SupernetConfig(
            self.space, self._network, self.epochs, self.batch_size, self.learning_rate, self.train_images, self.seed,
            split.fingerprint,
        )  # fmt: skip
        device = resolve_device(self.device, self.name)
        torch.manual_seed(self.seed)  # the supernet's initial weights
        model = context.network_builder(self.space, **self._network).supernet(split.num_classes)
        images, labels = split.train_images, split.train_labels
        path = (
            Path(self.checkpoint)
            if self.checkpoint
            else cache_dir() / "supernets" / f"{self.space}-{config.digest()}.pt"
        )
        if path.is_file():
            log.info("%s: loading the trained supernet from %s", self.name, path)
            load_checkpoint(model, dataclasses.asdict(config), path, "supernet")
        else:
            log.info("%s: training the supernet (%d epochs on %s) -> %s", self.name, self.epochs, device, path)
            train_supernet(model, base.archs, images, labels, config, device)
            save_checkpoint(model, dataclasses.asdict(config), path)
        model.to(device)
        calibration = images[: self.calibration_batches * self.batch_size].to(device)
        archs = base.archs[cells]
        eval_images, eval_labels = split.eval_images.to(device), split.eval_labels.to(device)
        estimates = estimate(model, archs, calibration, eval_images, eval_labels, self.batch_size)
        archs = dataclasses.replace(archs, costs={**archs.costs, COST: estimates})
        encoding = None if base.mutation_encoding is None else base.mutation_encoding[cells]
        return BenchmarkTable(archs, {name: values[cells] for name, values in base.targets.items()}, encoding)


class NB201SupernetBenchmark(LiveSupernetBenchmark):
    name = "nb201-supernet"
    description = (
        "a seeded sample of NB201 cells with a live weight-sharing supernet's estimate as cost 'supernet' "
        "(CIFAR-10 images needed); targets: true NB201 CIFAR-10 accuracy"
    )
    targets = ("test_accuracy", "test_accuracy_12ep", "val_accuracy_12ep")  # those of nb201-cifar10
    default_target = "test_accuracy"
    citation = f"Dong & Yang, NAS-Bench-201, ICLR 2020; {CITATION}."
    space, base = "nb201", "nb201-cifar10"

    def __init__(
        self, data: str | None = None, cells: int = 1000, seed: int = 0, channels: int = 16, cells_per_stage: int = 5,
        epochs: int = 50, batch_size: int = 128, learning_rate: float = 0.05, train_images: int = 25000,
        eval_images: int = 5000, calibration_batches: int = 4, device: str = "auto", checkpoint: str | None = None,
    ) -> None:  # fmt: skip
        self._configure(
            {"channels": channels, "cells_per_stage": cells_per_stage}, data=data, cells=cells, seed=seed,
            epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, train_images=train_images,
            eval_images=eval_images, calibration_batches=calibration_batches, device=device, checkpoint=checkpoint,
        )  # fmt: skip


class NB101SupernetBenchmark(LiveSupernetBenchmark):
    name = "nb101-supernet"
    description = (
        "a seeded sample of NB101 cells with a live weight-sharing supernet's estimate as cost 'supernet' "
        "(CIFAR-10 images needed); targets: true NB101 accuracy"
    )
    targets = ("val_accuracy", "test_accuracy", "halfway_val_accuracy")  # those of nb101
    default_target = "val_accuracy"
    citation = f"Ying et al., NAS-Bench-101, ICML 2019; {CITATION}."
    space, base = "nb101", "nb101"

    def __init__(
        self, data: str | None = None, cells: int = 1000, seed: int = 0, stem_channels: int = 128,
        num_stacks: int = 3, cells_per_stack: int = 3, epochs: int = 50, batch_size: int = 128,
        learning_rate: float = 0.05, train_images: int = 25000, eval_images: int = 5000, calibration_batches: int = 4,
        device: str = "auto", checkpoint: str | None = None,
    ) -> None:  # fmt: skip
        self._configure(
            {"stem_channels": stem_channels, "num_stacks": num_stacks, "cells_per_stack": cells_per_stack}, data=data,
            cells=cells, seed=seed, epochs=epochs, batch_size=batch_size, learning_rate=learning_rate,
            train_images=train_images, eval_images=eval_images, calibration_batches=calibration_batches,
            device=device, checkpoint=checkpoint,
        )  # fmt: skip
