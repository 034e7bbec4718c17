"""What every job of a study shares: the specs it was planned from (as given, as identified in keys,
and as shown on leaderboards), the seed and device, and the header of its record.

The record schema (documented in ``docs/plugins.md``) is the same for both kinds up to the fields
each kind adds: ``key`` (what identifies the job for resuming), ``kind`` (``ranking`` or
``search``), ``status`` (``ok`` or ``error``), ``error`` (the message) and ``traceback`` (the last
frames of a plugin's exception), ``finished_at``, the benchmark, predictor and strategy as
identities, labels, names and specs, ``plugins`` (which plugin, distribution and version contributed
each), ``suite_version``, ``python`` and ``environment`` (the source commit and library versions).
"""

from __future__ import annotations

import json
import platform
import traceback
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import numpy as np

from nasbench_suite._version import __version__
from nasbench_suite.registry.suite import Suite
from nasbench_suite.specs import Spec
from nasbench_suite.study.provenance import environment


@dataclass(frozen=True)
class PluginRef:
    """A spec as the job was planned with it: ``spec`` as given (paths included), ``identity`` as in
    run keys (input files by content), ``label`` as on leaderboards (no file options)."""

    spec: Spec
    identity: str
    label: str

    @property
    def name(self) -> str:
        return self.spec.name


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def key_of(fields: dict[str, Any]) -> str:
    """A job's key: its identifying fields as canonical JSON."""
    return json.dumps(fields, sort_keys=True)


def run_rng(seed: int, benchmark: str) -> np.random.Generator:
    """The random generator of one job: determined by the seed and the benchmark alone."""
    return np.random.default_rng([seed, zlib.crc32(benchmark.encode())])


def provenance(entry: Any) -> dict[str, Any]:
    """Which plugin (and distribution, version, source) contributed a registry entry."""
    plugin = entry.plugin
    return {
        "plugin": plugin.name,
        "distribution": plugin.distribution,
        "version": plugin.version,
        "source": plugin.source,
    }


def header(kind: str, key: str, refs: dict[str, PluginRef | None], fields: dict[str, Any]) -> dict[str, Any]:
    """The common start of every record: ``refs`` maps ``benchmark`` / ``predictor`` / ``strategy``
    to the job's specs (``None`` where the job has none)."""
    record: dict[str, Any] = {"key": key, "kind": kind, **fields}
    for role, ref in refs.items():
        record[role] = ref.identity if ref else None
        record[f"{role}_label"] = ref.label if ref else None
        record[f"{role}_name"] = ref.name if ref else None
        record[f"{role}_spec"] = str(ref.spec) if ref else None
    record.update(suite_version=__version__, python=platform.python_version(), environment=environment())
    return record


def plugin_provenance(suite: Suite, refs: dict[str, PluginRef | None]) -> dict[str, Any]:
    kinds = {"benchmark": suite.registry.benchmarks, "predictor": suite.registry.predictors}
    kinds["strategy"] = suite.registry.strategies
    return {role: provenance(kinds[role].get(ref.name)) if ref else None for role, ref in refs.items()}


def failed(record: dict[str, Any], message: str, exc: BaseException) -> dict[str, Any]:
    """``record`` marked as failed with ``message`` and the last frames of ``exc``'s traceback."""
    record.update(status="error", error=message, traceback="".join(traceback.format_exception(exc)[-6:]))
    return record


def jsonable(params: dict[str, Any]) -> dict[str, Any]:
    """Option values as JSON can hold them (anything else by its repr)."""
    return {k: (v if isinstance(v, (int, float, str, bool, type(None))) else repr(v)) for k, v in params.items()}
