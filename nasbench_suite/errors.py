"""The suite's one error hierarchy.

Every error the suite raises on purpose derives from :class:`SuiteError`; its message names the
plugin, benchmark, file or option at fault and says what was expected, so the CLI can print it on
one line without a traceback.
"""

from __future__ import annotations


class SuiteError(Exception):
    """Base class of every error the suite raises deliberately."""


class ConfigError(SuiteError, ValueError):
    """A CLI option or configuration value is invalid (raised before any work starts)."""


class PluginError(SuiteError):
    """A plugin failed to import, registered a bad or duplicate name, or raised inside a hook."""


class UnknownNameError(ConfigError, KeyError):
    """A predictor, benchmark or strategy name is not registered; the message lists valid names."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class DataFileError(SuiteError):
    """A data file is missing, truncated, corrupt or has the wrong schema."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class PredictorError(SuiteError):
    """A predictor broke its contract (wrong output length, non-finite values, ...)."""


class ResultsError(SuiteError):
    """A results file cannot be read or written."""
