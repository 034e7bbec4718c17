"""The ``nasbench-suite`` command line: a thin layer over the study mechanism and the registry.

Configuration errors exit with status 2, every other suite error with status 1, always as one line
on standard error; ``run``, ``search`` and ``study`` exit with 1 when a planned job failed (unless
``--allow-failures``), after writing the report; an interrupted study exits with 130.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from nasbench_suite.cli.commands import cmd_figures, cmd_leaderboard, cmd_run, cmd_search, cmd_study
from nasbench_suite.cli.config_file import apply_config
from nasbench_suite.cli.listings import cmd_benchmarks, cmd_plugins, cmd_predictors, cmd_strategies
from nasbench_suite.cli.parser import build_parser, subcommand
from nasbench_suite.deprecation import show_deprecations
from nasbench_suite.errors import ConfigError, SuiteError
from nasbench_suite.registry.registry import load_registry
from nasbench_suite.registry.suite import Suite

COMMANDS = {
    "run": cmd_run,
    "search": cmd_search,
    "study": cmd_study,
    "leaderboard": cmd_leaderboard,
    "figures": cmd_figures,
    "plugins": cmd_plugins,
    "benchmarks": cmd_benchmarks,
    "predictors": cmd_predictors,
    "strategies": cmd_strategies,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    try:
        if getattr(args, "config", None):
            args = _parse_with_config(parser, argv, args)
    except ConfigError as exc:
        parser.exit(2, f"nasbench-suite: error: {one_line(exc)}\n")
    args.argv = argv
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    show_deprecations()  # a plugin's use of deprecated API, once per place of use
    registry = load_registry()
    for failure in registry.failures:
        print(f"nasbench-suite: warning: {failure.describe()}: {failure.error}", file=sys.stderr)
    try:
        return COMMANDS[args.command](args, Suite(registry), parser)
    except ConfigError as exc:
        parser.exit(2, f"nasbench-suite: error: {one_line(exc)}\n")
    except SuiteError as exc:
        print(f"nasbench-suite: error: {one_line(exc)}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader of the output stopped (e.g. `| head`): nothing left to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def one_line(error: Exception) -> str:
    """Errors are printed on one line, whatever a library put in the message."""
    return " ".join(str(error).split())


def _parse_with_config(
    parser: argparse.ArgumentParser, argv: list[str], args: argparse.Namespace
) -> argparse.Namespace:
    """Parse again with the config file's options as defaults: the command line wins; a repeatable
    option given on the command line replaces the file's list."""
    command = subcommand(parser, args.command)
    values = apply_config(args.config, args.command, command)
    repeatable = {a.dest for a in command._actions if isinstance(a, argparse._AppendAction)}
    lists = {dest: values.pop(dest) for dest in list(values) if dest in repeatable}
    command.set_defaults(**values)
    args = parser.parse_args(argv)
    for dest, items in lists.items():
        if getattr(args, dest) is None:
            setattr(args, dest, items)
    return args


if __name__ == "__main__":
    sys.exit(main())
