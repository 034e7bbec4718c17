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

import hashlib
import json
import os
import pickle
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from nasbench_suite import Architectures, DataFileError


@dataclass(frozen=True)
class SupernetConfig:
    """Everything the trained weights depend on; its :meth:`digest` names the checkpoint."""

    space: str
    channels: int
    cells_per_stage: int
    epochs: int
    batch_size: int
    learning_rate: float
    train_images: int
    seed: int
    data: str  # fingerprint of the training images

    def digest(self) -> str:
        return hashlib.sha1(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:16]


def augment(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Random horizontal flips and random 4-pixel-padded crops (the standard CIFAR augmentation)."""
    n, _, h, w = images.shape
    flip = torch.rand(n, generator=generator, device=images.device) < 0.5
    images = torch.where(flip[:, None, None, None], images.flip(3), images)
    padded = nn.functional.pad(images, (4, 4, 4, 4))
    dx, dy = torch.randint(0, 9, (2,), generator=generator, device=images.device).tolist()
    return padded[:, :, dy : dy + h, dx : dx + w]


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


def save_checkpoint(model: nn.Module, config: SupernetConfig, path: Path) -> None:
    """Write atomically: a crash leaves the old file or none, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    torch.save({"config": asdict(config), "state": model.state_dict()}, partial)
    os.replace(partial, path)


def load_checkpoint(model: nn.Module, config: SupernetConfig, path: Path) -> nn.Module:
    """Load weights saved for exactly ``config`` (``weights_only``: nothing else is unpickled)."""
    try:
        saved = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:  # weights_only met something other than tensors and plain data
        raise DataFileError(
            path, "not a supernet checkpoint of this suite (it holds Python objects; refused to unpickle them)"
        ) from None
    except Exception as exc:  # torch raises many types for truncated or foreign files
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise DataFileError(
            path, f"not a supernet checkpoint of this suite ({type(exc).__name__}: {first_line})"
        ) from None
    stored = saved.get("config") if isinstance(saved, dict) else None
    state = saved.get("state") if isinstance(saved, dict) else None
    if not isinstance(stored, dict) or not isinstance(state, dict):
        raise DataFileError(path, "not a supernet checkpoint of this suite (expected a dict with 'config' and 'state')")
    if stored != asdict(config):
        changed = sorted(k for k in asdict(config) if stored.get(k) != asdict(config)[k])
        raise DataFileError(path, f"checkpoint was trained with different settings ({', '.join(changed)})")
    try:
        model.load_state_dict(state)
    except RuntimeError as exc:
        raise DataFileError(path, f"weights do not fit the supernet ({exc})") from None
    return model.eval()
