"""Suite configuration files: a command's options in TOML, so a paper's comparison is one file.

The ``[run]`` table holds the options of ``nasbench-suite run``, the ``[search]`` table those of
``nasbench-suite search``, under their long names (``train-sizes`` or ``train_sizes``)::

    [run]
    benchmark = ["nb201-cifar10", "nb101"]
    predictor = ["graf-xgb", "onehot-xgb:n_estimators=300"]
    train-sizes = [10, 100, 1000]
    seeds = 10
    out = "results/paper"

Options given on the command line win over the file. Every key and value is checked (unknown
keys, wrong types) before any work starts, with errors naming the file, the table and the key.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from nasbench_suite.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: Options that are about the file itself or the command's output, not settings.
NOT_IN_FILES = {"help", "config", "command", "verbose", "version"}


def read_config(path: str, command: str) -> dict[str, Any]:
    """The ``[command]`` table of the TOML file at ``path``."""
    try:
        with open(path, "rb") as handle:
            content = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"--config {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"--config {path}: cannot read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"--config {path}: not valid TOML ({exc})") from None
    table = content.get(command)
    if not isinstance(table, dict):
        found = ", ".join(f"[{name}]" for name in content) or "nothing"
        raise ConfigError(f"--config {path}: expected a [{command}] table of options (found {found})")
    return table


def apply_config(path: str, command: str, parser: argparse.ArgumentParser) -> dict[str, Any]:
    """Check the file's ``[command]`` options against ``parser`` (the command's sub-parser) and
    return them as argument values (``dest -> value``), to fill in what the command line left out."""
    actions = {action.dest: action for action in parser._actions if action.dest not in NOT_IN_FILES}
    values: dict[str, Any] = {}
    for key, value in read_config(path, command).items():
        dest = key.replace("-", "_")
        if dest not in actions:
            valid = ", ".join(sorted(name.replace("_", "-") for name in actions))
            raise ConfigError(f"--config {path}: [{command}] unknown option {key!r}; expected one of {valid}")
        values[dest] = _convert(actions[dest], value, f"--config {path}: [{command}] {key}")
    return values


def _convert(action: argparse.Action, value: Any, where: str) -> Any:
    if isinstance(action, argparse._StoreTrueAction):
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false (got {value!r})")
        return value
    if isinstance(action, argparse._AppendAction):
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(item, str) for item in items):
            raise ConfigError(f"{where}: expected a string or a list of strings (got {value!r})")
        return items
    if isinstance(value, (bool, dict)):
        raise ConfigError(f"{where}: expected a single value (got {value!r})")
    if isinstance(value, list):  # e.g. train-sizes = [10, 100]: the command line's "10,100"
        if not all(isinstance(item, int) and not isinstance(item, bool) for item in value):
            raise ConfigError(f"{where}: expected a list of integers (got {value!r})")
        value = ",".join(str(item) for item in value)
    if action.type is None:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a string (got {value!r})")
        return value
    try:
        return action.type(str(value))
    except argparse.ArgumentTypeError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    except (TypeError, ValueError):
        expected = {int: "an integer", float: "a number"}.get(action.type, "a valid value")
        raise ConfigError(f"{where}: expected {expected} (got {value!r})") from None


def config_path(argv: list[str]) -> str | None:
    """The ``--config`` value in ``argv`` (``--config FILE`` or ``--config=FILE``), if any."""
    for index, item in enumerate(argv):
        if item == "--config" and index + 1 < len(argv):
            return argv[index + 1]
        if item.startswith("--config="):
            return item.partition("=")[2]
    return None
