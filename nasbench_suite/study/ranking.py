"""Ranking jobs: one job = (benchmark, target, predictor, train size, seed), scored for Kendall tau,
Spearman, Pearson and precision@k on held-out cells.

Splits depend only on the benchmark, target, seed and sizes, never on the predictor, so every
predictor is scored on the same cells (paired comparisons). Within a seed the training sets of
different sizes are nested and, by default, the test set is the same. The published protocols'
rules (:func:`make_split`'s ``test_rest``, ``test_every``, ``train_pool``) keep the nesting; with
``test_rest`` the test set is what a run's own training (and unlabelled) cells leave.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from nasbench_suite.contracts.benchmark import BenchmarkTable
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


def labelled_cells(table: BenchmarkTable, target: str, train_target: str = "") -> np.ndarray:
    """The cells a split is drawn from: those with the target (and the training target, when one is set)."""
    pool = table.indices_with(target)
    return np.intersect1d(pool, table.indices_with(train_target)) if train_target else pool


def fixed_train_pool(pool: np.ndarray, benchmark: str, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``(training pool, the other cells)``: ``size`` cells of ``pool`` drawn once per benchmark, the same
    for every seed (the GATES protocol's fixed pool of labelled candidates)."""
    order = np.random.default_rng(zlib.crc32(f"train-pool:{benchmark}".encode())).permutation(pool)
    return np.sort(order[:size]), np.sort(order[size:])


def make_split(
    pool: np.ndarray,
    benchmark: str,
    seed: int,
    train_size: int,
    test_size: int,
    unlabelled_size: int = 0,
    train_pool: int = 0,
    test_rest: bool = False,
    test_every: bool = False,
) -> Split:
    """Deterministic disjoint test / train / unlabelled cells drawn from ``pool``.

    Within a seed, training sets of different sizes are nested. ``train_pool``: train and unlabelled
    cells come from :func:`fixed_train_pool`, test cells from outside it. ``test_rest``: the test set
    is every cell outside the training and unlabelled ones (``test_size`` must say how many that is).
    ``test_every``: the test set is the whole pool, the training cells included.
    """
    if test_every:
        if train_size + unlabelled_size > len(pool):
            raise ConfigError(
                f"benchmark {benchmark}: train {train_size} + unlabelled {unlabelled_size} cells needed but only "
                f"{len(pool)} have the target"
            )
        return _labels_first(run_rng(seed, benchmark).permutation(pool), train_size, unlabelled_size, np.sort(pool))
    needed = test_size + train_size + unlabelled_size
    if needed > len(pool) or (train_pool and train_size + unlabelled_size > train_pool):
        raise ConfigError(
            f"benchmark {benchmark}: {needed} cells needed (test {test_size} + train {train_size} + "
            f"unlabelled {unlabelled_size}) but only {len(pool)} have the target"
            + (f" (labels from a pool of {train_pool})" if train_pool else "")
        )
    rng = run_rng(seed, benchmark)
    if train_pool:
        labelled, outside = fixed_train_pool(pool, benchmark, train_pool)
        labelled, outside = rng.permutation(labelled), rng.permutation(outside)
        return _labels_first(labelled, train_size, unlabelled_size, outside[:test_size])
    order = rng.permutation(pool)
    if test_rest:
        if needed != len(pool):
            rest = len(pool) - train_size - unlabelled_size
            raise ConfigError(f"benchmark {benchmark}: test size {test_size}, but every other cell is {rest} cells")
        return _labels_first(order, train_size, unlabelled_size, order[train_size + unlabelled_size :])
    return Split(
        test=order[:test_size],
        train=order[test_size : test_size + train_size],
        unlabelled=order[test_size + train_size : needed],
    )


def _labels_first(order: np.ndarray, train_size: int, unlabelled_size: int, test: np.ndarray) -> Split:
    """The training cells first in ``order`` (nested across train sizes), the unlabelled ones next."""
    end = train_size + unlabelled_size
    return Split(train=order[:train_size], unlabelled=order[train_size:end], test=test)


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
    #: Labels drawn from a fixed pool of this many cells, tests from outside it (0: no pool).
    train_pool: int = 0
    #: The test set is every cell outside this run's training and unlabelled cells.
    test_rest: bool = False
    #: The test set is every cell with the target, the training cells included.
    test_every: bool = False
    #: Label the training cells with this target instead of ``target`` ("" for ``target`` itself).
    train_target: str = ""
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
        if self.train_pool:
            fields["train_pool"] = self.train_pool
        if self.test_rest:
            fields["test_rest"] = True
        if self.test_every:
            fields["test_every"] = True
        if self.train_target:
            fields["train_target"] = self.train_target
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
            "train_pool": self.train_pool,
            "test_rest": self.test_rest,
            "test_every": self.test_every,
            "train_target": self.train_target,
        }
        return header(KIND, self.key(), {"benchmark": self.benchmark, "predictor": self.predictor}, fields)

    def failure_record(self, error: str) -> dict[str, Any]:
        return {**self._header(), "status": "error", "error": error, "finished_at": now()}

    def run(self, suite: Suite) -> dict[str, Any]:
        """Run the protocol once and return the record (status ``error`` if the predictor failed)."""
        record = self._header()
        record["plugins"] = plugin_provenance(suite, {"benchmark": self.benchmark, "predictor": self.predictor})
        table = suite.table(self.benchmark.spec)
        pool = labelled_cells(table, self.target, self.train_target)
        split = make_split(
            pool, self.benchmark.name, self.seed, self.train_size, self.test_size, self.unlabelled_size,
            self.train_pool, self.test_rest, self.test_every,
        )  # fmt: skip
        targets = table.targets[self.target]
        # a minimised target (latency) is scored negated, so its top regions are its lowest cells
        sign = -1.0 if suite.minimises(self.benchmark.spec, self.target) else 1.0
        record["lower_is_better"] = sign < 0
        labels = table.targets[self.train_target] if self.train_target else targets
        # a column that is the target (or the training labels) is no cost to read
        archs = table.archs.without_cost(self.target)
        if self.train_target:
            archs = archs.without_cost(self.train_target)
        predictor = suite.build_predictor(self.predictor.spec, self.seed, self.device)
        record["predictor_params"] = jsonable(predictor.get_params())
        record["pool_size"] = len(pool)  # the cells with the target, that splits are drawn from
        stage = "fit"
        try:
            y_train = labels[split.train] if "labels" in predictor.needs else None
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
