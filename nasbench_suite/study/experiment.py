"""The one options type of the study mechanism.

A :class:`Study` is a list of :class:`Experiment` blocks. Each block is a grid of jobs of one kind:

* ``ranking``: predictors scored for Kendall tau (and Spearman, precision@k) at train sizes;
* ``search``: search strategies (guided by predictors where they use one) scored for the
  sample-efficiency gain at a budget of look-ups; with a constraint, over the cells that satisfy
  it; with two objectives, multi-objective strategies scored by the hypervolume of their front.

``nasbench-suite run`` is a study of one ranking block, ``nasbench-suite search`` one of a search
block, and a study file (``nasbench-suite study FILE``) holds any number of both; all of them go
through the same plan -> jobs -> records path and one results store.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nasbench_suite.specs import Spec

KINDS = ("ranking", "search")
#: What each kind's jobs are called in messages.
NOUNS = {"ranking": ("run", "runs"), "search": ("search", "searches"), "pareto": ("Pareto search", "Pareto searches")}

DEFAULT_BENCHMARK = "nb201-cifar10"
DEFAULT_TRAIN_SIZES = (10, 32, 100, 316, 1000)
DEFAULT_SEEDS = {"ranking": 10, "search": 20}
DEFAULT_UNLABELLED_FACTOR = 10
DEFAULT_BUDGET = 1000
#: ``--test-size rest``: test on every cell outside the run's own training (and unlabelled) cells.
TEST_REST = "rest"
#: ``--test-size every``: test on every cell with the target, the run's training cells included (the
#: protocol of TNASP, NAR-Former, NN-Former and PINAT, who score all cells of the space).
TEST_EVERY = "every"
#: Default target set of a search: the top 0.1% of cells.
DEFAULT_TOP_FRACTION = 0.001
#: The predictor guiding the strategies that use one, when none is named.
DEFAULT_GUIDE = "graf-xgb"
#: Default target of a Pareto search: 99.5% of the true front's hypervolume (on NB201 CIFAR-10, random
#: search needs 480-900 look-ups to reach it, depending on the device: the order of the top 0.1% of
#: cells, 976, the single-objective default; chosen from random search alone).
DEFAULT_HV_TARGET = 0.995


@dataclass(frozen=True)
class Experiment:
    """One block of a study: every combination of its benchmarks, predictors (and strategies), sizes
    and the seeds ``first_seed .. first_seed + seeds - 1``.

    ``predictors=()`` means the default: every fast predictor that the benchmark supports (ranking)
    or :data:`DEFAULT_GUIDE` (search); ``strategies=()`` means every registered strategy. The fields
    of the other kind are ignored.
    """

    kind: str
    benchmarks: tuple[Spec, ...] = (Spec(DEFAULT_BENCHMARK),)
    predictors: tuple[Spec, ...] = ()
    seeds: int = 10
    first_seed: int = 0
    device: str = "auto"
    # ranking
    train_sizes: tuple[int, ...] = DEFAULT_TRAIN_SIZES
    #: None: every cell outside the largest training and unlabelled sets (one test set for all sizes);
    #: TEST_REST: every cell outside each run's own training and unlabelled sets; TEST_EVERY: every cell,
    #: training cells included; else a number of cells.
    test_size: int | str | None = None
    #: Draw the labels (and unlabelled cells) from a fixed pool of this many cells and test outside it.
    train_pool: int = 0
    #: Label the training cells with this other target of the table (the papers' "train on the
    #: validation accuracy, score on the test accuracy"); "" labels them with the scored target.
    train_target: str = ""
    unlabelled_factor: int = DEFAULT_UNLABELLED_FACTOR
    score_train: bool = False
    # search
    strategies: tuple[Spec, ...] = ()
    budget: int = DEFAULT_BUDGET
    top_fraction: float = DEFAULT_TOP_FRACTION
    #: ``metric<=bound`` (or ``<``, ``>=``, ``>``): search only the cells that satisfy it.
    constraint: str | None = None
    #: Two objectives: a Pareto search by multi-objective strategies, scored by hypervolume.
    objectives: tuple[str, ...] = ()
    #: A Pareto search's target: this fraction of the true front's hypervolume.
    hv_target: float = DEFAULT_HV_TARGET


@dataclass(frozen=True)
class Study:
    """Experiments run together into one results directory and rendered as one report."""

    experiments: tuple[Experiment, ...]
    title: str = ""
    notes: tuple[str, ...] = field(default=())
    #: Display labels: ``(role, spec as written, label)``, role ``benchmark``, ``predictor`` or ``strategy``.
    labels: tuple[tuple[str, str, str], ...] = field(default=())


def seed_range(experiment: Experiment) -> range:
    """The seeds of an experiment."""
    return range(experiment.first_seed, experiment.first_seed + experiment.seeds)
