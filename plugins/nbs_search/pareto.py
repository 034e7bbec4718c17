"""Multi-objective (Pareto) search strategies: each look-up returns two objectives, both oriented so
that larger is better (the harness negates a latency), and a strategy is scored by the hypervolume
of the front it found (:mod:`nasbench_suite.study.pareto`).

* ``pareto-random``: uniform random sampling, the reference every gain is measured against;
* ``nsga2``: NSGA-II (Deb et al., IEEE TEC 2002) on the table: binary tournaments on
  (non-domination rank, crowding distance), uniform crossover of the parents' encodings and a
  one-mutation step, elitist survival of the ``population`` best by rank and crowding;
* ``pareto-predictor``: one predictor per objective (``--predictor``, fitted on the look-ups so far),
  and each round the ``batch`` candidates whose predicted values add the most hypervolume to the
  front found so far, chosen greedily; ``explore`` of each batch goes to random one-mutation
  neighbours of the front instead.

The NSGA-II parts (non-dominated sorting, crowding distance) are written here rather than taken from
pymoo: its operators work on decision vectors, where a search here must pick unevaluated cells of a
finite table through paid look-ups; sorting and crowding are a few lines over the suite's
:func:`~nasbench_suite.pareto_mask`.
"""

from __future__ import annotations

import numpy as np

from nasbench_suite import ConfigError, ParetoTask, SearchStrategy, pareto_mask
from nbs_search.baselines import RandomSearch


class ParetoRandomSearch(RandomSearch):
    """Random search (the same sampling) offered to multi-objective searches."""

    name = "pareto-random"
    description = "multi-objective: uniform random sampling (the reference of the multi-objective SEG)"
    multi_objective = True


def nondominated_ranks(points: np.ndarray) -> np.ndarray:
    """``(n,)`` non-domination rank of each point: 0 for the Pareto front, 1 for the front of the
    rest, and so on."""
    ranks = np.full(len(points), -1)
    left = np.arange(len(points))
    rank = 0
    while len(left):
        front = pareto_mask(points[left])
        ranks[left[front]] = rank
        left = left[~front]
        rank += 1
    return ranks


def crowding_distance(points: np.ndarray) -> np.ndarray:
    """NSGA-II's crowding distance of points of one front: per objective, the normalised gap between
    each point's two neighbours, summed; the extremes get infinity."""
    n = len(points)
    distance = np.zeros(n)
    if n <= 2:
        return np.full(n, np.inf)
    for column in range(points.shape[1]):
        order = np.argsort(points[:, column], kind="stable")
        values = points[order, column]
        span = values[-1] - values[0]
        distance[order[0]] = distance[order[-1]] = np.inf
        if span > 0:
            distance[order[1:-1]] += (values[2:] - values[:-2]) / span
    return distance


def survival_order(points: np.ndarray) -> np.ndarray:
    """Indices of ``points`` from best to worst: by rank, then by decreasing crowding distance."""
    ranks = nondominated_ranks(points)
    crowding = np.zeros(len(points))
    for rank in np.unique(ranks):
        members = np.flatnonzero(ranks == rank)
        crowding[members] = crowding_distance(points[members])
    return np.lexsort((-crowding, ranks))


