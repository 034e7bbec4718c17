"""The ``nasbench-suite`` command line."""

from __future__ import annotations

import argparse
import json
import logging
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

import nasbench_suite
from nasbench_suite import leaderboard, search_leaderboard
from nasbench_suite.config_file import apply_config
from nasbench_suite.errors import ConfigError, SuiteError
from nasbench_suite.executors import Executor, Limits, make_executor
from nasbench_suite.protocol import Suite
from nasbench_suite.registry import Registry, load_registry
from nasbench_suite.results import SEARCH_RESULTS_FILE, ResultsStore, load_results
from nasbench_suite.runner import Outcome, execute, plan_runs
from nasbench_suite.search_protocol import DEFAULT_TOP_FRACTION, SearchSuite
from nasbench_suite.search_runner import execute_searches, plan_searches
from nasbench_suite.specs import Spec, parse_spec

DEFAULT_BENCHMARKS = ["nb201-cifar10"]
DEFAULT_TRAIN_SIZES = "10,32,100,316,1000"
DEFAULT_SEEDS = 10
DEFAULT_SEARCH_PREDICTOR = "graf-xgb"
DEFAULT_BUDGET = 1000


def _int_list(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers (got {text!r})") from None


def _test_size(text: str) -> int | None:
    if text == "all":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer or 'all' (got {text!r})") from None


def _add_common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="TOML file with this command's options in a [run] or [search] table; the command line wins",
    )
    group = parser.add_argument_group("execution")
    group.add_argument("--device", default="auto", help="auto, cpu or cuda (default auto)")
    group.add_argument("--jobs", type=int, default=1, help="parallel local worker processes (default 1)")
    group.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="stop a run after this long and record it as failed (runs then execute in worker processes)",
    )
    group.add_argument(
        "--memory-limit",
        type=float,
        metavar="MB",
        help="stop a run whose worker process exceeds this resident memory and record it as failed",
    )
    group.add_argument(
        "--scheduler",
        metavar="ADDRESS|FILE",
        help="run on a Dask cluster: tcp://HOST:PORT of its scheduler, a scheduler file, or 'local' "
        "(a LocalCluster of --jobs workers); needs nasbench-suite[dask]",
    )


