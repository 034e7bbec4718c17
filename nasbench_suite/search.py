"""The search-strategy contract.

A strategy decides which cells to evaluate (look up in the table), one at a time, within a
budget. It returns the cell indices in the order it evaluated them; the harness derives anytime
curves and the sample-efficiency gain from that order.
"""

from __future__ import annotations

import abc
from typing import ClassVar

import numpy as np

from nasbench_suite.benchmark import BenchmarkTable
from nasbench_suite.predictor import Predictor


class SearchStrategy(abc.ABC):
    """Base class of search-strategy plugins; ``__init__`` takes keyword hyper-parameters."""

    name: ClassVar[str]
    description: ClassVar[str] = ""
    uses_predictor: ClassVar[bool] = False

    @abc.abstractmethod
    def search(
        self,
        table: BenchmarkTable,
        target: str,
        budget: int,
        rng: np.random.Generator,
        predictor: Predictor | None = None,
    ) -> np.ndarray:
        """Return the indices of the evaluated cells, in evaluation order (at most ``budget``)."""
