"""The predictor that guides a search, as a strategy sees it.

A :class:`Guide` fits copies of the predictor named by ``--predictor`` the way the harness fits
predictors (evaluated cells and their values; an unlabelled pool of unevaluated cells for a
predictor that needs one; the run's context), and scores cells with them, checked. It offers what
acquisition functions need:

* :meth:`Guide.fit` — one fitted copy;
* :meth:`Guide.fit_ensemble` — ``size`` copies, each fitted on a bootstrap resample of the evaluated
  cells with its own seed (the spread of their scores is the uncertainty);
* :meth:`Guide.distribution` — the mean and standard deviation of the scores of a cell: across the
  ensemble, or the predictor's own uncertainty (an optional ``predict_with_std(archs) -> (mean,
  std)``, e.g. a random forest's spread over its trees) when there is one member.

A label-free predictor (a zero-cost proxy, a hypernetwork, a cost such as the parameter count) learns
nothing from the look-ups: it is fitted once, on every cell that has a value, and acts as a fixed
prior; its scores are computed once per cell. Its scores predict the target itself, so where the
search minimises the target (a latency: the values the search sees are negated) they are turned
round too (``sign=-1``), and higher always means better.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nasbench_suite.contracts.architectures import Architectures
from nasbench_suite.contracts.predictor import Predictor, check_predictions
from nasbench_suite.errors import PredictorError

#: How the harness fits a copy of the predictor: ``(predictor, cells, values) -> fitted``.
FitFunction = Callable[[Predictor, np.ndarray, np.ndarray], Predictor]


class Guide:
    """The guiding predictor of one search."""

    def __init__(
        self, predictor: Predictor, archs: Architectures, fit: FitFunction, pool: np.ndarray, sign: float = 1.0
    ) -> None:
        self.predictor = predictor
        #: -1.0 where the search minimises the target: a fixed prior's scores are negated.
        self.sign = float(sign)
        self._archs = archs
        self._fit = fit
        self._pool = np.asarray(pool, dtype=np.int64)  # cells with a value: what a prior is fitted on
        self._prior: Predictor | None = None
        self._prior_scores = np.full(len(archs), np.nan)

    @property
    def needs_labels(self) -> bool:
        """False for a label-free predictor, a fixed prior that learns nothing from look-ups."""
        return "labels" in self.predictor.needs

    @property
    def has_uncertainty(self) -> bool:
        """Whether the predictor reports its own uncertainty (``predict_with_std``)."""
        return callable(getattr(self.predictor, "predict_with_std", None))

    def fit(self, cells: np.ndarray, values: np.ndarray, seed: int | None = None) -> Predictor:
        """A fitted copy of the predictor on ``cells`` and their ``values`` (``seed``: its
        ``random_state``, where it takes one). A label-free predictor is fitted once, on every cell."""
        if not self.needs_labels:
            if self._prior is None:
                self._prior = self._fit(self.predictor.clone(), self._pool, np.zeros(len(self._pool)))
            return self._prior
        member = self.predictor.clone()
        if seed is not None and "random_state" in member.param_names():
            member.set_params(random_state=seed)
        return self._fit(member, np.asarray(cells, dtype=np.int64), np.asarray(values, dtype=np.float64))

    def fit_ensemble(
        self, cells: np.ndarray, values: np.ndarray, size: int, rng: np.random.Generator
    ) -> list[Predictor]:
        """``size`` copies fitted on bootstrap resamples of ``cells`` (one copy, on all of them, for
        ``size`` 1 or a label-free predictor)."""
        if size <= 1 or not self.needs_labels:
            return [self.fit(cells, values)]
        cells, values = np.asarray(cells, dtype=np.int64), np.asarray(values, dtype=np.float64)
        base = int(self.predictor.get_params().get("random_state", 0) or 0)
        members = []
        for k in range(size):
            rows = rng.integers(len(cells), size=len(cells))
            members.append(self.fit(cells[rows], values[rows], seed=base * 1009 + k + 1))
        return members

    def score(self, fitted: Predictor, cells: np.ndarray) -> np.ndarray:
        """``fitted``'s scores of ``cells``: one finite float each (else a :class:`PredictorError`)."""
        cells = np.asarray(cells, dtype=np.int64)
        if fitted is self._prior:
            todo = cells[np.isnan(self._prior_scores[cells])]
            if len(todo):
                self._prior_scores[todo] = check_predictions(fitted.predict(self._archs[todo]), len(todo))
            return self.sign * self._prior_scores[cells]
        return check_predictions(fitted.predict(self._archs[cells]), len(cells))

    def distribution(self, members: list[Predictor], cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and standard deviation of the members' scores of ``cells``; with one member that
        reports its own uncertainty, that member's."""
        cells = np.asarray(cells, dtype=np.int64)
        if len(members) == 1 and members[0] is not self._prior and self.has_uncertainty:
            mean, std = members[0].predict_with_std(self._archs[cells])
            mean, std = check_predictions(mean, len(cells)), check_predictions(std, len(cells))
            if (std < 0).any():
                raise PredictorError("predict_with_std returned negative standard deviations")
            return mean, std
        scores = np.stack([self.score(member, cells) for member in members])
        return scores.mean(axis=0), scores.std(axis=0)