def _executor(args: argparse.Namespace, registry: Registry) -> Executor:
    limits = Limits(args.timeout, args.memory_limit)
    return make_executor(registry, args.jobs, limits, args.scheduler)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nasbench-suite", description=nasbench_suite.__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"nasbench-suite {nasbench_suite.__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="score predictors on benchmarks and print the leaderboard")
    run.add_argument(
        "--benchmark",
        action="append",
        metavar="NAME[:key=value,...]",
        help=f"benchmark spec, repeatable; target=NAME picks the metric (default {DEFAULT_BENCHMARKS[0]})",
    )
    run.add_argument(
        "--predictor",
        action="append",
        metavar="NAME[:key=value,...]",
        help="predictor spec with hyper-parameters, repeatable (default: every fast predictor)",
    )
    run.add_argument(
        "--train-sizes",
        type=_int_list,
        default=_int_list(DEFAULT_TRAIN_SIZES),
        help=f"comma-separated training-set sizes (default {DEFAULT_TRAIN_SIZES})",
    )
    run.add_argument(
        "--seeds", type=int, default=DEFAULT_SEEDS, help=f"number of seeds 0..N-1 (default {DEFAULT_SEEDS})"
    )
    run.add_argument(
        "--test-size",
        type=_test_size,
        default=None,
        help="test cells per run, or 'all' (every cell outside the largest training set; default)",
    )
    run.add_argument(
        "--unlabelled-factor",
        type=int,
        default=10,
        help="unlabelled pool = factor x train size, for predictors that need one (default 10)",
    )
    run.add_argument(
        "--score-train",
        action="store_true",
        help="also score predictions on the training cells (how a fit to noisy estimates ranks them)",
    )
    _add_common_options(run)
    run.add_argument("--out", default="results", help="results directory (default ./results)")
    run.add_argument("--force", action="store_true", help="recompute runs already in the results")
    run.add_argument("--format", default="markdown", help="leaderboard format (markdown, github, latex, html, csv)")

    search = commands.add_parser("search", help="run search strategies and rank them by sample-efficiency gain")
    search.add_argument(
        "--benchmark", action="append", metavar="NAME[:key=value,...]", help="benchmark spec, repeatable"
    )
    search.add_argument(
        "--strategy",
        action="append",
        metavar="NAME[:key=value,...]",
        help="search strategy spec, repeatable (default: every registered strategy)",
    )
    search.add_argument(
        "--predictor",
        action="append",
        metavar="NAME[:key=value,...]",
        help=f"predictor for the strategies that use one, repeatable (default {DEFAULT_SEARCH_PREDICTOR})",
    )
    search.add_argument(
        "--budget", type=int, default=DEFAULT_BUDGET, help=f"look-ups per run (default {DEFAULT_BUDGET})"
    )
    search.add_argument("--seeds", type=int, default=20, help="number of seeds 0..N-1 (default 20)")
    search.add_argument(
        "--top",
        type=float,
        default=DEFAULT_TOP_FRACTION,
        help=f"target set: this fraction of the best cells (default {DEFAULT_TOP_FRACTION})",
    )
    _add_common_options(search)
    search.add_argument("--out", default="results/search", help="results directory (default ./results/search)")
    search.add_argument("--force", action="store_true", help="recompute runs already in the results")
    search.add_argument("--plot", metavar="DIR", help="also write regret-vs-look-ups figures (PNG + SVG)")
    search.add_argument("--format", default="markdown", help="leaderboard format (markdown, github, latex, html, csv)")

    board = commands.add_parser("leaderboard", help="aggregate results into a ranked leaderboard")
    board.add_argument("results", nargs="*", default=["results"], help="results directories or .jsonl files")
    board.add_argument("--format", default="markdown", help="markdown, github, latex, html or csv")
    board.add_argument("--plot", metavar="DIR", help="also write Kendall-tau-vs-train-size figures (PNG + SVG)")
    board.add_argument("--output", metavar="FILE", help="write the leaderboard to FILE instead of stdout")

    for name, text in (
        ("plugins", "list plugins and what they contribute"),
        ("benchmarks", "list benchmarks with sizes and targets"),
        ("predictors", "list predictors with what they need"),
    ):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--json", action="store_true", help="print JSON")
    return parser


def _report_plugin_failures(registry: Registry) -> None:
    for failure in registry.failures:
        print(f"nasbench-suite: warning: {failure.error}", file=sys.stderr)


def _report_outcome(outcome: Outcome, noun: str, store: ResultsStore, board_path: Path) -> None:
    print(
        f"{outcome.finished} {noun} finished, {outcome.failed} failed, {outcome.skipped} already done; "
        f"results in {store.path}, leaderboard in {board_path}",
        file=sys.stderr,
    )
    for error in outcome.errors[:10]:
        print(f"  failed: {error}", file=sys.stderr)


def cmd_run(args: argparse.Namespace, registry: Registry) -> int:
    suite = Suite(registry)
    if args.seeds < 1:
        raise ConfigError(f"--seeds: expected at least 1 (got {args.seeds})")
    benchmarks = [parse_spec(text, "benchmark") for text in (args.benchmark or DEFAULT_BENCHMARKS)]
    if args.predictor:
        predictors = [parse_spec(text, "predictor") for text in args.predictor]
    else:
        predictors = [
            parse_spec(name, "predictor")
            for name in registry.predictors.names()
            if registry.predictors.get(name).cls.fast
        ]
    leaderboard.render([], args.format)  # validates --format before any work
    with _executor(args, registry) as executor:
        return _run_on(executor, args, suite, benchmarks, predictors)


