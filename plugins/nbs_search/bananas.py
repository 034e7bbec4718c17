"""BANANAS (White, Neiswanger & Savani, AAAI 2021), the suite's recommended guided search: the one
to reach for, with any registered predictor as its guide.

Each round it fits an ensemble of the guide on bootstrap resamples of the cells evaluated so far,
proposes the unevaluated one-mutation neighbours of the ``parents`` best cells (topped up with
random cells to ``subset`` cells), draws one independent Thompson sample per candidate from the
ensemble's predictive distribution, and evaluates the ``batch`` candidates with the highest draws. It is
``predictor-smart-subset`` with BANANAS' acquisition and its own defaults, plus two choices:

* the uncertainty: a guide that reports its own (``predict_with_std``, a random forest's spread over
  its trees) is fitted once a round, on every evaluated cell, and ``ensemble`` is then unused; any
  other is fitted ``ensemble`` times on bootstrap resamples with their own seeds (BANANAS' ensemble
  of differently seeded networks);
* the batch grows with what is known: ``max(batch, growth x evaluated)`` cells a round, so the guide
  is refitted often while few cells are known and the search reacts at once to a good cell, and a
  search of 1,000 look-ups takes about 65 rounds, not 200.

The defaults were chosen on tuning seeds 1000-1019 of NB201 CIFAR-10 and NB101 only
(``studies/search-defaults-tuning.toml``) and then frozen; ``studies/search-defaults.toml`` reports
them on held-out seeds 0-19 of those two tables and of five never used for tuning
(``results/search-defaults/``, docs/methods/search.md).
"""

from __future__ import annotations

import math

from nasbench_suite import Predictor, SearchTask
from nbs_search.guided import SmartSubsetSearch, check_option


class Bananas(SmartSubsetSearch):
    name = "bananas"
    description = (
        "the recommended guided search (BANANAS): Thompson sampling over an ensemble of the guide, ranking "
        "mutations of the best cells"
    )

    def __init__(
        self,
        initial: int = 10,
        batch: int = 5,
        growth: float = 0.05,
        subset: float = 0.01,
        acquisition: str = "its",
        ensemble: int = 5,
        explore: float = 0.0,
        beta: float = 1.0,
        parents: int = 10,
        proposer: str = "mutation",
    ) -> None:
        super().__init__(initial, batch, subset, acquisition, ensemble, explore, beta, parents, proposer)
        self.growth = growth

    def validate(self) -> None:
        super().validate()
        valid = isinstance(self.growth, (int, float)) and not isinstance(self.growth, bool) and 0 <= self.growth < 1
        check_option(self, "growth", valid, "in [0, 1)")

    def batch_size(self, task: SearchTask) -> int:
        return max(self.batch, math.ceil(self.growth * len(task.evaluated)))

    def fitted(self, task: SearchTask) -> list[Predictor]:
        """One fit of a guide with its own uncertainty, else an ensemble of ``ensemble`` bootstrap fits."""
        size = 1 if task.guide.has_uncertainty else self.ensemble
        return task.guide.fit_ensemble(task.evaluated, task.evaluated_values, size, task.rng)
