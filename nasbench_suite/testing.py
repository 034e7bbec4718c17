"""Conformance kit for predictor authors: run it in your own test suite.

    from nasbench_suite.testing import check_predictor, parametrize_with_checks

    def test_my_predictor_conforms():
        check_predictor(MyPredictor())

    @parametrize_with_checks([MyPredictor(), MyPredictor(alpha=2.0)])
    def test_each_check(predictor, check):
        check(predictor)

Each check is a small named function that raises ``AssertionError`` saying which rule was broken
and how to fix it. The checks run on :func:`make_task`, a tiny synthetic space with a learnable
target, so no data files are needed.
"""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np

from nasbench_suite.contracts.architectures import Architectures, SearchSpace
from nasbench_suite.contracts.context import SuiteContext
from nasbench_suite.contracts.predictor import FitContext, Predictor, cost_needs, is_known_need
from nasbench_suite.registry.suite import load_suite

TOY_SPACE = SearchSpace("toy", ("input", "conv", "pool", "skip", "output"), max_nodes=5)


@dataclass(frozen=True)
class Task:
    """Training cells with targets, test cells, and an unlabelled pool, from one space; ``suite`` is
    what ``fit`` gets as ``FitContext.suite`` (the installed plugins, when left out)."""

    train: Architectures
    y_train: np.ndarray
    test: Architectures
    unlabelled: Architectures
    suite: SuiteContext | None = None


def make_architectures(n: int, seed: int = 0) -> tuple[Architectures, np.ndarray]:
    """``n`` distinct random 5-node cells, a target that depends on their operations and edges, and costs
    ``params`` and ``supernet`` (the target plus noise, like a weight-sharing estimate)."""
    rng = np.random.default_rng(seed)
    v = TOY_SPACE.max_nodes
    upper = np.triu_indices(v, k=1)
    seen: set[bytes] = set()
    adjacency = np.zeros((n, v, v), dtype=np.uint8)
    operations = np.zeros((n, v), dtype=np.int16)
    k = 0
    while k < n:
        edges = rng.integers(0, 2, size=len(upper[0]), dtype=np.uint8)
        ops = np.concatenate([[0], rng.integers(1, 4, size=v - 2), [4]]).astype(np.int16)
        signature = edges.tobytes() + ops.tobytes()
        if signature in seen:
            continue
        seen.add(signature)
        adjacency[k][upper] = edges
        adjacency[k, np.arange(v - 1), np.arange(1, v)] = 1  # keep a path from input to output
        operations[k] = ops
        k += 1
    conv = (operations == 1).sum(axis=1)
    skip = (operations == 3).sum(axis=1)
    edge_count = adjacency.sum(axis=(1, 2))
    y = 60 + 8 * conv + 3 * skip + 0.5 * edge_count + rng.normal(0, 1.0, size=n)
    params = 1000.0 * conv + 10.0 * edge_count
    supernet = y + rng.normal(0, 3.0, size=n)  # a noisy one-shot estimate of the target
    ids = np.array([f"toy-{seed}-{i}" for i in range(n)], dtype=object)
    return Architectures(TOY_SPACE, ids, adjacency, operations, {"params": params, "supernet": supernet}), y


def make_task(n_train: int = 48, n_test: int = 32, n_unlabelled: int = 64, seed: int = 0) -> Task:
    archs, y = make_architectures(n_train + n_test + n_unlabelled, seed)
    train = np.arange(n_train)
    test = np.arange(n_train, n_train + n_test)
    pool = np.arange(n_train + n_test, len(archs))
    return Task(archs[train], y[train], archs[test], archs[pool])


def _prepared(predictor: Predictor, seed: int = 0) -> Predictor:
    fresh = predictor.clone()
    return fresh.set_params(**fresh.harness_params(seed, "cpu"))


def _fit(predictor: Predictor, task: Task) -> Predictor:
    y = task.y_train if "labels" in predictor.needs else None
    context = FitContext(unlabelled=task.unlabelled if "unlabelled" in predictor.needs else None, suite=task.suite)
    return predictor.fit(task.train, y, context)


def _fail(predictor: Predictor, rule: str) -> None:
    raise AssertionError(f"predictor {type(predictor).__name__}: {rule}")


def check_declaration(predictor: Predictor, task: Task) -> None:
    """``name`` is a lowercase string and every entry of ``needs`` is known."""
    name = getattr(type(predictor), "name", None)
    if not isinstance(name, str) or not name or name != name.lower():
        _fail(predictor, f"class attribute `name` must be a non-empty lowercase string (got {name!r})")
    unknown = [need for need in predictor.needs if not is_known_need(need)]
    if unknown:
        _fail(predictor, f"`needs` has unknown entries {unknown}")


def check_init_stores_params(predictor: Predictor, task: Task) -> None:
    """``__init__`` stores each keyword under its own name and does no other work."""
    fresh = predictor.clone()
    params = predictor.get_params()
    for name, value in fresh.get_params().items():
        if repr(value) != repr(params[name]):
            _fail(predictor, f"clone() changed hyper-parameter {name!r}; __init__ must store it unchanged")
    extra = [k for k in vars(fresh) if k not in params and not k.startswith("_")]
    if extra:
        _fail(predictor, f"__init__ set {extra}; set only hyper-parameters there and fitted state in fit()")


