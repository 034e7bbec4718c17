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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

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

    kinds: ClassVar[tuple[str, ...]] = ("ranking", "search")

    def __post_init__(self) -> None:
        if self.kind not in self.kinds:
            raise ValueError(f"claim of {self.method}: kind must be ranking or search (got {self.kind!r})")
        if self.expect not in EXPECTATIONS:
            raise ValueError(
                f"claim of {self.method}: expect must be one of {', '.join(EXPECTATIONS)} (got {self.expect!r})"
            )
        if self.kind == "search" and self.metric != "seg":
            raise ValueError(f"claim of {self.method}: a search claim compares the gain (metric='seg')")
