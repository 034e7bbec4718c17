"""The ``ghn`` predictor and the paper's baseline, ``short-training`` (each network trained briefly
from scratch, i.e. early stopping). Both need images and a device, and no labels."""

from __future__ import annotations

import dataclasses
import functools
import logging
import zlib
from pathlib import Path

import numpy as np
import torch
from torch import nn

from nasbench_suite import (
    Architectures,
    ConfigError,
    FitContext,
    ImageSplit,
    NetworkBuilder,
    Predictor,
    augment,
    cache_dir,
    check_split,
    load_checkpoint,
    open_dataset,
    save_checkpoint,
    settings_digest,
    suite_of,
    train_eval_split,
)
from nbs_ghn.model import GraphHyperNetwork
from nbs_ghn.training import GHNConfig, score_architectures, train_ghn

log = logging.getLogger(__name__)

#: Per space: the network builder's options for the first stage's width and the cells per stage, with
#: their defaults (the network the table was trained with). ``channels`` / ``cells_per_stage`` set them.
NETWORK_SIZES = {
    "nb201": (("channels", 16), ("cells_per_stage", 5)),
    "nb101": (("stem_channels", 128), ("cells_per_stack", 3)),
}


@functools.lru_cache(maxsize=2)
def _split(path: Path, train_images: int, eval_images: int) -> ImageSplit:
    """Decoded once per process (tens of thousands of JPEGs take a while)."""
    return train_eval_split(open_dataset(str(path)), train_images, eval_images, np.random.default_rng(0))


class _ImagePredictor(Predictor):
    """Shared options and data of the predictors that train networks on the user's images."""

    needs = frozenset({"device"})
    input_files = ("data",)

    def _check_common(self) -> None:
        for option in ("channels", "cells_per_stage", "steps", "batch_size", "train_images", "eval_images"):
            value = getattr(self, option)
            if value is None and option in ("channels", "cells_per_stage"):
                continue  # the space's own network
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{option}: expected a positive integer (got {value!r})")
        if not isinstance(self.learning_rate, (int, float)) or not self.learning_rate > 0:
            raise ConfigError(f"learning_rate: expected a positive number (got {self.learning_rate!r})")
        check_split(open_dataset(self.data, f"predictor {self.name}"), self.train_images, self.eval_images)

    def _split(self) -> ImageSplit:
        """The same training / evaluation images for every seed: the seed varies the training."""
        return _split(open_dataset(self.data).path, self.train_images, self.eval_images)

    def _device(self) -> torch.device:
        return torch.device(self.device)

    def network_size(self, space: str) -> dict[str, int]:
        """The builder options of the networks this predictor trains or generates, for ``space``."""
        if space not in NETWORK_SIZES:
            raise ConfigError(f"predictor {self.name} supports the {', '.join(NETWORK_SIZES)} spaces (got {space})")
        (width, default_width), (depth, default_depth) = NETWORK_SIZES[space]
        return {width: self.channels or default_width, depth: self.cells_per_stage or default_depth}

    def _builder(self, archs: Architectures, context: FitContext | None) -> NetworkBuilder:
        """The space's network builder at this predictor's width and depth, from the run's context."""
        suite = suite_of(context, f"predictor {self.name}")
        return suite.network_builder(archs.space.name, **self.network_size(archs.space.name))