class NSGA2(SearchStrategy):
    """NSGA-II over the table's cells (see the module's docstring)."""

    name = "nsga2"
    description = "multi-objective: NSGA-II (rank and crowding selection, crossover, one-mutation children)"
    multi_objective = True

    def __init__(self, population: int = 50, crossover: float = 0.9) -> None:
        if population < 2:
            raise ConfigError(f"strategy nsga2: population must be at least 2 (got {population})")
        if not 0 <= crossover <= 1:
            raise ConfigError(f"strategy nsga2: crossover must be a probability in [0, 1] (got {crossover})")
        self.population = population
        self.crossover = crossover

    def search(self, task: ParetoTask) -> None:
        rng = task.rng
        encoding = task.encoding
        cell_of = {row.tobytes(): k for k, row in enumerate(np.ascontiguousarray(encoding))}
        members = rng.permutation(np.flatnonzero(task.has_value))[: min(self.population, task.budget)]
        values = task.evaluate(members)
        while True:  # until the budget is spent or the front is complete (evaluate ends the search)
            order = survival_order(values)
            rank = np.empty(len(members), dtype=np.int64)
            rank[order] = np.arange(len(members))  # lower is better: rank, then crowding
            children: list[int] = []
            taken = set()
            for _ in range(min(len(members), task.remaining)):
                first, second = (self._tournament(rank, rng) for _ in range(2))
                child = self._child(task, encoding, cell_of, members[first], members[second], taken)
                if child is None:
                    break
                taken.add(child)
                children.append(child)
            if not children:
                return
            child_values = task.evaluate(np.array(children, dtype=np.int64))
            members = np.concatenate([members, children])
            values = np.concatenate([values, child_values])
            keep = survival_order(values)[: self.population]
            members, values = members[keep], values[keep]

    def _tournament(self, rank: np.ndarray, rng: np.random.Generator) -> int:
        a, b = rng.choice(len(rank), size=2, replace=len(rank) < 2)
        return int(a if rank[a] < rank[b] else b)

    def _child(
        self,
        task: ParetoTask,
        encoding: np.ndarray,
        cell_of: dict[bytes, int],
        first: int,
        second: int,
        taken: set[int],
    ) -> int | None:
        """An unevaluated cell bred from two parents: their uniform crossover where that is a cell of
        the table, then one mutation; an unvisited neighbour of a parent, or a random cell, otherwise."""
        rng = task.rng
        open_cells = task.unevaluated()
        base = int(first)
        if rng.random() < self.crossover:
            mask = rng.random(encoding.shape[1]) < 0.5
            crossed = cell_of.get(np.where(mask, encoding[first], encoding[second]).tobytes())
            if crossed is not None and task.has_value[crossed]:
                base = crossed
        for parent in (base, int(first), int(second)):
            children = [c for c in task.neighbours(parent) if open_cells[c] and c not in taken]
            if children:
                return int(rng.choice(children))
        pool = np.flatnonzero(open_cells)
        pool = pool[~np.isin(pool, list(taken))]
        return int(rng.choice(pool)) if len(pool) else None


