"""The reference pages generated from the code, so that they cannot drift: ``docs/cli.md`` from the
argument parser (every command, its arguments and options, with their defaults and help as
``--help`` gives them) and ``docs/catalogue.md`` from the registry (every first-party benchmark,
predictor and search strategy with its description, citation, needs and options with defaults).

Usage::

    python tools/cli_reference.py            # print docs/cli.md
    python tools/cli_reference.py --write    # write both pages (tests/test_docs.py checks they are current)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from nasbench_suite.cli import COMMANDS
from nasbench_suite.cli.parser import build_parser, subcommand

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "cli.md"
CATALOGUE = ROOT / "docs" / "catalogue.md"
#: The suite's own plugins (the catalogue lists these whatever else is installed).
FIRST_PARTY = "tables,baselines,gnn,ssa,graf,zc,search,supernet,ghn,encodings"


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
        default = (
            ""
            if action.default is None or action.default is argparse.SUPPRESS or action.default is False
            else action.default
        )
        help_text = _cell(action.help or "").replace("%(default)s", str(action.default))
        rows.append(f"| {names} | {value} | {_cell(default)} | {help_text} |")
    return rows


def _summaries(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Each command's one-line help, as ``nasbench-suite --help`` lists it."""
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {choice.dest: choice.help or "" for choice in commands._choices_actions}


def page() -> str:
    """The whole page, in the order ``nasbench-suite --help`` lists the commands (usage lines
    wrapped at 100 columns, whatever the terminal; no colours)."""
    with _environment(COLUMNS="100", NO_COLOR="1", FORCE_COLOR=None):
        return _page()


@contextlib.contextmanager
def _environment(**values: str | None) -> Iterator[None]:
    """Set environment variables (unset those given ``None``) for the block, then restore them."""
    saved = {name: os.environ.get(name) for name in values}

    def apply(settings: dict[str, str | None]) -> None:
        for name, value in settings.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    apply(values)
    try:
        yield
    finally:
        apply(saved)


def _page() -> str:
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
        summary = _cell(summaries.get(name, ""))
        lines += ["", f"## {name}", "", summary[:1].upper() + summary[1:] + "."]
        lines += ["", "```text", command.format_usage().strip(), "```", "", *_rows(command)]
    return "\n".join(lines) + "\n"


def _options(cls: type) -> str:
    """``name=default`` for every option a user may set."""
    import inspect

    if cls.__init__ is object.__init__:
        return "none"
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    shown = [
        f"`{p.name}`" + ("" if p.default is p.empty else f"=`{p.default!r}`")
        for p in parameters
        if p.name not in getattr(cls, "harness_options", ())
    ]
    return ", ".join(shown) or "none"


def catalogue() -> str:
    """Every first-party benchmark, predictor and search strategy, from the registry."""
    from nasbench_suite.registry.registry import load_registry

    with _environment(NASBENCH_SUITE_PLUGINS=FIRST_PARTY):
        registry = load_registry()
    lines = [
        "# Catalogue",
        "",
        "Every benchmark, predictor and search strategy the suite ships, with its options and their",
        "defaults (set them as `NAME:key=value,...`), generated from the registry by",
        "`python tools/cli_reference.py --write`. `nasbench-suite benchmarks|predictors|strategies --json`",
        "lists the same for whatever is installed, third-party plugins included.",
        "",
        "## Benchmarks",
        "",
        "| name | targets (default) | options | description | citation |",
        "|---|---|---|---|---|",
    ]
    for name in registry.benchmarks.names():
        cls = registry.benchmarks.get(name).cls
        targets = ", ".join(cls.targets) if cls.targets else "the file's numeric columns"
        default = f" ({cls.default_target})" if cls.targets else ""
        row = [f"`{name}`", targets + default, _options(cls), cls.description, cls.citation or "—"]
        lines.append("| " + " | ".join(_cell(item) for item in row) + " |")
    lines += ["", "## Predictors", "", "| name | needs | options | description |", "|---|---|---|---|"]
    for name in registry.predictors.names():
        cls = registry.predictors.get(name).cls
        needs = ", ".join(sorted(cls.needs)) or "nothing (label-free)"
        lines.append("| " + " | ".join(_cell(x) for x in (f"`{name}`", needs, _options(cls), cls.description)) + " |")
    lines += ["", "## Search strategies", "", "| name | guided | options | description |", "|---|---|---|---|"]
    for name in registry.strategies.names():
        cls = registry.strategies.get(name).cls
        guided = "yes" if cls.uses_predictor else "no"
        lines.append("| " + " | ".join(_cell(x) for x in (f"`{name}`", guided, _options(cls), cls.description)) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    args.add_argument("--write", action="store_true", help="write docs/cli.md and docs/catalogue.md")
    if args.parse_args(argv).write:
        PAGE.write_text(page(), encoding="utf-8")
        CATALOGUE.write_text(catalogue(), encoding="utf-8")
        print(f"wrote {PAGE} and {CATALOGUE}")
    else:
        sys.stdout.write(page())
    return 0


if __name__ == "__main__":
    sys.exit(main())