class GHNPredictor(_ImagePredictor):
    """Train a graph hypernetwork once on the given cells (no labels), then score each cell by the
    accuracy of its generated weights on held-out images."""

    name = "ghn"
    description = "graph hypernetwork (Zhang et al., ICLR 2019): accuracy with generated weights"
    cache_files = ("checkpoint",)

    def __init__(
        self,
        data: str = "",
        channels: int | None = None,
        cells_per_stage: int | None = None,
        hidden: int = 32,
        rounds: int = 1,
        steps: int = 20000,
        batch_size: int = 64,
        learning_rate: float = 1e-3,
        train_images: int = 45000,
        eval_images: int = 5000,
        checkpoint: str = "",
        random_state: int = 0,
        device: str = "cpu",
    ) -> None:
        self.data, self.channels, self.cells_per_stage = data, channels, cells_per_stage
        self.hidden, self.rounds, self.steps, self.batch_size = hidden, rounds, steps, batch_size
        self.learning_rate, self.train_images, self.eval_images = learning_rate, train_images, eval_images
        self.checkpoint, self.random_state, self.device = checkpoint, random_state, device

    def validate(self) -> None:
        for option in ("hidden", "rounds"):
            value = getattr(self, option)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{option}: expected a positive integer (got {value!r})")
        self._check_common()

    def fit(self, archs: Architectures, y: np.ndarray | None, context: FitContext | None = None) -> GHNPredictor:
        builder = self._builder(archs, context)
        split = self._split()
        width, depth = self.network_size(archs.space.name).values()
        config = GHNConfig(
            archs.space.name,
            width,
            depth,
            self.hidden,
            self.rounds,
            self.steps,
            self.batch_size,
            float(self.learning_rate),
            self.train_images,
            self.random_state,
            split.fingerprint,
            settings_digest({"cells": sorted(map(str, archs.ids))}),
        )
        torch.manual_seed(self.random_state)
        try:
            network = builder.supernet(split.num_classes)
        except NotImplementedError as exc:
            raise ConfigError(f"predictor {self.name}: {exc}") from None
        model = GraphHyperNetwork(archs.space.operations, network, self.hidden, self.rounds)
        settings = dataclasses.asdict(config)
        path = Path(self.checkpoint) if self.checkpoint else cache_dir() / "ghn" / f"{settings_digest(settings)}.pt"
        if path.is_file():
            log.info("ghn: loading the trained GHN from %s", path)
            load_checkpoint(model, settings, path, "graph hypernetwork")
            self.training_seconds_, self.training_images_per_second_ = 0.0, None
        else:
            log.info("ghn: training for %d steps on %s -> %s", self.steps, self.device, path)
            cost = train_ghn(model, archs, split.train_images, split.train_labels, config, self._device())
            save_checkpoint(model, settings, path)
            self.training_seconds_, self.training_images_per_second_ = cost.seconds, cost.images_per_second
        self.model_, self.checkpoint_path_ = model.to(self._device()).eval(), str(path)
        return self

    def predict(self, archs: Architectures) -> np.ndarray:
        split = self._split()
        return score_architectures(
            self.model_, archs, split.eval_images, split.eval_labels, max(self.batch_size, 256), self._device()
        )


class ShortTrainingPredictor(_ImagePredictor):
    """Train each cell's own network from scratch for ``steps`` steps and score it by held-out
    accuracy: the early-stopping baseline the GHN paper compares with (match its compute by
    ``steps`` x cells scored ~ the GHN's training steps)."""

    name = "short-training"
    description = "each network trained briefly from scratch (early stopping), held-out accuracy"

    def __init__(
        self,
        data: str = "",
        channels: int | None = None,
        cells_per_stage: int | None = None,
        steps: int = 100,
        batch_size: int = 64,
        learning_rate: float = 0.05,
        train_images: int = 45000,
        eval_images: int = 5000,
        random_state: int = 0,
        device: str = "cpu",
    ) -> None:
        self.data, self.channels, self.cells_per_stage = data, channels, cells_per_stage
        self.steps, self.batch_size, self.learning_rate = steps, batch_size, learning_rate
        self.train_images, self.eval_images = train_images, eval_images
        self.random_state, self.device = random_state, device

    def validate(self) -> None:
        self._check_common()

    def fit(
        self, archs: Architectures, y: np.ndarray | None, context: FitContext | None = None
    ) -> ShortTrainingPredictor:
        self.builder_ = self._builder(archs, context)  # nothing to learn across cells
        return self

    def predict(self, archs: Architectures) -> np.ndarray:
        split, device, builder = self._split(), self._device(), self.builder_
        train_images, train_labels = split.train_images.to(device), split.train_labels.to(device)
        eval_images, eval_labels = split.eval_images.to(device), split.eval_labels.to(device)
        scores = np.empty(len(archs))
        for index in range(len(archs)):
            cell_seed = zlib.crc32(str(archs.ids[index]).encode())  # by cell, not by position
            generator = torch.Generator(device=device).manual_seed(self.random_state * 2**32 + cell_seed)
            torch.manual_seed(self.random_state)
            net = builder.build(archs, index, split.num_classes).to(device).train()
            optimizer = torch.optim.SGD(
                net.parameters(), lr=self.learning_rate, momentum=0.9, nesterov=True, weight_decay=5e-4
            )
            for _ in range(self.steps):
                batch = torch.randint(0, len(train_images), (self.batch_size,), generator=generator, device=device)
                loss = nn.functional.cross_entropy(net(augment(train_images[batch], generator)), train_labels[batch])
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
            net.eval()
            with torch.no_grad():
                correct = sum(
                    int((net(eval_images[i : i + 256]).argmax(1) == eval_labels[i : i + 256]).sum())
                    for i in range(0, len(eval_images), 256)
                )
            scores[index] = 100.0 * correct / len(eval_images)
        return scores
