"""The scoring protocol: one run = (benchmark, target, predictor, train size, seed).

Splits depend only on the benchmark, target, seed and sizes, never on the predictor, so every
predictor is scored on the same cells (paired comparisons). Within a seed the training sets of
different sizes are nested and the test set is the same.
"""

from __future__ import annotations

import json
import logging
import platform
import traceback
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

import numpy as np

import nasbench_suite
from nasbench_suite.benchmark import Benchmark, BenchmarkTable
from nasbench_suite.errors import ConfigError, DataFileError, PredictorError
from nasbench_suite.measure import measured
from nasbench_suite.metrics import score_predictions
from nasbench_suite.predictor import COST_NEED_PREFIX, FitContext, Predictor
from nasbench_suite.registry import Registry
from nasbench_suite.specs import Spec

log = logging.getLogger(__name__)

HARNESS_PARAMS = ("random_state", "device")


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines one run; its :meth:`key` identifies the run for resuming."""

    benchmark: str
    target: str
    predictor: str
    train_size: int
    test_size: int
    seed: int
    device: str = "cpu"
    unlabelled_size: int = 0
    #: Also score the predictions on the training cells (``train_kendall_tau``, ...): how well a
    #: predictor fitted to noisy estimates ranks the very cells it was fitted on.
    score_train: bool = False

    def key(self) -> str:
        fields = asdict(self)
        if not self.score_train:  # keeps the keys of runs recorded before the option existed
            del fields["score_train"]
        return json.dumps(fields, sort_keys=True)


@dataclass(frozen=True)
class Split:
    train: np.ndarray
    test: np.ndarray
    unlabelled: np.ndarray


def run_rng(seed: int, benchmark: str) -> np.random.Generator:
    """The random generator of one run: determined by the seed and the benchmark alone."""
    return np.random.default_rng([seed, zlib.crc32(benchmark.encode())])


def make_split(
    pool: np.ndarray, benchmark: str, seed: int, train_size: int, test_size: int, unlabelled_size: int = 0
) -> Split:
    """Deterministic disjoint test / train / unlabelled cells drawn from ``pool``."""
    needed = test_size + train_size + unlabelled_size
    if needed > len(pool):
        raise ConfigError(
            f"benchmark {benchmark}: {needed} cells needed (test {test_size} + train {train_size} + "
            f"unlabelled {unlabelled_size}) but only {len(pool)} have the target"
        )
    order = run_rng(seed, benchmark).permutation(pool)
    return Split(
        test=order[:test_size],
        train=order[test_size : test_size + train_size],
        unlabelled=order[test_size + train_size : needed],
    )


class Suite:
    """Resolves specs to plugin instances, caches loaded tables, and executes runs."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._tables: dict[str, BenchmarkTable] = {}

    def benchmark(self, spec: Spec) -> Benchmark:
        entry = self.registry.benchmarks.get(spec.name)
        try:
            return entry.cls(**spec.options)
        except TypeError as exc:
            raise ConfigError(f"benchmark {spec.name}: invalid options {spec.options} ({exc})") from None

    def table(self, spec: Spec) -> BenchmarkTable:
        key = str(spec)
        if key not in self._tables:
            self._tables[key] = self.benchmark(spec).load()
        return self._tables[key]

    def predictor_class(self, name: str) -> type[Predictor]:
        return self.registry.predictors.get(name).cls

    def check_predictor_options(self, spec: Spec, device: str = "cpu") -> None:
        """Option names, then the predictor's own :meth:`Predictor.validate` of their values."""
        cls = self.predictor_class(spec.name)
        valid = cls.param_names()
        for key in spec.options:
            if key in HARNESS_PARAMS:
                raise ConfigError(f"predictor {spec.name}: {key!r} is set by the harness (use --seeds / --device)")
            if key not in valid:
                raise ConfigError(
                    f"predictor {spec.name}: unknown option {key!r}; expected one of "
                    f"{', '.join(p for p in valid if p not in HARNESS_PARAMS) or '(none)'}"
                )
        try:
            self.build_predictor(spec, seed=0, device=device).validate()
        except (ConfigError, DataFileError) as exc:
            raise ConfigError(f"predictor {spec}: {exc}") from None

    def missing_needs(self, predictor: str, table: BenchmarkTable) -> list[str]:
        """Needs of ``predictor`` that ``table`` cannot satisfy (e.g. a cost it lacks)."""
        cls = self.predictor_class(predictor)
        return [
            need
            for need in sorted(cls.needs)
            if need.startswith(COST_NEED_PREFIX) and need[len(COST_NEED_PREFIX) :] not in table.archs.costs
        ]

    def build_predictor(self, spec: Spec, seed: int, device: str) -> Predictor:
        cls = self.predictor_class(spec.name)
        return cls(**spec.options, **cls.harness_params(seed, device))

    def execute(self, config: RunConfig, benchmark_spec: Spec, predictor_spec: Spec) -> dict[str, Any]:
        """Run the protocol once and return the record (status ``error`` if the predictor failed)."""
        record = _record_header(config, benchmark_spec, predictor_spec)
        record["plugins"] = {
            "benchmark": plugin_provenance(self.registry.benchmarks.get(benchmark_spec.name)),
            "predictor": plugin_provenance(self.registry.predictors.get(predictor_spec.name)),
        }
        table = self.table(benchmark_spec)
        split = make_split(
            table.indices_with(config.target),
            benchmark_spec.name,
            config.seed,
            config.train_size,
            config.test_size,
            config.unlabelled_size,
        )
        targets = table.targets[config.target]
        predictor = self.build_predictor(predictor_spec, config.seed, config.device)
        record["predictor_params"] = _jsonable(predictor.get_params())
        stage = "fit"
        try:
            y_train = targets[split.train] if "labels" in predictor.needs else None
            context = FitContext(unlabelled=table.archs[split.unlabelled] if "unlabelled" in predictor.needs else None)
            train_archs = table.archs[split.train]
            cuda = _cuda_peak_tracker(config.device)
            with measured() as fit_cost:
                returned = predictor.fit(train_archs, y_train, context)
            if returned is not predictor:
                raise PredictorError(f"fit returned {type(returned).__name__}, expected self")
            stage = "predict"
            test_archs = table.archs[split.test]
            with measured() as predict_cost:
                predictions = predictor.predict(test_archs)
            predictions = check_predictions(predictions, len(test_archs))
            if config.score_train:
                train_predictions = check_predictions(predictor.predict(train_archs), len(train_archs))
        except Exception as exc:  # a failing plugin is recorded and isolated
            record.update(
                status="error",
                error=f"predictor {predictor_spec.name} failed in {stage}: {type(exc).__name__}: {exc}",
                traceback="".join(traceback.format_exception(exc)[-6:]),
            )
            log.warning(record["error"])
        else:
            scores = score_predictions(targets[split.test], predictions)
            if config.score_train:
                train_scores = score_predictions(targets[split.train], train_predictions, top_k=())
                scores.update({f"train_{name}": value for name, value in train_scores.items()})
            record.update(
                status="ok",
                error=None,
                **{name: (None if np.isnan(value) else value) for name, value in scores.items()},
                undefined_metrics=sorted(name for name, value in scores.items() if np.isnan(value)),
                fit_seconds=fit_cost.seconds,
                predict_seconds=predict_cost.seconds,
                peak_rss_mb=max(fit_cost.peak_rss_mb, predict_cost.peak_rss_mb),
                peak_cuda_mb=cuda() if cuda else None,
            )
        record["finished_at"] = _now()
        return record


