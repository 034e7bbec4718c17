"""``random``: a seeded random score per cell, the floor every predictor must beat."""

from __future__ import annotations

import hashlib

import numpy as np

from nasbench_suite import Architectures, FitContext, Predictor


class RandomPredictor(Predictor):
    """Scores each cell with a uniform number derived from (seed, cell id).

    The score depends only on the cell and the seed, so it is deterministic and consistent under
    any reordering of the cells, as the conformance kit requires.
    """

    name = "random"
    description = "uniform random scores (seeded per cell): the chance baseline"
    needs = frozenset()
    fast = True

    def __init__(self, random_state: int = 0) -> None:
        self.random_state = random_state

    def fit(self, archs: Architectures, y: np.ndarray | None, context: FitContext | None = None) -> RandomPredictor:
        self.fitted_ = True
        return self

    def predict(self, archs: Architectures) -> np.ndarray:
        seed = str(self.random_state).encode()
        digests = [hashlib.blake2b(str(cell).encode(), key=seed, digest_size=8).digest() for cell in archs.ids]
        return np.frombuffer(b"".join(digests), dtype=np.uint64).astype(np.float64) / 2.0**64
