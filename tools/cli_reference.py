"""The command-line reference page, generated from the argument parser so that it cannot drift:
every command, its arguments and options, with their defaults and help as ``--help`` gives them.

Usage::

    python tools/cli_reference.py            # print docs/cli.md
    python tools/cli_reference.py --write    # write docs/cli.md (tests/test_docs.py checks it is current)
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from nasbench_suite.cli import COMMANDS
from nasbench_suite.cli.parser import build_parser, subcommand

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "cli.md"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;")


def _rows(parser: argparse.ArgumentParser) -> list[str]:
    rows = ["| argument | value | default | what it does |", "|---|---|---|---|"]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        names = ", ".join(f"`{name}`" for name in action.option_strings) or f"`{action.dest}`"
        takes = action.nargs != 0
        value = _cell(action.metavar or action.dest.upper()) if takes else ""
        default = action.default if action.default not in (None, argparse.SUPPRESS, False) else ""
        help_text = _cell(action.help or "").replace("%(default)s", str(action.default))
        rows.append(f"| {names} | {value} | {_cell(default)} | {help_text} |")
    return rows


def _summaries(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Each command's one-line help, as ``nasbench-suite --help`` lists it."""
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {choice.dest: choice.help or "" for choice in commands._choices_actions}


def page() -> str:
    """The whole page, in the order ``nasbench-suite --help`` lists the commands (usage lines
    wrapped at 100 columns, whatever the terminal)."""
    os.environ["COLUMNS"] = "100"
    parser = build_parser()
    summaries = _summaries(parser)
    lines = [
        "# Command line",
        "",
        "Generated from the argument parser by `python tools/cli_reference.py --write`; `nasbench-suite",
        "COMMAND --help` prints the same. Exit statuses: 0 every planned job finished, 1 a job failed",
        "(`--allow-failures`: 0) or another error, 2 a configuration error (nothing ran), 130 interrupted.",
        "Options may also come from a TOML file (`--config FILE`, a table named after the command), the",
        "command line winning; study files are described in [study files](study-files.md).",
        "",
        "```text",
        parser.format_usage().strip(),
        "```",
        "",
        *_rows(parser),
    ]
    for name in COMMANDS:
        command = subcommand(parser, name)
        lines += ["", f"## {name}", "", _cell(summaries.get(name, "")).capitalize() + "."]
        lines += ["", "```text", command.format_usage().strip(), "```", "", *_rows(command)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    args.add_argument("--write", action="store_true", help="write docs/cli.md")
    if args.parse_args(argv).write:
        PAGE.write_text(page(), encoding="utf-8")
        print(f"wrote {PAGE}")
    else:
        sys.stdout.write(page())
    return 0


if __name__ == "__main__":
    sys.exit(main())
