"""How far two runs of the same study agree: for every job in both results directories (same key),
the difference of its Kendall tau (ranking) or its look-ups to the target (search), summarised per
predictor or strategy and guide as a markdown table.

Usage: python tools/compare_runs.py DIR_A DIR_B > DIR_A/reproducibility.md
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict

import numpy as np

from nasbench_suite.report.summaries import label
from nasbench_suite.study.records import load_records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("first")
    parser.add_argument("second")
    args = parser.parse_args(argv)
    first = {r["key"]: r for r in load_records([args.first]) if r.get("status") == "ok"}
    second = {r["key"]: r for r in load_records([args.second]) if r.get("status") == "ok"}
    shared = sorted(set(first) & set(second))
    tau: dict[str, list[float]] = defaultdict(list)
    searches: dict[str, list[bool]] = defaultdict(list)
    for key in shared:
        a, b = first[key], second[key]
        if a["kind"] == "ranking" and a.get("kendall_tau") is not None and b.get("kendall_tau") is not None:
            tau[label(a, "predictor")].append(abs(a["kendall_tau"] - b["kendall_tau"]))
        elif a["kind"] == "search":
            guide = label(a, "predictor")
            name = label(a, "strategy") + (f" / {guide}" if guide else "")
            same = a["lookups_to_target"] == b["lookups_to_target"] and a["lookups_to_best"] == b["lookups_to_best"]
            searches[name].append(same)
    print(f"# {args.first} against {args.second}\n")
    print(f"{len(shared)} jobs in both ({len(first)} and {len(second)} finished records).\n")
    print("| predictor | runs | identical τ | max abs Δτ | mean abs Δτ |\n|---|---|---|---|---|")
    for name, deltas in sorted(tau.items()):
        values = np.array(deltas)
        print(f"| {name} | {len(values)} | {int((values == 0).sum())} | {values.max():.3f} | {values.mean():.3f} |")
    print("\n| search (strategy / guide) | runs | same look-ups to target and best |\n|---|---|---|")
    for name, same in sorted(searches.items()):
        print(f"| {name} | {len(same)} | {sum(same)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