def hypervolume_gains(front: np.ndarray, candidates: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """``(c,)``: the hypervolume each candidate point would add to ``front`` (two objectives,
    larger is better), all at once: a candidate's box from the reference, minus the part of it the
    front already dominates."""
    front = front[pareto_mask(front)]
    front = front[np.argsort(front[:, 0])]  # ascending first objective, so descending second
    box = np.clip(candidates[:, 0] - reference[0], 0, None) * np.clip(candidates[:, 1] - reference[1], 0, None)
    if not len(front):
        return box
    first = np.minimum(front[None, :, 0], candidates[:, None, 0])
    widths = np.diff(np.concatenate([np.full((len(candidates), 1), reference[0]), first], axis=1), axis=1)
    heights = np.clip(np.minimum(front[None, :, 1], candidates[:, None, 1]) - reference[1], 0, None)
    covered = (np.clip(widths, 0, None) * heights).sum(axis=1)
    return np.clip(box - covered, 0, None)


class ParetoPredictorSearch(SearchStrategy):
    """Predictor-guided Pareto search (see the module's docstring)."""

    name = "pareto-predictor"
    description = (
        "multi-objective: one predictor per objective; each round the cells whose predictions add the most "
        "hypervolume to the front found so far"
    )
    multi_objective = True
    uses_predictor = True

    def __init__(self, initial: int = 20, batch: int = 10, explore: float = 0.2, subset: int = 20000) -> None:
        if initial < 2 or batch < 1 or subset < 1:
            raise ConfigError(
                f"strategy pareto-predictor: initial must be at least 2, batch and subset at least 1 "
                f"(got initial={initial}, batch={batch}, subset={subset})"
            )
        if not 0 <= explore < 1:
            raise ConfigError(f"strategy pareto-predictor: explore must be in [0, 1) (got {explore})")
        self.initial = initial
        self.batch = batch
        self.explore = explore
        self.subset = subset

    def search(self, task: ParetoTask) -> None:
        if len(task.guides) != 2:
            raise ConfigError("strategy pareto-predictor needs a predictor (--predictor) to guide it")
        rng = task.rng
        task.evaluate(rng.permutation(np.flatnonzero(task.has_value))[: min(self.initial, task.budget)])
        while task.remaining > 0 and not task.finished:
            cells, values = task.evaluated, task.evaluated_values
            front_cells = cells[pareto_mask(values)]
            near = np.unique(np.concatenate([task.neighbours(int(c)) for c in front_cells]))
            explored = self._explore(task, near, round(self.explore * min(self.batch, task.remaining)))
            size = min(self.batch, task.remaining) - len(explored)
            candidates = self._candidates(task, near, explored)
            chosen = self._exploit(task, cells, values, candidates, size) if size > 0 and len(candidates) else []
            batch = np.concatenate([explored, np.asarray(chosen, dtype=np.int64)]).astype(np.int64)
            if not len(batch):
                batch = task.random_unevaluated(min(self.batch, task.remaining))
            task.evaluate(batch)

    def _explore(self, task: ParetoTask, near: np.ndarray, count: int) -> np.ndarray:
        """``count`` random unevaluated cells of ``near`` (the found front's one-mutation neighbours)."""
        if count <= 0:
            return np.zeros(0, dtype=np.int64)
        pool = near[task.unevaluated()[near]]
        if not len(pool):
            return np.zeros(0, dtype=np.int64)
        return task.rng.choice(pool, size=min(count, len(pool)), replace=False)

    def _candidates(self, task: ParetoTask, near: np.ndarray, explored: np.ndarray) -> np.ndarray:
        """Every unevaluated cell, or where there are more than ``subset``, the unevaluated cells of
        ``near`` (the found front's neighbours) topped up with random cells to ``subset``."""
        open_cells = task.unevaluated()
        open_cells[explored] = False
        pool = np.flatnonzero(open_cells)
        if len(pool) <= self.subset:
            return pool
        near = near[open_cells[near]][: self.subset]
        rest = np.setdiff1d(pool, near)
        extra = task.rng.choice(rest, size=min(self.subset - len(near), len(rest)), replace=False)
        return np.concatenate([near, extra])

    def _exploit(
        self, task: ParetoTask, cells: np.ndarray, values: np.ndarray, candidates: np.ndarray, size: int
    ) -> list[int]:
        """Greedily, ``size`` candidates whose predicted points add the most hypervolume to the front
        found so far (each chosen point joins the front before the next is chosen)."""
        predicted = np.column_stack(
            [guide.score(guide.fit(cells, values[:, k]), candidates) for k, guide in enumerate(task.guides)]
        )
        # scale by the evaluated values' range, reference just beyond their worst (as the harness scores)
        low, high = values.min(axis=0), values.max(axis=0)
        span = np.where(high > low, high - low, 1.0)
        front = (values[pareto_mask(values)] - low) / span
        points = (predicted - low) / span
        reference = np.array([-0.1, -0.1])
        chosen: list[int] = []
        available = np.ones(len(candidates), dtype=bool)
        for _ in range(size):
            if not available.any():
                break
            gains = np.where(available, hypervolume_gains(front, points, reference), -1.0)
            best = int(np.argmax(gains))
            if gains[best] <= 0:  # nothing predicted to add: the candidates nearest the front instead
                best = int(np.argmax(np.where(available, points.sum(axis=1), -np.inf)))
            chosen.append(int(candidates[best]))
            available[best] = False
            front = np.vstack([front, points[best]])
        return chosen
