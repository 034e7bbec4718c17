"""Helpers every torch-based predictor uses: seeding, device choice, target scaling."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch


def seed_everything(seed: int) -> torch.Generator:
    """Seed torch's global RNG (parameter init, dropout) and return a generator for shuffling."""
    torch.manual_seed(seed)
    generator = torch.Generator()
    generator.manual_seed(seed)
    return generator


def torch_device(device: str) -> torch.device:
    if device == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("device 'cuda' requested but torch.cuda.is_available() is False")
    return torch.device(device)


def model_on(model: torch.nn.Module, device: torch.device) -> torch.nn.Module:
    """``model`` itself on the CPU (where fitted models are kept), else a copy moved to ``device``.

    Moving the fitted model in place would change the predictor's state during ``predict``.
    """
    return model if device.type == "cpu" else copy.deepcopy(model).to(device)


def predict_in_chunks(
    model: torch.nn.Module, archs: Any, to_batch: Callable[[Any], Any], device: str, chunk: int
) -> np.ndarray:
    """``model``'s outputs on ``archs``, ``chunk`` cells at a time (``to_batch`` turns a slice of cells
    into the model's input, with a ``.to(device)``), on ``device``, without changing the fitted model."""
    target = torch_device(device)
    runner = model_on(model, target)
    outputs = []
    with torch.no_grad():
        for start in range(0, len(archs), chunk):
            outputs.append(runner(to_batch(archs[start : start + chunk]).to(target)).cpu().numpy())
    return np.concatenate(outputs) if outputs else np.zeros(0, dtype=np.float32)


@dataclass(frozen=True)
class TargetScaler:
    """Standardises targets for training and maps predictions back."""

    mean: float
    std: float

    @classmethod
    def fit(cls, y: np.ndarray) -> TargetScaler:
        std = float(np.std(y))
        return cls(float(np.mean(y)), std if std > 0 else 1.0)

    def transform(self, y: np.ndarray) -> np.ndarray:
        return (np.asarray(y, dtype=np.float64) - self.mean) / self.std

    def inverse(self, z: np.ndarray) -> np.ndarray:
        return np.asarray(z, dtype=np.float64) * self.std + self.mean
