"""The listing commands: ``plugins``, ``benchmarks``, ``predictors``, ``strategies``."""

from __future__ import annotations

import argparse
import inspect
import json
from collections.abc import Callable
from typing import Any

import numpy as np

from nasbench_suite.errors import ConfigError, SuiteError
from nasbench_suite.registry.registry import Kind
from nasbench_suite.registry.suite import Suite
from nasbench_suite.specs import Spec


def cmd_plugins(args: argparse.Namespace, suite: Suite, parser: argparse.ArgumentParser) -> int:
    registry = suite.registry
    rows = []
    for info in registry.plugins.values():
        contributes = {
            kind.label: [e.name for e in kind.entries.values() if e.plugin.name == info.name] for kind in registry.kinds
        }
        rows.append(
            {
                "name": info.name,
                "distribution": info.distribution,
                "version": info.version,
                "source": info.source,
                "contributes": {k: v for k, v in contributes.items() if v},
                "deprecated": [use.as_dict() for use in registry.deprecated_uses(info.name)],
            }
        )
    failures = [
        {"name": f.name, "distribution": f.distribution, "version": f.version, "error": f.error}
        for f in registry.failures
    ]
    if args.json:
        print(json.dumps({"plugins": rows, "failures": failures}, indent=2))
        return 0
    plurals = {kind.label: kind.plural for kind in registry.kinds}
    for info, row in zip(registry.plugins.values(), rows):
        print(info.describe())
        for label, names in row["contributes"].items():
            print(f"  {plurals[label]}: {', '.join(names)}")
        for use in registry.deprecated_uses(info.name):
            print(f"  deprecated: {use.old} (to be removed in {use.removal}): {use.new}")
    for failure in registry.failures:
        print(f"FAILED {failure.describe()}: {failure.error}")
    return 0


def cmd_benchmarks(args: argparse.Namespace, suite: Suite, parser: argparse.ArgumentParser) -> int:
    rows = []
    for name in suite.registry.benchmarks.names():
        cls = suite.benchmark_class(name)
        row = {"name": name, "cells": None, "expected_cells": None, "costs": [], "loaded": cls.cheap_to_load}
        try:
            if cls.cheap_to_load:
                table = suite.table(Spec(name))
                row.update(cells=len(table), expected_cells=len(table), costs=sorted(table.archs.costs))
                row["target_cells"] = {name: int(np.isfinite(table.targets[name]).sum()) for name in cls.targets}
            else:  # e.g. trains a supernet: listed from its defaults, not loaded
                row["expected_cells"] = suite.benchmark(Spec(name)).expected_size()
        except ConfigError as exc:  # e.g. csv without path=: it cannot be listed without options
            row["needs_options"] = str(exc)
        except SuiteError as exc:
            row["error"] = str(exc)
        row |= {"targets": list(cls.targets), "default_target": cls.default_target, "description": cls.description}
        row["lower_is_better"] = [name for name in cls.targets if name in cls.lower_is_better]
        rows.append(row)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        if "needs_options" in row:
            size = f"needs options ({row['needs_options']})"
        elif "error" in row:
            size = f"cannot be loaded here ({row['error']})"
        elif row["loaded"]:
            size = f"{row['cells']} cells"
        else:
            cells = f"{row['expected_cells']} cells" if row["expected_cells"] is not None else "its cells"
            size = f"{cells} with default options, computed when loaded (not loaded for this listing)"
        costs = ", ".join(row["costs"]) or ("computed when loaded" if not row["loaded"] else "-")
        if row["targets"]:
            shown = [_target_text(name, row) for name in row["targets"]]
            targets = f"targets {', '.join(shown)} (default {row['default_target']})"
        else:  # the targets depend on its options (the columns of a user's file)
            targets = "targets set by its options"
        print(f"{row['name']}: {size}; {targets}; costs {costs}")
    return 0


def _target_text(name: str, row: dict[str, Any]) -> str:
    """A target as the listing shows it: ``[min]`` when lower is better, and its number of cells
    when some cells of the table have no value for it."""
    notes = ["min"] if name in row["lower_is_better"] else []
    cells = row.get("target_cells", {}).get(name)
    if cells is not None and cells < row["cells"]:
        notes.append(f"{cells} cells")
    return f"{name} [{', '.join(notes)}]" if notes else name


def _list_kind(
    args: argparse.Namespace, kind: Kind, fields: Callable[[Any], dict[str, Any]], line: Callable[[dict], str]
) -> int:
    """Print every entry of ``kind``: its name, plugin, options (with their defaults), description and
    ``fields``; ``--options`` adds a line of options and defaults under each (the harness's own
    ``random_state`` and ``device`` left out)."""
    rows = []
    for name in kind.names():
        entry = kind.get(name)
        common = {"name": name, "plugin": entry.plugin.name, "params": entry.cls.param_names()}
        common["defaults"] = _defaults(entry.cls)
        rows.append({**common, **fields(entry.cls), "description": entry.cls.description})
    if args.json:
        print(json.dumps(rows, indent=2, default=repr))
        return 0
    for row in rows:
        print(line(row))
        if getattr(args, "options", False):
            harness = getattr(kind.base, "harness_options", ())
            shown = {k: v for k, v in row["defaults"].items() if k not in harness}
            print("  options: " + (", ".join(f"{k}={v!r}" for k, v in shown.items()) or "none"))
    return 0


def _defaults(cls: type) -> dict[str, Any]:
    """Each option's default (``None`` for an option without one)."""
    parameters = inspect.signature(cls.__init__).parameters
    return {
        name: None if parameters[name].default is inspect.Parameter.empty else parameters[name].default
        for name in cls.param_names()
        if name in parameters
    }


def cmd_predictors(args: argparse.Namespace, suite: Suite, parser: argparse.ArgumentParser) -> int:
    return _list_kind(
        args,
        suite.registry.predictors,
        lambda cls: {"needs": sorted(cls.needs), "fast": cls.fast},
        lambda row: f"{row['name']}: {row['description']} [needs: {', '.join(row['needs']) or 'nothing'}]",
    )


def cmd_strategies(args: argparse.Namespace, suite: Suite, parser: argparse.ArgumentParser) -> int:
    guided = " [guided by a predictor]"
    return _list_kind(
        args,
        suite.registry.strategies,
        lambda cls: {"uses_predictor": cls.uses_predictor},
        lambda row: f"{row['name']}: {row['description']}{guided if row['uses_predictor'] else ''}",
    )
