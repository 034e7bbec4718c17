"""Train a graph hypernetwork on random architectures, and score architectures with its weights.

Training follows the paper: each step samples one architecture (uniformly from the cells the
predictor was given), generates its weights, and back-propagates the loss of one image batch into
the GHN (Adam, cosine schedule, crops and flips). A score is the accuracy, on held-out images, of
the architecture with generated weights.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from nasbench_suite import Architectures, augment
from nbs_ghn.model import GraphHyperNetwork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GHNConfig:
    """Everything the trained GHN depends on; it names the checkpoint."""

    space: str
    channels: int
    cells_per_stage: int
    hidden: int
    rounds: int
    steps: int
    batch_size: int
    learning_rate: float
    train_images: int
    seed: int
    data: str  # fingerprint of the training images
    cells: str  # fingerprint of the architectures it samples from


@dataclass
class TrainingCost:
    seconds: float = 0.0
    images_per_second: float = 0.0


def train_ghn(
    model: GraphHyperNetwork,
    archs: Architectures,
    images: torch.Tensor,
    labels: torch.Tensor,
    config: GHNConfig,
    device: torch.device,
) -> TrainingCost:
    """``config.steps`` steps, one random architecture of ``archs`` per step."""
    model.to(device).train()
    images, labels = images.to(device), labels.to(device)
    generator = torch.Generator(device=device).manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    optimizer = torch.optim.Adam(model.generated_parameters(), lr=config.learning_rate, weight_decay=1e-5)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.steps)
    loss_fn = nn.CrossEntropyLoss()
    start = time.perf_counter()
    for step in range(config.steps):
        index = int(rng.integers(len(archs)))
        batch = torch.randint(0, len(images), (config.batch_size,), generator=generator, device=device)
        embeddings = model.embed(archs[[index]])
        logits = model(augment(images[batch], generator), archs[[index]], 0, embeddings)
        loss = loss_fn(logits, labels[batch])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.generated_parameters(), 5.0)
        optimizer.step()
        schedule.step()
        if step % max(1, config.steps // 10) == 0:
            log.info("ghn: step %d/%d, loss %.3f", step, config.steps, loss.item())
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    return TrainingCost(seconds, config.steps * config.batch_size / max(seconds, 1e-9))


@torch.no_grad()
def score_architectures(
    model: GraphHyperNetwork,
    archs: Architectures,
    images: torch.Tensor,
    labels: torch.Tensor,
    batch_size: int,
    device: torch.device,
    chunk: int = 256,
) -> np.ndarray:
    """Accuracy (%) of every architecture with its generated weights on ``images``."""
    model.to(device).eval()
    images, labels = images.to(device), labels.to(device)
    scores = np.empty(len(archs))
    for first in range(0, len(archs), chunk):
        part = archs[np.arange(first, min(first + chunk, len(archs)))]
        embeddings = model.embed(part)  # the graph propagation, vectorised over the chunk
        for index in range(len(part)):
            correct = 0
            for begin in range(0, len(images), batch_size):
                logits = model(images[begin : begin + batch_size], part, index, embeddings)
                correct += int((logits.argmax(1) == labels[begin : begin + batch_size]).sum())
            scores[first + index] = 100.0 * correct / len(images)
    return scores
