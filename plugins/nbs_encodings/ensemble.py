"""``ensemble``: a meta-predictor over any registered predictors (the idea of White et al. 2021's OMNI:
predictors that err differently are better together).

``members`` lists member specs joined by ``+``; a member's own options are joined by ``;``
(``ensemble:members=graf-zcp-xgb;zc_source=recorded+gnn-transformer;steps=1000``). Every member is
built by the suite with the run's seed and device and fitted on the same labelled cells. Two ways to
combine them (``combine``):

* ``mean`` (default): the mean of the members' standardised predictions, each member standardised by
  the mean and spread of its own predictions on the training cells (so no member dominates by scale);
* ``stack``: non-negative weights fitted by least squares to the members' out-of-fold predictions on
  the training cells (``folds``-fold cross-fitting, so each member is fitted ``folds + 1`` times), then
  the members refitted on every training cell. The refitted members' predictions are standardised by
  the out-of-fold means and spreads the weights were fitted on (in-sample predictions of a member that
  overfits spread more). Stacking learns to lean on the better member, at ``folds + 1`` times the cost.

A member's ``cost:`` needs are checked when it is fitted, not when a study is planned (the harness
plans with the ensemble's own needs): a member needing a cost the table lacks fails every run.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from nasbench_suite import (
    Architectures,
    ConfigError,
    FitContext,
    Predictor,
    SuiteContext,
    check_predictions,
    parse_spec,
    suite_of,
)

COMBINE = ("mean", "stack")
#: Needs a member may have: the ensemble passes labels and the device on, and cells carry their costs.
PASSED_ON = frozenset({"labels", "device"})


def member_specs(members: str) -> list[str]:
    """``"a;x=1+b"`` -> ``["a:x=1", "b"]``."""
    specs = []
    for text in filter(None, (part.strip() for part in str(members).split("+"))):
        name, _, options = text.partition(";")
        specs.append(f"{name}:{options.replace(';', ',')}" if options else name)
    return specs


class EnsemblePredictor(Predictor):
    name = "ensemble"
    description = "ensemble of any registered predictors (members=a+b; mean of standardised predictions or stacking)"
    needs = frozenset({"labels", "device"})

    def __init__(
        self, members: str = "", combine: str = "mean", folds: int = 5, random_state: int = 0, device: str = "cpu"
    ) -> None:
        self.members = members
        self.combine = combine
        self.folds = folds
        self.random_state = random_state
        self.device = device

    def validate(self, context: SuiteContext | None = None) -> None:
        specs = member_specs(self.members)
        if len(specs) < 2:
            raise ConfigError(f"members needs at least two predictor specs joined by '+' "
                              f"(got {self.members!r})")  # fmt: skip
        if self.combine not in COMBINE:
            raise ConfigError(f"combine must be one of {', '.join(COMBINE)} "
                              f"(got {self.combine!r})")  # fmt: skip
        if self.combine == "stack" and self.folds < 2:
            raise ConfigError(f"folds must be at least 2 (got {self.folds})")
        if context is None:
            return
        for spec in specs:
            member = self._member(context, spec)
            extra = sorted(need for need in member.needs - PASSED_ON if not need.startswith("cost:"))
            if extra:
                raise ConfigError(f"member {spec} needs {', '.join(extra)}, which an "
                                  "ensemble does not pass on")  # fmt: skip
            member.validate(context) if _takes_context(member) else member.validate()

    def _member(self, suite: SuiteContext, spec: str) -> Predictor:
        try:
            return suite.predictor(parse_spec(spec, f"predictor {self.name} member"), self.random_state, self.device)
        except ConfigError as exc:
            raise ConfigError(f"member {spec}: {exc}") from None

    def _fitted_members(self, archs: Architectures, y: np.ndarray, context: FitContext) -> list[Predictor]:
        suite = suite_of(context, f"predictor {self.name}")
        fitted = []
        for spec in member_specs(self.members):
            member = self._member(suite, spec)
            fitted.append(member.fit(archs, y, FitContext(suite=suite)))
        return fitted

    def fit(self, archs: Architectures, y: np.ndarray | None, context: FitContext | None = None) -> EnsemblePredictor:
        self.validate()
        targets = np.asarray(y, dtype=np.float64)
        context = context or FitContext()
        if self.combine == "stack":
            self.weights_, self.centres_, self.scales_ = self._stacking(archs, targets, context)
        self.members_ = self._fitted_members(archs, targets, context)
        if self.combine == "mean":
            on_train = np.stack([check_predictions(m.predict(archs), len(archs)) for m in self.members_])
            self.centres_, self.scales_ = on_train.mean(axis=1), _spread(on_train)
            self.weights_ = np.full(len(self.members_), 1.0 / len(self.members_))
        return self

    def _stacking(
        self, archs: Architectures, y: np.ndarray, context: FitContext
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The members' weights, and the centres and spreads of their out-of-fold predictions."""
        from scipy.optimize import nnls
        from sklearn.model_selection import KFold

        if len(archs) < 2:
            raise ConfigError(f"combine=stack needs at least 2 training cells (got {len(archs)})")
        folds = min(self.folds, len(archs))
        out_of_fold = np.zeros((len(member_specs(self.members)), len(archs)))
        for train, held in KFold(folds, shuffle=True, random_state=self.random_state).split(np.arange(len(archs))):
            members = self._fitted_members(archs[train], y[train], context)
            for row, member in enumerate(members):
                out_of_fold[row, held] = check_predictions(member.predict(archs[held]), len(held))
        centres, spreads = out_of_fold.mean(axis=1), _spread(out_of_fold)
        standardised = (out_of_fold - centres[:, None]) / spreads[:, None]
        weights, _ = nnls(standardised.T, (y - y.mean()) / (y.std() or 1.0))
        weights = weights / weights.sum() if weights.sum() > 0 else np.full(len(weights), 1.0 / len(weights))
        return weights, centres, spreads

    def predict(self, archs: Architectures) -> np.ndarray:
        if not len(archs):
            return np.zeros(0)
        predictions = np.stack([check_predictions(m.predict(archs), len(archs)) for m in self.members_])
        standardised = (predictions - self.centres_[:, None]) / self.scales_[:, None]
        return self.weights_ @ standardised


def _spread(predictions: np.ndarray) -> np.ndarray:
    """Per member (row), the standard deviation of its predictions (1 where they are constant)."""
    spread = predictions.std(axis=1)
    return np.where(spread > 0, spread, 1.0)


def _takes_context(predictor: Any) -> bool:
    return len(inspect.signature(predictor.validate).parameters) >= 1
