"""The command line's options: defined once here, used by the command line itself and by the TOML
files (``--config``, study files), which are checked against these same definitions."""

from __future__ import annotations

import argparse

from nasbench_suite._version import __version__
from nasbench_suite.study.experiment import (
    DEFAULT_BENCHMARK,
    DEFAULT_BUDGET,
    DEFAULT_GUIDE,
    DEFAULT_HV_TARGET,
    DEFAULT_SEEDS,
    DEFAULT_TOP_FRACTION,
    DEFAULT_TRAIN_SIZES,
    DEFAULT_UNLABELLED_FACTOR,
    TEST_EVERY,
    TEST_REST,
)

#: Where results go when no --out is given; never the committed ``results/`` folder.
DEFAULT_OUT = "nasbench-results"
FORMAT_HELP = "report format: markdown (or md), github, latex, html or csv (default markdown)"


def int_list(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers (got {text!r})") from None


def test_size(text: str) -> int | str | None:
    if text == "all":
        return None
    if text in (TEST_REST, TEST_EVERY):
        return text
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an integer, 'all', '{TEST_REST}' or '{TEST_EVERY}' (got {text!r})"
        ) from None


def _execution_options(parser: argparse.ArgumentParser, device: bool = True) -> None:
    group = parser.add_argument_group("execution")
    if device:
        group.add_argument("--device", default="auto", help="auto, cpu or cuda (default auto)")
    group.add_argument("--jobs", type=int, default=1, help="parallel local worker processes (default 1)")
    group.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="stop a job after this long and record it as failed (jobs then execute in worker processes)",
    )
    group.add_argument(
        "--memory-limit",
        type=float,
        metavar="MB",
        help="stop a job whose worker process exceeds this resident memory and record it as failed",
    )
    group.add_argument(
        "--scheduler",
        metavar="ADDRESS|FILE",
        help="run on a Dask cluster: tcp://HOST:PORT of its scheduler, a scheduler file, or 'local' "
        "(a LocalCluster of --jobs workers); needs nasbench-suite[dask]",
    )


def _output_options(parser: argparse.ArgumentParser, out: str, out_help: str) -> None:
    group = parser.add_argument_group("results")
    group.add_argument("--out", default=out, help=out_help)
    group.add_argument("--force", action="store_true", help="recompute jobs already in the results")
    group.add_argument(
        "--dry-run", action="store_true", help="plan, print the jobs not yet done and their count, and exit"
    )
    group.add_argument("--format", default="markdown", help=FORMAT_HELP)
    group.add_argument("--plot", metavar="DIR", help="also write the report's figures (PNG + SVG) to DIR")
    group.add_argument(
        "--allow-failures",
        action="store_true",
        help="exit 0 even when jobs failed (by default any failed job makes the exit status 1; the report "
        "is written and lists the failures either way)",
    )


def _seed_options(parser: argparse.ArgumentParser, kind: str) -> None:
    seeds = DEFAULT_SEEDS[kind]
    parser.add_argument("--seeds", type=int, default=seeds, help=f"number of seeds 0..N-1 (default {seeds})")
    parser.add_argument("--first-seed", type=int, default=0, help="start the seeds at K: K..K+N-1 (default 0)")


