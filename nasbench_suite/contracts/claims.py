"""A paper's claim about its method, as data a plugin contributes (hook ``register_claims``), so any
report whose records hold the runs it needs states the claim beside the measured comparison that
tests it — computed from the records, never written by hand.

A claim compares a *subject* with a *baseline* on one metric: for ranking records a metric of the
runs (``kendall_tau``, ``train_kendall_tau``, ...), paired by benchmark, target, train size and seed
(every predictor of a ranking study sees the same cells); for search records the sample-efficiency
gain (``seg``), per benchmark and guiding predictor. Subject and baseline are spec patterns such as
``ssa`` or ``ssa:use_graph=False``: a pattern matches every variant with its name and options, except
variants setting an option that some registered claim uses to define another variant (so ``ssa``
matches ``ssa:autoencoder_steps=500``, never ``ssa:use_graph=False``). Same-named subject and
baseline variants are paired by their other options. Records that match the baseline never count for
the subject.

A claim compares like with like: where its subject and baseline variants share an option (the refit
``batch`` of two guided strategies, the learning rate of two models), the values must be equal, or
the comparison is reported as *not comparable*, naming the options. ``varies`` lists the options
that the claim is about and may differ (a compute-matched baseline's ``steps``). ``benchmarks``
restricts a claim to the benchmarks it speaks of (name patterns such as ``nb101-oneshot`` or
``*-supernet``); comparisons on other benchmarks are reported as not comparable, outside its scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from nasbench_suite.metrics import CLAIM_METRICS

EXPECTATIONS = ("higher", "lower", "not-lower")


@dataclass(frozen=True)
class Claim:
    """``subject`` scores ``expect`` than ``baseline`` on ``metric`` (a claim of ``paper``)."""

    method: str  # how reports name the method, e.g. "GCN fit"
    paper: str  # e.g. "Chen et al., AAAI 2021"
    statement: str  # the claim, in the paper's terms
    kind: str  # "ranking" or "search"
    subject: str  # a predictor (ranking) or strategy (search) spec pattern
    baseline: str
    metric: str = "kendall_tau"  # ranking: a record metric; search: "seg"
    expect: str = "higher"
    benchmarks: tuple[str, ...] = ()  # benchmark name patterns the claim applies to (empty: every one)
    varies: tuple[str, ...] = ()  # options the two sides may set differently (what the claim is about)
    targets: tuple[str, ...] = ()  # target name patterns the claim applies to (empty: every one)

    kinds: ClassVar[tuple[str, ...]] = ("ranking", "search")

    def __post_init__(self) -> None:
        if self.kind not in self.kinds:
            raise ValueError(f"claim of {self.method}: kind must be ranking or search (got {self.kind!r})")
        if self.expect not in EXPECTATIONS:
            raise ValueError(
                f"claim of {self.method}: expect must be one of {', '.join(EXPECTATIONS)} (got {self.expect!r})"
            )
        for field in ("benchmarks", "varies", "targets"):
            value = getattr(self, field)
            if isinstance(value, str) or not all(isinstance(item, str) for item in value):
                raise ValueError(f"claim of {self.method}: {field} must be a tuple of strings (got {value!r})")
            object.__setattr__(self, field, tuple(value))
        if self.kind == "search" and self.metric != "seg":
            raise ValueError(f"claim of {self.method}: a search claim compares the gain (metric='seg')")
        if self.kind == "ranking" and self.metric not in CLAIM_METRICS:
            raise ValueError(
                f"claim of {self.method}: metric must be one of {', '.join(CLAIM_METRICS)} (got {self.metric!r})"
            )