def _record_header(config: RunConfig, benchmark_spec: Spec, predictor_spec: Spec) -> dict[str, Any]:
    return {
        "key": config.key(),
        **asdict(config),
        "benchmark_name": benchmark_spec.name,
        "predictor_name": predictor_spec.name,
        "suite_version": nasbench_suite.__version__,
        "python": platform.python_version(),
    }


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def failure_record(config: RunConfig, benchmark_spec: Spec, predictor_spec: Spec, error: str) -> dict[str, Any]:
    """The record of a run that failed outside the predictor's own code: it timed out, its worker
    passed the memory limit or died. Recorded like any failure, and retried on the next invocation."""
    return {
        **_record_header(config, benchmark_spec, predictor_spec),
        "status": "error",
        "error": error,
        "finished_at": _now(),
    }


def check_predictions(predictions: object, expected: int) -> np.ndarray:
    """Enforce the predict contract: ``expected`` finite floats."""
    try:
        values = np.asarray(predictions, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise PredictorError(f"predict must return numbers ({exc})") from None
    if values.shape != (expected,):
        raise PredictorError(f"predict returned shape {values.shape}; expected ({expected},)")
    if not np.all(np.isfinite(values)):
        raise PredictorError(f"predict returned {int((~np.isfinite(values)).sum())} non-finite values")
    return values


def _cuda_peak_tracker(device: str) -> Callable[[], float] | None:
    """On ``cuda``, reset the allocator's peak and return a function reading it (MB)."""
    if device != "cuda":
        return None
    import torch

    torch.cuda.reset_peak_memory_stats()
    return lambda: torch.cuda.max_memory_allocated() / 2**20


def plugin_provenance(entry: Any) -> dict[str, Any]:
    """Which plugin (and distribution, version) contributed a registry entry."""
    return {"plugin": entry.plugin.name, "distribution": entry.plugin.distribution, "version": entry.plugin.version}


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    return {k: (v if isinstance(v, (int, float, str, bool, type(None))) else repr(v)) for k, v in params.items()}
