"""Trained weights on disk, for plugins that train something once and reuse it (a supernet, a
graph hypernetwork): written atomically, read with ``torch.load(weights_only=True)`` (nothing in a
user-supplied file is ever unpickled), and refused with a one-line error naming the file when it is
truncated, foreign, or was trained with other settings."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from pathlib import Path
from typing import Any

import torch
from torch import nn

from nasbench_suite.errors import DataFileError


def settings_digest(settings: dict[str, Any]) -> str:
    """A short name for a set of settings (JSON-serialisable values), e.g. for a checkpoint file."""
    return hashlib.sha1(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]


def save_checkpoint(model: nn.Module, settings: dict[str, Any], path: Path) -> None:
    """Write ``model``'s weights and the ``settings`` they were trained with; a crash leaves the
    old file or none, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    torch.save({"config": settings, "state": model.state_dict()}, partial)
    os.replace(partial, path)


def load_checkpoint(model: nn.Module, settings: dict[str, Any], path: Path, what: str) -> nn.Module:
    """Load weights saved for exactly ``settings`` into ``model`` (``what`` names the kind of
    checkpoint in errors, e.g. "supernet")."""
    kind = f"not a {what} checkpoint of this suite"
    try:
        saved = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:  # weights_only met something other than tensors and plain data
        raise DataFileError(path, f"{kind} (it holds Python objects; refused to unpickle them)") from None
    except Exception as exc:  # torch raises many types for truncated or foreign files
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise DataFileError(path, f"{kind} ({type(exc).__name__}: {first_line})") from None
    stored = saved.get("config") if isinstance(saved, dict) else None
    state = saved.get("state") if isinstance(saved, dict) else None
    if not isinstance(stored, dict) or not isinstance(state, dict):
        raise DataFileError(path, f"{kind} (expected a dict with 'config' and 'state')")
    if stored != settings:
        changed = sorted(k for k in settings if stored.get(k) != settings[k])
        raise DataFileError(path, f"checkpoint was trained with different settings ({', '.join(changed)})")
    try:
        model.load_state_dict(state)
    except RuntimeError as exc:
        raise DataFileError(path, f"weights do not fit the {what} ({' '.join(str(exc).split())})") from None
    return model.eval()