def _run_on(
    executor: Executor, args: argparse.Namespace, suite: Suite, benchmarks: list[Spec], predictors: list[Spec]
) -> int:
    device = executor.resolve_device(args.device)
    runs = plan_runs(
        suite,
        benchmarks,
        predictors,
        args.train_sizes,
        list(range(args.seeds)),
        args.test_size,
        device,
        args.unlabelled_factor,
        skip_incompatible=not args.predictor,
        score_train=args.score_train,
    )
    store = ResultsStore(args.out)
    try:
        outcome = execute(suite, runs, store, executor, force=args.force)
    except KeyboardInterrupt:
        print(
            f"nasbench-suite: interrupted; finished runs are saved in {store.path}; re-run the same command to resume",
            file=sys.stderr,
        )
        return 130
    keys = {run.config.key() for run in runs}
    all_records = load_results([args.out])  # the latest record of each run
    print(leaderboard.render([r for r in all_records if r["key"] in keys], args.format))
    command = "nasbench-suite " + shlex.join(args.argv)
    board_path = Path(args.out) / "leaderboard.md"
    board_path.write_text(
        f"# Leaderboard\n\nProduced by `{command}`; every run is in `{store.path.name}`.\n\n"
        + leaderboard.render(all_records, "markdown")
    )
    _report_outcome(outcome, "runs", store, board_path)
    return 0


def cmd_search(args: argparse.Namespace, registry: Registry) -> int:
    searches = SearchSuite(Suite(registry))
    benchmarks = [parse_spec(text, "benchmark") for text in (args.benchmark or DEFAULT_BENCHMARKS)]
    strategies = [parse_spec(text, "search strategy") for text in (args.strategy or registry.strategies.names())]
    predictors = [parse_spec(text, "predictor") for text in (args.predictor or [DEFAULT_SEARCH_PREDICTOR])]
    search_leaderboard.render_searches([], args.format)  # validates --format before any work
    with _executor(args, registry) as executor:
        return _search_on(executor, args, searches, benchmarks, strategies, predictors)


def _search_on(
    executor: Executor,
    args: argparse.Namespace,
    searches: SearchSuite,
    benchmarks: list[Spec],
    strategies: list[Spec],
    predictors: list[Spec],
) -> int:
    device = executor.resolve_device(args.device)
    planned = plan_searches(
        searches, benchmarks, strategies, predictors, args.budget, list(range(args.seeds)), args.top, device
    )
    store = ResultsStore(args.out, SEARCH_RESULTS_FILE)
    try:
        outcome = execute_searches(searches, planned, store, force=args.force, executor=executor)
    except KeyboardInterrupt:
        print(f"nasbench-suite: interrupted; finished searches are saved in {store.path}", file=sys.stderr)
        return 130
    keys = {run.config.key() for run in planned}
    all_records = load_results([args.out], SEARCH_RESULTS_FILE)
    print(search_leaderboard.render_searches([r for r in all_records if r["key"] in keys], args.format))
    board_path = Path(args.out) / "search_leaderboard.md"
    board_path.write_text(
        f"# Search leaderboard\n\nProduced by `nasbench-suite {shlex.join(args.argv)}`; every run is in "
        f"`{store.path.name}`.\n\n" + search_leaderboard.render_searches(all_records, "markdown")
    )
    if args.plot:
        for path in search_leaderboard.plot_regret(all_records, args.plot):
            print(f"wrote {path}", file=sys.stderr)
    _report_outcome(outcome, "searches", store, board_path)
    return 0


def cmd_leaderboard(args: argparse.Namespace, registry: Registry) -> int:
    records = load_results(args.results)
    text = leaderboard.render(records, args.format)
    if args.output:
        Path(args.output).write_text(text)
    else:
        print(text)
    if args.plot:
        for path in leaderboard.plot(records, args.plot):
            print(f"wrote {path}", file=sys.stderr)
    return 0