def check_fit_returns_self(predictor: Predictor, task: Task) -> None:
    """``fit`` returns ``self`` and keeps fitted state in attributes ending in ``_``."""
    fresh = _prepared(predictor)
    before = set(vars(fresh))
    returned = _fit(fresh, task)
    if returned is not fresh:
        _fail(predictor, f"fit() must return self (got {type(returned).__name__})")
    new = [k for k in set(vars(fresh)) - before if not k.endswith("_") and not k.startswith("_")]
    if new:
        _fail(predictor, f"fit() added attributes {new}; fitted attributes must end with '_'")


def check_predict_output(predictor: Predictor, task: Task) -> None:
    """``predict`` returns one finite float per cell as a 1-d array."""
    fitted = _fit(_prepared(predictor), task)
    predictions = fitted.predict(task.test)
    if not isinstance(predictions, np.ndarray):
        _fail(predictor, f"predict() must return a numpy array (got {type(predictions).__name__})")
    if predictions.shape != (len(task.test),):
        _fail(predictor, f"predict() returned shape {predictions.shape}; expected ({len(task.test)},)")
    if not np.issubdtype(predictions.dtype, np.floating):
        _fail(predictor, f"predict() must return floats (got dtype {predictions.dtype})")
    if not np.all(np.isfinite(predictions)):
        _fail(predictor, "predict() returned NaN or infinite values")


def check_no_mutation(predictor: Predictor, task: Task) -> None:
    """``fit`` and ``predict`` leave their inputs alone, and ``predict`` leaves the predictor alone."""
    train, y, test = copy.deepcopy(task.train), task.y_train.copy(), copy.deepcopy(task.test)
    fitted = _fit(_prepared(predictor), task)
    state = pickle.dumps(fitted)
    first = fitted.predict(task.test)
    second = fitted.predict(task.test)
    for name, before, after in (("training cells", train, task.train), ("test cells", test, task.test)):
        if not (
            np.array_equal(before.adjacency, after.adjacency)
            and np.array_equal(before.operations, after.operations)
            and all(np.array_equal(before.costs[c], after.costs[c], equal_nan=True) for c in before.costs)
        ):
            _fail(predictor, f"fit()/predict() modified the {name}; work on copies")
    if not np.array_equal(y, task.y_train):
        _fail(predictor, "fit() modified the targets; work on a copy")
    if pickle.dumps(fitted) != state:
        _fail(predictor, "predict() changed the predictor's state; keep predict() side-effect free")
    if not np.array_equal(first, second):
        _fail(predictor, "two predict() calls on the same cells disagree")


def check_deterministic(predictor: Predictor, task: Task) -> None:
    """Two fits with the same ``random_state`` give the same predictions."""
    first = _fit(_prepared(predictor, seed=7), task).predict(task.test)
    second = _fit(_prepared(predictor, seed=7), task).predict(task.test)
    if not np.allclose(first, second, rtol=1e-5, atol=1e-8):
        _fail(predictor, "predictions differ between two fits with the same random_state; seed every RNG from it")


def check_permutation(predictor: Predictor, task: Task) -> None:
    """Predicting reordered cells reorders the predictions the same way."""
    fitted = _fit(_prepared(predictor), task)
    order = np.random.default_rng(1).permutation(len(task.test))
    direct = fitted.predict(task.test)[order]
    permuted = fitted.predict(task.test[order])
    if not np.allclose(direct, permuted, rtol=1e-5, atol=1e-6):
        _fail(predictor, "a cell's prediction depends on the order of the cells passed to predict()")


def check_pickle(predictor: Predictor, task: Task) -> None:
    """A fitted predictor survives pickling and predicts the same afterwards."""
    fitted = _fit(_prepared(predictor), task)
    expected = fitted.predict(task.test)
    try:
        restored = pickle.loads(pickle.dumps(fitted))
    except Exception as exc:
        _fail(predictor, f"a fitted predictor must be picklable ({type(exc).__name__}: {exc})")
    if not np.allclose(restored.predict(task.test), expected, rtol=1e-6, atol=1e-8):
        _fail(predictor, "predictions changed after a pickle round trip")


CHECKS: tuple[Callable[[Predictor, Task], None], ...] = (
    check_declaration,
    check_init_stores_params,
    check_fit_returns_self,
    check_predict_output,
    check_no_mutation,
    check_deterministic,
    check_permutation,
    check_pickle,
)


def predictor_checks(predictor: Predictor, task: Task | None = None) -> Iterator[Callable[[Predictor], None]]:
    """Yield each check bound to ``task`` (default :func:`make_task`), ready to call on a predictor."""
    task = task or make_task()
    if task.suite is None:
        task = replace(task, suite=load_suite())
    missing = [f"cost:{cost}" for cost in cost_needs(predictor.needs) if cost not in task.train.costs]
    if missing:
        raise ValueError(f"the task lacks what {type(predictor).__name__} needs: {missing}")
    for check in CHECKS:

        def bound(p: Predictor, _check: Callable = check) -> None:
            _check(p, task)

        bound.__name__ = check.__name__
        yield bound


def check_predictor(predictor: Predictor, task: Task | None = None) -> None:
    """Run every check on ``predictor``; the first broken rule raises ``AssertionError``."""
    for check in predictor_checks(predictor, task):
        check(predictor)


def parametrize_with_checks(predictors: list[Predictor]) -> Callable:
    """A ``pytest.mark.parametrize`` over (predictor, check) pairs, one test per check."""
    import pytest

    task = replace(make_task(), suite=load_suite())
    cases, ids = [], []
    for predictor in predictors:
        for check in predictor_checks(predictor, task):
            cases.append((predictor, check))
            ids.append(f"{type(predictor).name}-{check.__name__}")
    return pytest.mark.parametrize(("predictor", "check"), cases, ids=ids)
