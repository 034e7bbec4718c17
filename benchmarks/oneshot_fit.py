"""Raw supernet estimates vs a GCN fitted to them, on the recorded NB101 supernets (issue: GCN fit).

Usage: ``python benchmarks/oneshot_fit.py [--out results/oneshot] [--train-size 800] [--jobs 2]
[--methods M,M] [--spaces S,S] [--gcn-options key=value,...]``

For every recorded supernet (6 training methods x 7 sub-spaces x 5 samples: one ``nb101-oneshot``
table of ~1,000 sampled cells each) this runs, through the ordinary harness (``nasbench-suite run
--score-train``, one split per table): ``supernet`` (the raw estimates), ``gcn-fit`` (a GCN fitted
to the estimates of the training cells, no true accuracy) and ``gcn`` (the same GCN fitted to the
true accuracies of the same cells). It then writes ``OUT/fit_table.md``: per method and sub-space,
Kendall tau against the true NB101 validation accuracy on the sampled (training) cells and on the
held-out cells, mean ± std over the 5 samples, and a summary of the paired differences (fit minus raw
estimates, per supernet) with Student-t intervals. Every run is in ``OUT/records.jsonl``; a re-run
resumes; ``--render-only`` writes the table from the records already there.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

import pandas as pd

from nasbench_suite.cli import main as suite_main
from nasbench_suite.report.inference import mean_interval
from nasbench_suite.study.records import ResultsStore, load_records

METHODS = ("baseline_no_ft", "baseline_ft_bn", "pro-rata_ft_bn", "avg-3_ft_bn", "single-k_ft_bn", "s-k+p-r_ft_bn")
SPACES = ("1", "2", "3", "4", "full", "full_0", "full_1")
SAMPLES = range(5)
COLUMNS = {
    ("supernet", "train_kendall_tau"): "raw, sampled",
    ("gcn-fit", "train_kendall_tau"): "gcn-fit, sampled",
    ("supernet", "kendall_tau"): "raw, held out",
    ("gcn-fit", "kendall_tau"): "gcn-fit, held out",
    ("gcn", "kendall_tau"): "gcn on true acc., held out",
}


def run_all(args: argparse.Namespace) -> int:
    command = ["run"]
    for method in args.methods:
        for space in args.spaces:
            for sample in SAMPLES:
                command += ["--benchmark", f"nb101-oneshot:method={method},space={space},sample={sample}"]
    command += [
        "--predictor", "supernet",
        "--predictor", f"gcn-fit:{args.gcn_options}" if args.gcn_options else "gcn-fit",
        "--predictor", f"gcn:{args.gcn_options}" if args.gcn_options else "gcn",
        "--train-sizes", str(args.train_size), "--seeds", "1", "--score-train",
        "--device", "cpu", "--jobs", str(args.jobs), "--out", str(args.out),
    ]  # fmt: skip
    return suite_main(command)


def fit_table(records: list[dict]) -> pd.DataFrame:
    """One row per (method, sub-space): ``mean ± std`` over the recorded samples per column."""
    frame = pd.DataFrame.from_records([r for r in records if r.get("status") == "ok" and r.get("score_train")])
    options = frame["benchmark"].str.extract(
        r"method='?(?P<method>[^,']+)'?,sample=(?P<sample>\d),space='?(?P<space>[^,']+)"
    )
    frame = pd.concat([frame, options], axis=1)
    frame["model"] = frame["predictor"].str.split(":").str[0]
    rows = []
    for (method, space), group in frame.groupby(["method", "space"], sort=False):
        raw = group[group["model"] == "supernet"]
        row = {"method": method, "sub-space": space, "samples": int(raw["train_kendall_tau"].notna().sum())}
        for (model, metric), label in COLUMNS.items():
            values = group.loc[group["model"] == model, metric].astype(float)
            row[label] = f"{values.mean():.3f} ± {values.std(ddof=1):.3f}" if len(values) > 1 else "—"
        rows.append(row)
    table = pd.DataFrame(rows)
    table["method"] = pd.Categorical(table["method"], METHODS)
    table["sub-space"] = pd.Categorical(table["sub-space"], SPACES)
    return table.sort_values(["method", "sub-space"]).reset_index(drop=True)


def _per_supernet(records: list[dict]) -> pd.DataFrame:
    """One row per recorded supernet with a defined τ: raw and fitted τ on sampled / held-out cells."""
    frame = pd.DataFrame.from_records([r for r in records if r.get("status") == "ok" and r.get("score_train")])
    frame["model"] = frame["predictor"].str.split(":").str[0]
    frame["method"] = frame["benchmark"].str.extract(r"method='?([^,']+)")[0]
    wide = frame.pivot_table(index=["benchmark", "method"], columns="model",
                             values=["train_kendall_tau", "kendall_tau"], aggfunc="first")  # fmt: skip
    wide.columns = [f"{metric}:{model}" for metric, model in wide.columns]
    return wide.dropna(subset=["train_kendall_tau:supernet", "train_kendall_tau:gcn-fit"]).reset_index()


def _signed(value: float) -> str:
    return f"{value:+.3f}"


def summary(records: list[dict]) -> str:
    """The paired differences, fit minus raw estimates, over the supernets with a defined τ."""
    table = _per_supernet(records)
    sampled = table["train_kendall_tau:gcn-fit"] - table["train_kendall_tau:supernet"]
    held_out = table["kendall_tau:gcn-fit"] - table["kendall_tau:supernet"]
    s, h = mean_interval(sampled), mean_interval(held_out)
    lines = [
        "## Summary: fit minus raw estimates, paired per supernet\n",
        f"- Supernets with a defined τ: {len(table)}.",
        f"- Sampled cells: gcn-fit is higher in {int((sampled > 0).sum())} of {len(table)}; difference mean "
        f"{_signed(s.value)} [{s.low:+.3f}, {s.high:+.3f}] (95% Student-t), median {_signed(sampled.median())}, range "
        f"{_signed(sampled.min())} to {_signed(sampled.max())}; mean τ raw "
        f"{table['train_kendall_tau:supernet'].mean():.3f}, fitted {table['train_kendall_tau:gcn-fit'].mean():.3f}.",
        f"- Held-out cells: difference mean {_signed(h.value)} [{h.low:+.3f}, {h.high:+.3f}]; `gcn` on the true "
        f"accuracies of the same sampled cells, held out: mean τ {table['kendall_tau:gcn'].mean():.3f}.",
        "",
        "| method | supernets | raw τ, sampled | fit minus raw, sampled (95% CI) |",
        "|---|---|---|---|",
    ]
    for method in METHODS:
        part = table[table["method"] == method]
        diff = mean_interval(part["train_kendall_tau:gcn-fit"] - part["train_kendall_tau:supernet"])
        lines.append(f"| {method} | {len(part)} | {part['train_kendall_tau:supernet'].mean():.3f} | "
                     f"{_signed(diff.value)} [{diff.low:+.3f}, {diff.high:+.3f}] |")  # fmt: skip
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("results/oneshot"))
    parser.add_argument("--train-size", type=int, default=800)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--methods", type=lambda text: text.split(","), default=list(METHODS))
    parser.add_argument("--spaces", type=lambda text: text.split(","), default=list(SPACES))
    parser.add_argument("--gcn-options", default="", help="options for gcn-fit and gcn, e.g. epochs=100")
    parser.add_argument("--render-only", action="store_true", help="write the table from the records already there")
    args = parser.parse_args()
    code = 0 if args.render_only else run_all(args)
    records = load_records([args.out])
    table = fit_table(records)
    raw = [r for r in records if r.get("status") == "ok" and r["predictor"] == "supernet"]
    collapsed = sum(r.get("train_kendall_tau") is None for r in raw)
    text = (
        "# Supernet estimates vs a GCN fitted to them (recorded NB101 supernets)\n\n"
        f"Produced by `python benchmarks/oneshot_fit.py {shlex.join(a for a in sys.argv[1:] if a != '--render-only')}`"
        f"; runs in `{', '.join(path.name for path in ResultsStore(args.out).files())}`.\n\n"
        "Kendall τ against the true NB101 validation accuracy, mean ± std over the recorded samples of each "
        f"supernet ('samples': those whose estimates are not all equal; {collapsed} of the {len(raw)} recorded "
        "supernets collapsed and score every cell alike, so τ is undefined for them and for a fit to them). "
        f"Each sample's ~1,000 cells are split once: {args.train_size} sampled cells whose estimates "
        "`gcn-fit` is fitted to (and `gcn` to their true accuracies), the rest held out. 'sampled': τ on those "
        "training cells (does the fit rank them better than their own estimates?); 'held out': τ on the others.\n\n"
        + table.to_markdown(index=False)
        + "\n\n"
        + summary(records)
    )
    (args.out / "fit_table.md").write_text(text)
    print(text)
    return code


if __name__ == "__main__":
    sys.exit(main())