def cmd_plugins(args: argparse.Namespace, registry: Registry) -> int:
    rows = []
    for info in registry.plugins.values():
        contributes = {
            kind.label: [e.name for e in kind.entries.values() if e.plugin.name == info.name]
            for kind in (registry.predictors, registry.benchmarks, registry.strategies, registry.networks)
        }
        rows.append(
            {
                "name": info.name,
                "distribution": info.distribution,
                "version": info.version,
                "contributes": {k: v for k, v in contributes.items() if v},
            }
        )
    failures = [{"name": f.name, "distribution": f.distribution, "error": f.error} for f in registry.failures]
    if args.json:
        print(json.dumps({"plugins": rows, "failures": failures}, indent=2))
        return 0
    for row in rows:
        print(f"{row['name']} ({row['distribution']} {row['version']})")
        for label, names in row["contributes"].items():
            print(f"  {label}s: {', '.join(names)}")
    for failure in failures:
        print(f"FAILED {failure['name']}: {failure['error']}")
    return 0


def cmd_benchmarks(args: argparse.Namespace, registry: Registry) -> int:
    suite = Suite(registry)
    rows = []
    for name in registry.benchmarks.names():
        entry = registry.benchmarks.get(name)
        if not entry.cls.cheap_to_load:  # e.g. trains a supernet: not for a listing
            size, costs = None, ["(computed when the benchmark is loaded)"]
        else:
            try:
                table = suite.table(parse_spec(name, "benchmark"))
                size, costs = len(table), sorted(table.archs.costs)
            except SuiteError as exc:
                size, costs = None, [f"error: {exc}"]
        rows.append(
            {
                "name": name,
                "cells": size,
                "targets": list(entry.cls.targets),
                "default_target": entry.cls.default_target,
                "costs": costs,
                "description": entry.cls.description,
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            print(
                f"{row['name']}: {row['cells']} cells; targets {', '.join(row['targets'])} "
                f"(default {row['default_target']}); costs {', '.join(row['costs']) or '-'}"
            )
    return 0


def cmd_predictors(args: argparse.Namespace, registry: Registry) -> int:
    rows = []
    for name in registry.predictors.names():
        entry = registry.predictors.get(name)
        rows.append(
            {
                "name": name,
                "needs": sorted(entry.cls.needs),
                "fast": entry.cls.fast,
                "plugin": entry.plugin.name,
                "params": entry.cls.param_names(),
                "description": entry.cls.description,
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            print(f"{row['name']}: {row['description']} [needs: {', '.join(row['needs']) or 'nothing'}]")
    return 0


COMMANDS = {
    "run": cmd_run,
    "search": cmd_search,
    "leaderboard": cmd_leaderboard,
    "plugins": cmd_plugins,
    "benchmarks": cmd_benchmarks,
    "predictors": cmd_predictors,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    if getattr(args, "config", None):
        try:
            args = _parse_with_config(parser, argv, args)
        except ConfigError as exc:
            parser.exit(2, f"nasbench-suite: error: {_one_line(exc)}\n")
    args.argv = argv
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    registry = load_registry()
    _report_plugin_failures(registry)
    try:
        return COMMANDS[args.command](args, registry)
    except ConfigError as exc:
        parser.exit(2, f"nasbench-suite: error: {_one_line(exc)}\n")
    except SuiteError as exc:
        print(f"nasbench-suite: error: {_one_line(exc)}", file=sys.stderr)
        return 1


def _one_line(error: Exception) -> str:
    """Errors are printed on one line, whatever a library put in the message."""
    return " ".join(str(error).split())


def _parse_with_config(
    parser: argparse.ArgumentParser, argv: list[str], args: argparse.Namespace
) -> argparse.Namespace:
    """Parse again with the config file's options as defaults: the command line wins; a repeatable
    option given on the command line replaces the file's list."""
    command = _subcommand(parser, args.command)
    values = apply_config(args.config, args.command, command)
    repeatable = {a.dest for a in command._actions if isinstance(a, argparse._AppendAction)}
    lists = {dest: values.pop(dest) for dest in list(values) if dest in repeatable}
    command.set_defaults(**values)
    args = parser.parse_args(argv)
    for dest, items in lists.items():
        if getattr(args, dest) is None:
            setattr(args, dest, items)
    return args


def _subcommand(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return commands.choices[name]


if __name__ == "__main__":
    sys.exit(main())
