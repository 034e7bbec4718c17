"""nasbench-suite: benchmark NAS architecture-performance predictors, zero-cost proxies and search
strategies on real NAS-Bench tables.

Everything a plugin needs is importable from here (``from nasbench_suite import Predictor``), and
first-party plugins import nothing else from the core; the reference is ``docs/plugins.md``.
The data-support names that need PyTorch (images, checkpoints) are loaded on first use, so that
registering plugins stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

from nasbench_suite._version import __version__
from nasbench_suite.compat import aliases as _aliases
from nasbench_suite.compat.removed import REMOVED_NAMES as _REMOVED_NAMES
from nasbench_suite.contracts.architectures import INPUT, OUTPUT, PAD, Architectures, SearchSpace, from_lists
from nasbench_suite.contracts.benchmark import Benchmark, BenchmarkTable
from nasbench_suite.contracts.claims import Claim
from nasbench_suite.contracts.context import SuiteContext
from nasbench_suite.contracts.guide import Guide
from nasbench_suite.contracts.hookspecs import hookimpl
from nasbench_suite.contracts.network_builder import GeneratedWeight, GeneratesWeights, NetworkBuilder
from nasbench_suite.contracts.predictor import FitContext, Predictor, check_predictions, suite_of
from nasbench_suite.contracts.published import PublishedResult
from nasbench_suite.contracts.strategy import ParetoTask, SearchStrategy, SearchTask
from nasbench_suite.data.cache import CACHE_ENV, cache_dir
from nasbench_suite.data.columns import file_row, numeric_columns, read_frame
from nasbench_suite.data.files import file_identity
from nasbench_suite.deprecation import SuiteDeprecationWarning
from nasbench_suite.deprecation import warn as _warn
from nasbench_suite.errors import (
    AmbiguousNameError,
    ConfigError,
    ContractError,
    DataFileError,
    PluginError,
    PredictorError,
    ResultsError,
    StrategyError,
    SuiteError,
    UnknownNameError,
)
from nasbench_suite.metrics import hypervolume, kendall_tau, pareto_mask, precision_at_k, spearman
from nasbench_suite.registry.suite import load_suite
from nasbench_suite.specs import Spec, parse_options, parse_spec

#: Names loaded on first use, with the module that defines them (they import PyTorch).
_LAZY = {
    "DATA_ENV": "nasbench_suite.data.images",
    "ImageBatch": "nasbench_suite.data.images",
    "ImageDataset": "nasbench_suite.data.images",
    "ImageSplit": "nasbench_suite.data.images",
    "augment": "nasbench_suite.data.images",
    "check_split": "nasbench_suite.data.images",
    "image_batch": "nasbench_suite.data.images",
    "open_dataset": "nasbench_suite.data.images",
    "train_eval_split": "nasbench_suite.data.images",
    "load_checkpoint": "nasbench_suite.data.checkpoints",
    "save_checkpoint": "nasbench_suite.data.checkpoints",
    "settings_digest": "nasbench_suite.data.checkpoints",
}


def __getattr__(name: str) -> Any:
    if name in _REMOVED_NAMES:  # deprecated: warn at each import or look-up, never cached
        _warn(name, stacklevel=2)
        return _REMOVED_NAMES[name]
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'nasbench_suite' has no attribute {name!r}")


_aliases.install()


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    # contracts
    "Architectures",
    "Benchmark",
    "BenchmarkTable",
    "Claim",
    "FitContext",
    "GeneratedWeight",
    "GeneratesWeights",
    "Guide",
    "INPUT",
    "NetworkBuilder",
    "OUTPUT",
    "PAD",
    "ParetoTask",
    "Predictor",
    "PublishedResult",
    "SearchSpace",
    "SearchStrategy",
    "SearchTask",
    "SuiteContext",
    "check_predictions",
    "from_lists",
    "hookimpl",
    "load_suite",
    "suite_of",
    # errors
    "AmbiguousNameError",
    "ConfigError",
    "ContractError",
    "DataFileError",
    "PluginError",
    "PredictorError",
    "ResultsError",
    "StrategyError",
    "SuiteError",
    "UnknownNameError",
    "SuiteDeprecationWarning",
    # specs and metrics
    "Spec",
    "hypervolume",
    "kendall_tau",
    "parse_options",
    "pareto_mask",
    "parse_spec",
    "precision_at_k",
    "spearman",
    # data support
    "CACHE_ENV",
    "cache_dir",
    "file_identity",
    "file_row",
    "numeric_columns",
    "read_frame",
    *_LAZY,
    "__version__",
]