def _spec_option(parser: argparse.ArgumentParser, name: str, help: str) -> None:
    parser.add_argument(f"--{name}", action="append", metavar="NAME[:key=value,...]", help=help)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nasbench-suite",
        description="Benchmark NAS architecture-performance predictors and search strategies on real NAS-Bench tables.",
    )
    parser.add_argument("--version", action="version", version=f"nasbench-suite {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    commands = parser.add_subparsers(dest="command", required=True)
    config_help = "TOML file with this command's options in a [{}] table; the command line wins"

    run = commands.add_parser("run", help="score predictors for Kendall tau at train sizes (a ranking study)")
    _spec_option(
        run, "benchmark", f"benchmark spec, repeatable; target=NAME picks the metric (default {DEFAULT_BENCHMARK})"
    )
    _spec_option(run, "predictor", "predictor spec with hyper-parameters, repeatable (default: every fast predictor)")
    sizes = ",".join(map(str, DEFAULT_TRAIN_SIZES))
    run.add_argument(
        "--train-sizes",
        type=int_list,
        default=list(DEFAULT_TRAIN_SIZES),
        help=f"comma-separated training-set sizes (default {sizes})",
    )
    _seed_options(run, "ranking")
    run.add_argument(
        "--test-size",
        type=test_size,
        default=None,
        help="test cells per run; 'all': every cell outside the largest training and unlabelled sets, one test set "
        "for every train size (default); 'rest': every cell outside the run's own training and unlabelled sets "
        "; 'every': every cell, the run's training cells included (the protocol of TNASP, NAR-Former, NN-Former "
        "and PINAT)",
    )
    run.add_argument(
        "--train-pool",
        type=int,
        default=0,
        help="draw the labels from a fixed pool of this many cells, the same for every seed, and test outside it "
        "(the GATES protocol; default 0: no pool)",
    )
    run.add_argument(
        "--train-target",
        metavar="NAME",
        default=None,
        help="label the training cells with this other target of the benchmark (e.g. val_accuracy) while "
        "scoring the benchmark's target (default: the scored target itself)",
    )
    run.add_argument(
        "--unlabelled-factor",
        type=int,
        default=DEFAULT_UNLABELLED_FACTOR,
        help=f"unlabelled pool = factor x train size, for predictors needing one (default {DEFAULT_UNLABELLED_FACTOR})",
    )
    run.add_argument("--score-train", action="store_true", help="also score predictions on the training cells")
    run.add_argument("--config", metavar="FILE", help=config_help.format("run"))
    _execution_options(run)
    _output_options(run, DEFAULT_OUT, f"results directory (default ./{DEFAULT_OUT})")

    search = commands.add_parser("search", help="run search strategies and rank them by sample-efficiency gain")
    _spec_option(search, "benchmark", f"benchmark spec, repeatable (default {DEFAULT_BENCHMARK})")
    _spec_option(search, "strategy", "search strategy spec, repeatable (default: every registered strategy)")
    _spec_option(
        search, "predictor", f"predictor guiding the strategies that use one, repeatable (default {DEFAULT_GUIDE})"
    )
    search.add_argument(
        "--budget", type=int, default=DEFAULT_BUDGET, help=f"look-ups per search (default {DEFAULT_BUDGET})"
    )
    _seed_options(search, "search")
    search.add_argument(
        "--top",
        type=float,
        default=DEFAULT_TOP_FRACTION,
        help=f"target set: this fraction of the best cells (default {DEFAULT_TOP_FRACTION})",
    )
    search.add_argument(
        "--constraint",
        metavar="METRIC<=VALUE",
        help="search only the cells that satisfy this (<=, <, >=, >) on a target or cost, e.g. edgegpu_latency<=5",
    )
    search.add_argument(
        "--objective",
        action="append",
        metavar="TARGET",
        help="give twice for a multi-objective (Pareto) search of multi-objective strategies, scored by "
        "hypervolume; a target the benchmark marks lower-is-better (latency, energy: [min] in "
        "'nasbench-suite benchmarks') is minimised (e.g. --objective test_accuracy --objective edgegpu_latency)",
    )
    search.add_argument(
        "--hv-target",
        type=float,
        default=DEFAULT_HV_TARGET,
        help=f"Pareto search's target: this fraction of the true front's hypervolume (default {DEFAULT_HV_TARGET})",
    )
    search.add_argument("--config", metavar="FILE", help=config_help.format("search"))
    _execution_options(search)
    _output_options(search, DEFAULT_OUT, f"results directory (default ./{DEFAULT_OUT})")

    study = commands.add_parser(
        "study", help="run a study file: ranking and search blocks, one results store, one report"
    )
    study.add_argument("file", metavar="FILE", help="TOML study file (see studies/)")
    study.add_argument("--device", help="auto, cpu or cuda for every block (default: each block's, else auto)")
    _execution_options(study, device=False)
    _output_options(study, "", f"results directory (default: the file's [study] out, else ./{DEFAULT_OUT}/<file name>)")

    board = commands.add_parser("leaderboard", help="render the report of results directories or files")
    board.add_argument(
        "results",
        nargs="*",
        default=[DEFAULT_OUT],
        help=f"results directories or .jsonl files (default ./{DEFAULT_OUT})",
    )
    board.add_argument("--format", default="markdown", help=FORMAT_HELP)
    board.add_argument("--plot", metavar="DIR", help="also write the report's figures (PNG + SVG) to DIR")
    board.add_argument("--output", metavar="FILE", help="write the report to FILE instead of stdout")

    figures = commands.add_parser(
        "figures",
        help="check the figures quoted in markdown files against the records they reference (<!--= ... -->)",
    )
    figures.add_argument("files", nargs="+", metavar="FILE", help="markdown files (README, a paper draft)")
    figures.add_argument("--fix", action="store_true", help="rewrite quoted values to what the records give")

    for name, text in (
        ("plugins", "list plugins and what they contribute"),
        ("benchmarks", "list benchmarks with sizes, targets and costs"),
        ("predictors", "list predictors with what they need"),
        ("strategies", "list search strategies"),
    ):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--json", action="store_true", help="print JSON")
        if name in ("predictors", "strategies"):
            sub.add_argument("--options", action="store_true", help="also list each one's options and defaults")
    return parser


def subcommand(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return commands.choices[name]
