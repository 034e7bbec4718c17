"""Real images from the user's CIFAR-10 (or any image-folder dataset), for plugins that run networks:
fixed seeded batches (zero-cost proxies) and indexed images (supernet training).

Accepted layouts, given as a path:

* an image folder with a ``train/`` split: ``train/<class>/<image>`` (JPEG/PNG), as a directory or
  a ``.zip`` of one (e.g. ``cifar10-jpeg.zip``); a folder without ``train/`` is used whole;
* torchvision's CIFAR-10 download: a directory holding ``cifar-10-batches-py/data_batch_1..5``
  (read without unpickling arbitrary objects).

The path comes from the ``data`` option or, when that is empty, the ``NASBENCH_SUITE_CIFAR10``
environment variable. Images are scaled to [0, 1] and normalised with the CIFAR-10 channel
statistics. A batch depends only on the dataset, the batch size and the seed.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from nasbench_suite.errors import ConfigError, DataFileError

DATA_ENV = "NASBENCH_SUITE_CIFAR10"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")
CIFAR10_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR10_STD = (0.2470, 0.2435, 0.2616)


@dataclass(frozen=True)
class ImageBatch:
    """One seeded batch of real images, as zero-cost proxies score networks on it.

    Attributes:
        images: ``(B, 3, H, W)`` float32 tensor, normalised.
        labels: ``(B,)`` int64 tensor of class indices.
        num_classes: how many classes the dataset has.
        fingerprint: a hash of the exact pixels and labels, part of every cache key.
    """

    images: torch.Tensor  # (B, 3, H, W) float32, normalised
    labels: torch.Tensor  # (B,) int64
    num_classes: int
    fingerprint: str  # hash of the exact pixels and labels: part of every cache key


def resolve_data_path(data: str | None, needed_by: str = "zero-cost proxies") -> Path:
    """The dataset path from ``data`` or the environment; errors name ``needed_by``."""
    text = data or os.environ.get(DATA_ENV, "")
    if not text:
        raise ConfigError(
            f"{needed_by}: images needed; pass data=PATH (a CIFAR-10 image folder, a zip of one, or a "
            f"torchvision cifar-10-batches-py directory) or set {DATA_ENV}"
        )
    path = Path(text).expanduser()
    if not path.exists():
        raise DataFileError(path, "not found; expected a CIFAR-10 image folder, a zip of one, or cifar-10-batches-py")
    return path


class _NumpyOnlyUnpickler(pickle.Unpickler):
    """Unpickles the CIFAR-10 python batches (dicts of bytes, lists and numpy arrays) and nothing else."""

    ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
    }

    def find_class(self, module: str, name: str) -> object:
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name}")
        return super().find_class(module, name)


class ImageDataset:
    """An indexable list of (image loader, label) for one dataset path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.classes: list[str] = []
        self._entries: list[tuple[str, int]] = []  # (member name or file path, label)
        self._arrays: np.ndarray | None = None  # torchvision layout: (N, 32, 32, 3) uint8
        self._labels: np.ndarray | None = None
        batches = self._torchvision_dir(path)
        if batches is not None:
            self._read_torchvision(batches)
        elif zipfile.is_zipfile(path):
            try:
                with zipfile.ZipFile(path) as archive:
                    self._index([name for name in archive.namelist() if not name.endswith("/")])
            except (zipfile.BadZipFile, OSError) as exc:
                raise DataFileError(path, f"not a readable zip archive ({exc})") from None
        elif path.is_dir():
            self._index([str(p.relative_to(path)) for p in sorted(path.rglob("*")) if p.is_file()])
        elif path.suffix.lower() == ".zip" and path.is_file():
            raise DataFileError(path, "not a readable zip archive (empty, truncated or corrupt)")
        else:
            raise DataFileError(path, "expected a directory or a .zip image folder")
        if len(self) == 0 or len(self.classes) < 2:
            raise DataFileError(path, "found no images in <split>/<class>/<image> or <class>/<image> layout")

    @staticmethod
    def _torchvision_dir(path: Path) -> list[Path] | None:
        for root in (path, path / "cifar-10-batches-py"):
            files = [root / f"data_batch_{k}" for k in range(1, 6)]
            if path.is_dir() and all(f.is_file() for f in files):
                return files
        return None

    def _read_torchvision(self, files: list[Path]) -> None:
        images, labels = [], []
        for file in files:
            try:
                with open(file, "rb") as handle:
                    batch = _NumpyOnlyUnpickler(handle, encoding="bytes").load()
                images.append(np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32))
                labels.append(np.asarray(batch[b"labels"], dtype=np.int64))
            except (OSError, pickle.UnpicklingError, KeyError, ValueError, EOFError) as exc:
                raise DataFileError(file, f"not a CIFAR-10 python batch ({exc})") from None
        self._arrays = np.concatenate(images).transpose(0, 2, 3, 1)
        self._labels = np.concatenate(labels)
        self.classes = [str(k) for k in range(int(self._labels.max()) + 1)]

    def _index(self, names: list[str]) -> None:
        images = sorted(n for n in names if n.lower().endswith(IMAGE_SUFFIXES))
        train = [n for n in images if n.split("/")[0] == "train"]
        chosen = train or images
        parts = [n.split("/") for n in chosen]
        if any(len(p) < 2 for p in parts):
            raise DataFileError(self.path, "images must sit in class folders (<class>/<image>)")
        self.classes = sorted({p[-2] for p in parts})
        label = {c: k for k, c in enumerate(self.classes)}
        self._entries = [(name, label[p[-2]]) for name, p in zip(chosen, parts)]

    def __len__(self) -> int:
        return len(self._labels) if self._labels is not None else len(self._entries)

    def load(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(len(indices), H, W, 3)`` uint8 images and their labels."""
        if self._arrays is not None:
            return self._arrays[indices], self._labels[indices]
        names = [self._entries[i][0] for i in indices]
        try:
            if zipfile.is_zipfile(self.path):
                with zipfile.ZipFile(self.path) as archive:
                    raw = [archive.read(name) for name in names]
            else:
                raw = [(self.path / name).read_bytes() for name in names]
        except (zipfile.BadZipFile, OSError) as exc:
            raise DataFileError(self.path, f"cannot read images ({exc})") from None
        decoded = []
        for name, data in zip(names, raw):
            try:
                decoded.append(np.asarray(Image.open(io.BytesIO(data)).convert("RGB")))
            except (OSError, ValueError) as exc:
                raise DataFileError(self.path, f"cannot decode images: {name} ({exc}); expected JPEG/PNG") from None
        if len({image.shape for image in decoded}) > 1:
            sizes = sorted({f"{image.shape[1]}x{image.shape[0]}" for image in decoded})
            raise DataFileError(self.path, f"images of different sizes ({', '.join(sizes)}); expected one size")
        pixels = np.stack(decoded)
        return pixels, np.array([self._entries[i][1] for i in indices], dtype=np.int64)


@cache
def _dataset(path: Path) -> ImageDataset:
    return ImageDataset(path)


def open_dataset(data: str | None, needed_by: str = "zero-cost proxies") -> ImageDataset:
    """The dataset at ``data`` (or the environment's path), indexed once per process."""
    return _dataset(resolve_data_path(data, needed_by).resolve())


def normalise(pixels: np.ndarray) -> torch.Tensor:
    """``(N, H, W, 3)`` uint8 -> ``(N, 3, H, W)`` float32 with the CIFAR-10 channel statistics."""
    images = torch.from_numpy(np.ascontiguousarray(pixels)).permute(0, 3, 1, 2).float().div(255.0)
    mean = torch.tensor(CIFAR10_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(CIFAR10_STD).view(1, 3, 1, 1)
    return (images - mean) / std


@cache
def _batch(path: Path, batch_size: int, seed: int) -> ImageBatch:
    dataset = _dataset(path)
    if batch_size < 1 or batch_size > len(dataset):
        raise ConfigError(f"batch_size: expected 1..{len(dataset)} for {path} (got {batch_size})")
    indices = np.sort(np.random.default_rng(seed).choice(len(dataset), size=batch_size, replace=False))
    pixels, labels = dataset.load(indices)
    digest = hashlib.sha1(pixels.tobytes() + labels.tobytes()).hexdigest()[:16]
    return ImageBatch(normalise(pixels), torch.from_numpy(labels), len(dataset.classes), digest)


@dataclass(frozen=True)
class ImageSplit:
    """Disjoint training and evaluation images of one dataset, normalised, on the CPU."""

    train_images: torch.Tensor
    train_labels: torch.Tensor
    eval_images: torch.Tensor
    eval_labels: torch.Tensor
    num_classes: int
    fingerprint: str  # of the training images and labels


def check_split(dataset: ImageDataset, train_images: int, eval_images: int) -> None:
    """Raise :class:`ConfigError` unless ``dataset`` holds that many distinct images."""
    if train_images + eval_images > len(dataset):
        raise ConfigError(
            f"train_images + eval_images = {train_images + eval_images} exceeds the {len(dataset)} images "
            f"of {dataset.path}"
        )


def train_eval_split(
    dataset: ImageDataset, train_images: int, eval_images: int, rng: np.random.Generator
) -> ImageSplit:
    """``train_images`` and ``eval_images`` distinct images of ``dataset``, drawn with ``rng``."""
    check_split(dataset, train_images, eval_images)
    order = rng.permutation(len(dataset))
    train_pixels, train_labels = dataset.load(np.sort(order[:train_images]))
    eval_pixels, eval_labels = dataset.load(np.sort(order[train_images : train_images + eval_images]))
    fingerprint = hashlib.sha1(train_pixels.tobytes() + train_labels.tobytes()).hexdigest()[:16]
    return ImageSplit(
        normalise(train_pixels),
        torch.from_numpy(train_labels),
        normalise(eval_pixels),
        torch.from_numpy(eval_labels),
        len(dataset.classes),
        fingerprint,
    )


def augment(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Random horizontal flips and random 4-pixel-padded crops (the standard CIFAR augmentation)."""
    n, _, h, w = images.shape
    flip = torch.rand(n, generator=generator, device=images.device) < 0.5
    images = torch.where(flip[:, None, None, None], images.flip(3), images)
    padded = torch.nn.functional.pad(images, (4, 4, 4, 4))
    dx, dy = torch.randint(0, 9, (2,), generator=generator, device=images.device).tolist()
    return padded[:, :, dy : dy + h, dx : dx + w]


def image_batch(data: str | None, batch_size: int, seed: int) -> ImageBatch:
    """The seeded batch of ``batch_size`` training images of the dataset at ``data``."""
    return _batch(resolve_data_path(data).resolve(), int(batch_size), int(seed))
