"""Train a weight-sharing supernet with uniform single-path sampling, checkpoint it, and estimate
sub-networks with inherited weights after batch-norm recalibration.

The supernet comes from the space's network builder (``network_builder(space).supernet(...)``), so
this module knows no operation of any space. Each training step draws one cell uniformly from the
space and trains its path on one mini-batch (SPOS / RSPS style: SGD with Nesterov momentum, cosine
learning rate, random crops and flips). To estimate a cell, the batch-norm statistics are reset and
re-accumulated on a few training batches with that cell's path (the shared statistics belong to no
single sub-network), then the path's accuracy is measured on held-out images.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

from nasbench_suite import Architectures, augment, settings_digest


@dataclass(frozen=True)
class SupernetConfig:
    """Everything the trained weights depend on; its :meth:`digest` names the checkpoint."""

    space: str
    network: dict  # the network builder's options (width, depth)
    epochs: int
    batch_size: int
    learning_rate: float
    train_images: int
    seed: int
    data: str  # fingerprint of the training images

    def digest(self) -> str:
        return settings_digest(asdict(self))


def train_supernet(
    model: nn.Module,
    archs: Architectures,
    images: torch.Tensor,
    labels: torch.Tensor,
    config: SupernetConfig,
    device: torch.device,
) -> nn.Module:
    """Uniform single-path training: every step one cell of ``archs``, drawn uniformly."""
    generator = torch.Generator(device=device).manual_seed(config.seed)
    cpu_generator = torch.Generator().manual_seed(config.seed)
    model.to(device).train()
    images, labels = images.to(device), labels.to(device)
    steps_per_epoch = max(1, len(images) // config.batch_size)
    optimiser = torch.optim.SGD(
        model.parameters(), lr=config.learning_rate, momentum=0.9, nesterov=True, weight_decay=5e-4
    )
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=config.epochs * steps_per_epoch)
    for _ in range(config.epochs):
        order = torch.randperm(len(images), generator=cpu_generator).to(device)
        for step in range(steps_per_epoch):
            rows = order[step * config.batch_size : (step + 1) * config.batch_size]
            cell = int(torch.randint(len(archs), (1,), generator=cpu_generator))
            loss = nn.functional.cross_entropy(model(augment(images[rows], generator), archs, cell), labels[rows])
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimiser.step()
            schedule.step()
    return model.eval()


@torch.no_grad()
def estimate(
    model: nn.Module,
    archs: Architectures,
    calibration: torch.Tensor,
    images: torch.Tensor,
    labels: torch.Tensor,
    batch_size: int,
) -> np.ndarray:
    """Accuracy (%) of every cell's path on ``images`` after recalibrating batch norm on ``calibration``."""
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    accuracies = np.empty(len(archs))
    for index in range(len(archs)):
        for norm in norms:
            norm.reset_running_stats()
            norm.momentum = None  # cumulative average over the calibration batches
        model.train()
        for start in range(0, len(calibration), batch_size):
            model(calibration[start : start + batch_size], archs, index)
        model.eval()
        correct = 0
        for start in range(0, len(images), batch_size):
            logits = model(images[start : start + batch_size], archs, index)
            correct += int((logits.argmax(1) == labels[start : start + batch_size]).sum())
        accuracies[index] = 100.0 * correct / len(images)
    return accuracies
