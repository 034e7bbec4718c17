"""nasbench-suite: benchmark architecture-performance predictors on real NAS-Bench tables.

The public API a plugin needs lives here; see README.md for the plugin author guide.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from nasbench_suite.architectures import Architectures, SearchSpace, from_lists
from nasbench_suite.benchmark import Benchmark, BenchmarkTable, benchmark_table
from nasbench_suite.errors import (
    ConfigError,
    DataFileError,
    PluginError,
    PredictorError,
    ResultsError,
    SuiteError,
    UnknownNameError,
)
from nasbench_suite.hookspecs import hookimpl
from nasbench_suite.networks import NetworkBuilder, network_builder
from nasbench_suite.predictor import FitContext, Predictor
from nasbench_suite.search import SearchStrategy

try:
    __version__ = version("nasbench-suite")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "Architectures",
    "Benchmark",
    "BenchmarkTable",
    "ConfigError",
    "DataFileError",
    "FitContext",
    "NetworkBuilder",
    "PluginError",
    "Predictor",
    "PredictorError",
    "ResultsError",
    "SearchSpace",
    "SearchStrategy",
    "SuiteError",
    "UnknownNameError",
    "__version__",
    "benchmark_table",
    "from_lists",
    "hookimpl",
    "network_builder",
]
