"""The predictor contract, in the style of scikit-learn estimators.

* ``__init__`` takes keyword hyper-parameters only, stores them under the same names and does no
  work (see :mod:`nasbench_suite.contracts.configurable`). If it accepts ``random_state`` the
  harness sets it to the run's seed; if it accepts ``device`` the harness sets it to the run's
  device (``cpu`` or ``cuda``).
* ``fit(archs, y, context)`` learns from training cells and returns ``self``; fitted state lives
  in attributes ending in ``_``.
* ``predict(archs)`` returns one finite float per cell (higher means better) and changes nothing.
* ``needs`` declares what the harness must supply: see :data:`KNOWN_NEEDS`. A predictor without
  ``"labels"`` (a zero-cost proxy) is called with ``y=None``.
* ``validate()`` (optional) checks the hyper-parameters and any files they name; the harness calls
  it before any run starts, so a bad option fails the whole command at once with exit code 2.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from nasbench_suite.contracts.architectures import Architectures
from nasbench_suite.contracts.configurable import Configurable
from nasbench_suite.errors import ConfigError, PredictorError

if TYPE_CHECKING:
    from nasbench_suite.contracts.context import SuiteContext

#: What a predictor may declare in ``needs``. ``cost:<name>`` asks for a per-cell cost column.
KNOWN_NEEDS = frozenset({"labels", "unlabelled", "device"})
COST_NEED_PREFIX = "cost:"


def is_known_need(need: str) -> bool:
    return need in KNOWN_NEEDS or (need.startswith(COST_NEED_PREFIX) and len(need) > len(COST_NEED_PREFIX))


def cost_needs(needs: frozenset[str]) -> list[str]:
    """The cost columns ``needs`` asks for (``cost:params`` -> ``params``), sorted."""
    return sorted(need[len(COST_NEED_PREFIX) :] for need in needs if need.startswith(COST_NEED_PREFIX))


@dataclass(frozen=True)
class FitContext:
    """Extra inputs the harness hands to ``fit``.

    Attributes:
        unlabelled: cells of the same benchmark without labels (never the test cells); filled when
            the predictor declares the need ``"unlabelled"``.
        suite: the run's access to the other plugins (network builders, tables, predictors), for
            predictors built on another plugin's contribution. Always filled by the harness.
    """

    unlabelled: Architectures | None = None
    suite: SuiteContext | None = None


class Predictor(Configurable, abc.ABC):
    """Base class of every predictor and zero-cost proxy.

    Subclasses set ``name`` (the registry name, e.g. ``"onehot-xgb"``) and may set ``needs``,
    ``fast`` and ``description``.
    """

    needs: ClassVar[frozenset[str]] = frozenset({"labels"})
    #: True when fit + predict on a few thousand cells takes seconds on a CPU; such predictors
    #: make up the default suite of ``nasbench-suite run``.
    fast: ClassVar[bool] = False
    harness_options = ("random_state", "device")
    kind_label = "predictor"

    @classmethod
    def harness_params(cls, seed: int, device: str) -> dict[str, Any]:
        """The hyper-parameters the harness sets: ``random_state`` and ``device``, where accepted."""
        names = cls.param_names()
        given = {"random_state": seed, "device": device}
        return {name: value for name, value in given.items() if name in names}

    @abc.abstractmethod
    def fit(self, archs: Architectures, y: np.ndarray | None, context: FitContext | None = None) -> Predictor:
        """Learn from ``archs`` and their targets ``y`` (``None`` for label-free predictors)."""

    @abc.abstractmethod
    def predict(self, archs: Architectures) -> np.ndarray:
        """Return an ``(len(archs),)`` float array of scores; higher means better."""


def check_predictions(predictions: object, expected: int) -> np.ndarray:
    """Enforce the predict contract: ``expected`` finite floats (else :class:`PredictorError`)."""
    try:
        values = np.asarray(predictions, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise PredictorError(f"predict must return numbers ({exc})") from None
    if values.shape != (expected,):
        raise PredictorError(f"predict returned shape {values.shape}; expected ({expected},)")
    if not np.all(np.isfinite(values)):
        raise PredictorError(f"predict returned {int((~np.isfinite(values)).sum())} non-finite values")
    return values


def suite_of(context: FitContext | None, who: str) -> SuiteContext:
    """The suite context handed to ``fit``, or a :class:`ConfigError` saying that ``who`` needs it."""
    if context is None or context.suite is None:
        raise ConfigError(
            f"{who} builds on other plugins and needs the suite's context: fit it through the harness, "
            "or pass FitContext(suite=...) (nasbench_suite.load_suite() gives one)"
        )
    return context.suite
