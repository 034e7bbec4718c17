"""The predictor contract, in the style of scikit-learn estimators.

* ``__init__`` takes keyword hyper-parameters only, stores them under the same names and does no
  work. If it accepts ``random_state`` the harness sets it to the run's seed; if it accepts
  ``device`` the harness sets it to the run's device (``cpu`` or ``cuda``).
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
import copy
import inspect
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from nasbench_suite.architectures import Architectures

#: What a predictor may declare in ``needs``. ``cost:<name>`` asks for a per-cell cost column.
KNOWN_NEEDS = frozenset({"labels", "unlabelled", "device"})
COST_NEED_PREFIX = "cost:"


def is_known_need(need: str) -> bool:
    return need in KNOWN_NEEDS or (need.startswith(COST_NEED_PREFIX) and len(need) > len(COST_NEED_PREFIX))


@dataclass(frozen=True)
class FitContext:
    """Extra inputs the harness hands to ``fit``, filled only where the predictor declared a need.

    Attributes:
        unlabelled: cells of the same benchmark without labels (never the test cells).
    """

    unlabelled: Architectures | None = None


class Predictor(abc.ABC):
    """Base class of every predictor and zero-cost proxy.

    Subclasses set ``name`` (the registry name, e.g. ``"onehot-xgb"``) and may set ``needs`` and
    ``description``.
    """

    name: ClassVar[str]
    description: ClassVar[str] = ""
    needs: ClassVar[frozenset[str]] = frozenset({"labels"})
    #: True when fit + predict on a few thousand cells takes seconds on a CPU; such predictors
    #: make up the default suite of ``nasbench-suite run``.
    fast: ClassVar[bool] = False

    @classmethod
    def param_names(cls) -> list[str]:
        """Names of the keyword hyper-parameters accepted by ``__init__``."""
        signature = inspect.signature(cls.__init__)
        names = []
        for parameter in list(signature.parameters.values())[1:]:
            if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                raise TypeError(f"predictor {cls.__name__}: __init__ must not take *args or **kwargs")
            names.append(parameter.name)
        return names

    @classmethod
    def harness_params(cls, seed: int, device: str) -> dict[str, Any]:
        """The hyper-parameters the harness sets: ``random_state`` and ``device``, where accepted."""
        names = cls.param_names()
        given = {"random_state": seed, "device": device}
        return {name: value for name, value in given.items() if name in names}

    def get_params(self) -> dict[str, Any]:
        """The hyper-parameters, read back from attributes of the same names."""
        return {name: getattr(self, name) for name in self.param_names()}

    def set_params(self, **params: Any) -> Predictor:
        valid = set(self.param_names())
        for key, value in params.items():
            if key not in valid:
                raise ValueError(
                    f"predictor {self.name!r}: unknown hyper-parameter {key!r}; expected one of {sorted(valid)}"
                )
            setattr(self, key, value)
        return self

    def validate(self) -> None:  # noqa: B027 - an optional hook; the default accepts everything
        """Raise :class:`~nasbench_suite.errors.ConfigError` (or ``DataFileError``) naming the option
        and what was expected if this configuration cannot run. Must be cheap; the default accepts
        everything."""

    def clone(self) -> Predictor:
        """A new unfitted predictor with the same hyper-parameters."""
        return type(self)(**copy.deepcopy(self.get_params()))

    @abc.abstractmethod
    def fit(self, archs: Architectures, y: np.ndarray | None, context: FitContext | None = None) -> Predictor:
        """Learn from ``archs`` and their targets ``y`` (``None`` for label-free predictors)."""

    @abc.abstractmethod
    def predict(self, archs: Architectures) -> np.ndarray:
        """Return an ``(len(archs),)`` float array of scores; higher means better."""

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"
