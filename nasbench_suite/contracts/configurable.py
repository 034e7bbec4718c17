"""What predictors, benchmarks and search strategies share: a registry name, a description and
keyword options, in the style of scikit-learn estimators.

``__init__`` takes keyword options only, stores each under its own name and does no heavy work (it
may raise :class:`~nasbench_suite.errors.ConfigError` for a value it cannot accept). A class without
an ``__init__`` of its own takes no options. Options come from the command line
(``NAME:key=value,...``) or a study file; :meth:`Configurable.validate` (optional) checks them
further before any run starts.

Two declarations tell the harness about options that name files:

* ``input_files``: options naming data the plugin reads (images, a TFRecord, a CSV). In a run's key
  such a file is identified by its content (a SHA-256 digest), so the same study run from another
  folder or machine is recognised as the same work; the path is kept in the record for information.
* ``cache_files``: options naming where the plugin keeps what it derives (a checkpoint). They are
  not part of a run's identity: the results do not depend on where the file lives.

Labels on leaderboards show the name and the options that name no file (reports add what tells two
identities apart where their labels would be the same).
"""

from __future__ import annotations

import copy
import inspect
from typing import TYPE_CHECKING, Any, ClassVar

from nasbench_suite.errors import ConfigError

if TYPE_CHECKING:
    from nasbench_suite.contracts.context import SuiteContext


class Configurable:
    """Base of every plugin class that is configured by keyword options."""

    name: ClassVar[str]
    description: ClassVar[str] = ""
    #: Options naming files the plugin reads; identified by content in run keys.
    input_files: ClassVar[tuple[str, ...]] = ()
    #: Options naming where the plugin keeps derived files (checkpoints); not part of run keys.
    cache_files: ClassVar[tuple[str, ...]] = ()
    #: Options the harness sets itself (a user may not set them in a spec).
    harness_options: ClassVar[tuple[str, ...]] = ()
    #: How error messages call this kind of plugin ("predictor", "benchmark", ...).
    kind_label: ClassVar[str] = "plugin"

    @classmethod
    def param_names(cls) -> list[str]:
        """Names of the keyword options accepted by ``__init__`` (none without an ``__init__``)."""
        if cls.__init__ is object.__init__:
            return []
        names = []
        for parameter in list(inspect.signature(cls.__init__).parameters.values())[1:]:
            if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                raise TypeError(f"{cls.kind_label} {cls.__name__}: __init__ must not take *args or **kwargs")
            names.append(parameter.name)
        return names

    @classmethod
    def resolved_options(cls, options: dict[str, Any]) -> dict[str, Any]:
        """``options`` with every other option the user may set at its default: the configuration a
        spec really runs (what identifies a run, so that a changed default is new work)."""
        if cls.__init__ is object.__init__:
            return dict(options)
        defaults = {
            name: parameter.default
            for name, parameter in list(inspect.signature(cls.__init__).parameters.items())[1:]
            if parameter.default is not inspect.Parameter.empty and name not in cls.harness_options
        }
        return {**defaults, **options}

    @classmethod
    def user_options(cls) -> list[str]:
        """The options a user may set (those the harness does not set)."""
        return [name for name in cls.param_names() if name not in cls.harness_options]

    @classmethod
    def check_option_names(cls, options: dict[str, Any]) -> None:
        """Raise :class:`ConfigError` for an option the class does not take, or one the harness sets."""
        valid = cls.param_names()
        for key in options:
            if key in cls.harness_options:
                raise ConfigError(f"{cls.kind_label} {cls.name}: {key!r} is set by the harness")
            if key not in valid:
                raise ConfigError(
                    f"{cls.kind_label} {cls.name}: unknown option {key!r}; expected one of "
                    f"{', '.join(cls.user_options()) or '(none)'}"
                )

    @classmethod
    def from_options(cls, options: dict[str, Any], harness: dict[str, Any] | None = None) -> Configurable:
        """An instance from user ``options`` (names checked first) and the harness's own values."""
        cls.check_option_names(options)
        try:
            return cls(**options, **(harness or {}))
        except TypeError as exc:  # e.g. an __init__ that rejects a value's type by calling it
            raise ConfigError(f"{cls.kind_label} {cls.name}: invalid options {options} ({exc})") from None

    def get_params(self) -> dict[str, Any]:
        """The options, read back from attributes of the same names."""
        return {name: getattr(self, name) for name in self.param_names()}

    def set_params(self, **params: Any) -> Configurable:
        """Set options by name (an unknown name is a ``ValueError`` listing the valid ones); returns self."""
        valid = set(self.param_names())
        for key, value in params.items():
            if key not in valid:
                raise ValueError(
                    f"{self.kind_label} {self.name!r}: unknown option {key!r}; expected one of {sorted(valid)}"
                )
            setattr(self, key, value)
        return self

    def validate(self, context: SuiteContext | None = None) -> None:  # noqa: B027 - optional; accepts all
        """Raise :class:`~nasbench_suite.errors.ConfigError` (or ``DataFileError``) naming the option
        and what was expected if this configuration cannot run. Called before any run starts, with the
        run's context (a ``validate(self)`` without it works too); must be cheap. The default accepts
        everything."""

    def clone(self) -> Configurable:
        """A new, unfitted instance with the same options."""
        return type(self)(**copy.deepcopy(self.get_params()))

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"
