"""The suite's one error hierarchy.

Every error the suite raises on purpose derives from :class:`SuiteError`; its message names the
plugin, benchmark, file or option at fault and says what was expected, so the command line prints
it on one line without a traceback. Configuration errors (:class:`ConfigError` and its subclasses)
exit with status 2, every other :class:`SuiteError` with status 1.

Plugins raise :class:`ConfigError` for a bad option value, :class:`DataFileError` for a bad file;
the harness raises the contract errors when a plugin breaks its contract.
"""

from __future__ import annotations


class SuiteError(Exception):
    """Base class of every error the suite raises deliberately."""


class ConfigError(SuiteError, ValueError):
    """An option or configuration value is invalid (raised before any work starts)."""


class UnknownNameError(ConfigError, KeyError):
    """A predictor, benchmark, strategy or network-builder name is not registered; the message lists
    the valid names."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class AmbiguousNameError(ConfigError):
    """Two plugins that are not part of the suite register the same name; the message names both."""


class PluginError(SuiteError):
    """A plugin failed to import, registered a bad class, or raised where the suite called it
    outside a run (loading a table, validating options)."""


class DataFileError(SuiteError):
    """A data file is missing, truncated, corrupt or has the wrong schema.

    ``DataFileError(path, problem)`` reads ``"<path>: <problem>"``; ``DataFileError(message)``
    takes a message that already names the file.
    """

    def __init__(self, path: object, problem: str | None = None) -> None:
        self.path = str(path)
        self.problem = problem if problem is not None else ""
        super().__init__(f"{self.path}: {problem}" if problem is not None else self.path)


class ContractError(SuiteError):
    """A plugin broke its contract during a run (the run is recorded as failed)."""


class PredictorError(ContractError):
    """A predictor broke its contract (fit did not return self, wrong output length, non-finite
    values, ...)."""


class StrategyError(ContractError):
    """A search strategy broke its contract (evaluated a cell twice, past its budget, a cell without
    a value, ...)."""


class ResultsError(SuiteError):
    """A results file cannot be read or written."""


def first_line(error: BaseException) -> str:
    """``"ImportError: cannot import name ..."``: an exception's kind and the first line of its
    message, as listings show a plugin that failed."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
