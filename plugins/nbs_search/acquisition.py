"""Acquisition functions: how a guided search turns the guide's predictive distribution of each
candidate (mean and standard deviation) into the value it ranks candidates by.

* ``greedy``: the mean (pure exploitation; the ablation);
* ``ucb``: the upper confidence bound, mean + ``beta`` x standard deviation;
* ``its``: independent Thompson sampling (BANANAS, White et al., AAAI 2021): one draw per candidate
  from a normal distribution with that mean and standard deviation.

With no uncertainty (one model, standard deviation 0) all three rank by the mean.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

#: ``(mean, std, rng, beta) -> value to maximise``
Acquisition = Callable[[np.ndarray, np.ndarray, np.random.Generator, float], np.ndarray]


def greedy(mean: np.ndarray, std: np.ndarray, rng: np.random.Generator, beta: float) -> np.ndarray:
    return mean


def upper_confidence_bound(mean: np.ndarray, std: np.ndarray, rng: np.random.Generator, beta: float) -> np.ndarray:
    return mean + beta * std


def independent_thompson_sampling(
    mean: np.ndarray, std: np.ndarray, rng: np.random.Generator, beta: float
) -> np.ndarray:
    return rng.normal(mean, std)


ACQUISITIONS: dict[str, Acquisition] = {
    "greedy": greedy,
    "ucb": upper_confidence_bound,
    "its": independent_thompson_sampling,
}


def top(values: np.ndarray, count: int) -> np.ndarray:
    """Positions of the ``count`` largest values, largest first (ties in order)."""
    return np.argsort(-values, kind="stable")[:count]
