"""A search strategy written against nasbench-suite 0.1.0: it returns the cells it evaluated, in
order, and may stop early once the harness's goals are reached (``self.finished(order)``)."""

import numpy as np

from nasbench_suite import BenchmarkTable, ConfigError, Predictor, SearchStrategy


class GuidedNeighbours(SearchStrategy):
    """Fit the predictor on the evaluated cells, score the neighbours of the best ones plus random
    cells, evaluate the best-scored, repeat."""

    name = "guided-neighbours"
    description = "predictor-guided search over the neighbours of the best cells"
    uses_predictor = True

    def __init__(self, initial: int = 10, candidates: int = 100) -> None:
        self.initial = initial
        self.candidates = candidates

    def search(
        self,
        table: BenchmarkTable,
        target: str,
        budget: int,
        rng: np.random.Generator,
        predictor: Predictor | None = None,
    ) -> np.ndarray:
        if predictor is None:
            raise ConfigError(f"search strategy {self.name} needs a predictor (--predictor)")
        values = table.targets[target]
        pool = table.indices_with(target)
        budget = min(budget, len(pool))
        order = list(rng.permutation(pool)[: min(self.initial, budget)])
        seen = set(order)
        while len(order) < budget and not self.finished(order):
            evaluated = np.asarray(order)
            predictor.fit(table.archs[evaluated], values[evaluated])
            best = evaluated[np.argsort(-values[evaluated])[:5]]
            near = {int(c) for cell in best for c in table.neighbours(int(cell))}
            extra = rng.choice(pool, size=min(self.candidates, len(pool)), replace=False)
            candidates = np.array(sorted((near | {int(c) for c in extra}) - seen), dtype=np.int64)
            candidates = candidates[np.isfinite(values[candidates])]
            if len(candidates) == 0:
                break
            scores = predictor.predict(table.archs[candidates])
            for cell in candidates[np.argsort(-scores, kind="stable")[: min(5, budget - len(order))]]:
                order.append(int(cell))
                seen.add(int(cell))
        return np.asarray(order, dtype=np.int64)
