"""Ranking jobs: one job = (benchmark, target, predictor, train size, seed), scored for Kendall tau,
Spearman, Pearson and precision@k on held-out cells.

Splits depend only on the benchmark, target, seed and sizes, never on the predictor, so every
predictor is scored on the same cells (paired comparisons). Within a seed the training sets of
different sizes are nested and the test set is the same.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from nasbench_suite.contracts.predictor import FitContext, check_predictions
from nasbench_suite.errors import ConfigError, PredictorError
from nasbench_suite.execution.measure import measured
from nasbench_suite.metrics import score_predictions
from nasbench_suite.registry.suite import Suite
from nasbench_suite.study.jobs import PluginRef, failed, header, jsonable, key_of, now, plugin_provenance, run_rng

log = logging.getLogger(__name__)

KIND = "ranking"


@dataclass(frozen=True)
class Split:
    train: np.ndarray
    test: np.ndarray
    unlabelled: np.ndarray


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


@dataclass(frozen=True)
class RankingJob:
    """One predictor scored on one split."""

    benchmark: PluginRef
    target: str
    predictor: PluginRef
    train_size: int
    test_size: int
    seed: int
    device: str = "cpu"
    unlabelled_size: int = 0
    #: Also score the predictions on the training cells (``train_kendall_tau``, ...): how well a
    #: predictor fitted to noisy estimates ranks the very cells it was fitted on.
    score_train: bool = False
    uses_gpu: bool = False
    kind: str = KIND

    def key(self) -> str:
        fields = {
            "benchmark": self.benchmark.identity,
            "target": self.target,
            "predictor": self.predictor.identity,
            "train_size": self.train_size,
            "test_size": self.test_size,
            "seed": self.seed,
            "device": self.device,
            "unlabelled_size": self.unlabelled_size,
        }
        if self.score_train:  # keeps the keys of runs recorded before the option existed
            fields["score_train"] = True
        return key_of(fields)

    def describe(self) -> str:
        where = f"{self.benchmark.label} (train size {self.train_size}, seed {self.seed})"
        return f"predictor {self.predictor.label} on {where}"

    def _header(self) -> dict[str, Any]:
        fields = {
            "target": self.target,
            "train_size": self.train_size,
            "test_size": self.test_size,
            "seed": self.seed,
            "device": self.device,
            "unlabelled_size": self.unlabelled_size,
            "score_train": self.score_train,
        }
        return header(KIND, self.key(), {"benchmark": self.benchmark, "predictor": self.predictor}, fields)

    def failure_record(self, error: str) -> dict[str, Any]:
        return {**self._header(), "status": "error", "error": error, "finished_at": now()}

    def run(self, suite: Suite) -> dict[str, Any]:
        """Run the protocol once and return the record (status ``error`` if the predictor failed)."""
        record = self._header()
        record["plugins"] = plugin_provenance(suite, {"benchmark": self.benchmark, "predictor": self.predictor})
        table = suite.table(self.benchmark.spec)
        pool = table.indices_with(self.target)
        split = make_split(pool, self.benchmark.name, self.seed, self.train_size, self.test_size, self.unlabelled_size)
        targets = table.targets[self.target]
        # a minimised target (latency) is scored negated, so its top regions are its lowest cells
        sign = -1.0 if suite.minimises(self.benchmark.spec, self.target) else 1.0
        record["lower_is_better"] = sign < 0
        archs = table.archs.without_cost(self.target)  # a column that is the target is no cost to read
        predictor = suite.build_predictor(self.predictor.spec, self.seed, self.device)
        record["predictor_params"] = jsonable(predictor.get_params())
        record["pool_size"] = len(pool)  # the cells with the target, that splits are drawn from
        stage = "fit"
        try:
            y_train = targets[split.train] if "labels" in predictor.needs else None
            unlabelled = archs[split.unlabelled] if "unlabelled" in predictor.needs else None
            train_archs = archs[split.train]
            cuda = _cuda_peak_tracker(self.device)
            with measured() as fit_cost:
                returned = predictor.fit(train_archs, y_train, FitContext(unlabelled=unlabelled, suite=suite))
            if returned is not predictor:
                raise PredictorError(f"fit returned {type(returned).__name__}, expected self")
            stage = "predict"
            test_archs = archs[split.test]
            with measured() as predict_cost:
                predictions = predictor.predict(test_archs)
            predictions = check_predictions(predictions, len(test_archs))
            if self.score_train:
                train_predictions = check_predictions(predictor.predict(train_archs), len(train_archs))
        except Exception as exc:  # a failing plugin is recorded and isolated
            message = f"predictor {self.predictor.label} failed in {stage}: {type(exc).__name__}: {exc}"
            log.warning(message)
            failed(record, message, exc)
        else:
            scores = score_predictions(sign * targets[split.test], sign * predictions)
            if self.score_train:
                train_scores = score_predictions(sign * targets[split.train], sign * train_predictions, top_k=())
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
        record["finished_at"] = now()
        return record


def _cuda_peak_tracker(device: str) -> Callable[[], float] | None:
    """On ``cuda``, reset the allocator's peak and return a function reading it (MB)."""
    if device != "cuda":
        return None
    import torch

    torch.cuda.reset_peak_memory_stats()
    return lambda: torch.cuda.max_memory_allocated() / 2**20
