"""Options in TOML files, checked against the command line's own option definitions, so that a
file means exactly what the same options would on the command line.

Two kinds of file:

* ``--config FILE``: the ``[run]`` table holds options of ``nasbench-suite run``, the ``[search]``
  table those of ``nasbench-suite search``, under their long names (``train-sizes`` or
  ``train_sizes``); options given on the command line win.
* a study file (``nasbench-suite study FILE``): a ``[study]`` table (``title``, ``notes``, and
  options shared by every block, such as ``seeds`` or ``device``), then any number of
  ``[[ranking]]`` blocks (options of ``run``) and ``[[search]]`` blocks (options of ``search``)::

      [study]
      title = "GRAF vs one-hot"
      seeds = 5

      [[ranking]]
      benchmark = ["nb201-cifar10", "nb101"]
      predictor = ["graf-xgb", "onehot-xgb"]
      train-sizes = [32, 100, 1000]

      [[search]]
      benchmark = "nb201-cifar10"
      strategy = ["random", "evolution", {spec = "predictor-smart-subset:explore=0", label = "greedy subset"}]
      budget = 1000

A benchmark, predictor or strategy may be given as a table ``{spec = "...", label = "..."}``: the
label names it in every table and figure of the study's report (and is kept in ``study.json``).

Every key and value is checked (unknown keys, wrong types) before any work starts, with errors
naming the file, the table and the key.
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
#: Keys of a study file's [study] table besides shared block options.
STUDY_KEYS = ("title", "notes")
#: Options whose values are specs, which a study file may give a display label.
LABELLED = ("benchmark", "predictor", "strategy")
#: Command-line options a study file sets in [study] only (they concern the whole study).
STUDY_WIDE = {"out", "force", "format", "plot", "jobs", "timeout", "memory_limit", "scheduler", "allow_failures"}


def read_toml(path: str, what: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{what} {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{what} {path}: cannot read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{what} {path}: not valid TOML ({exc})") from None


def read_config(path: str, command: str) -> dict[str, Any]:
    """The ``[command]`` table of the TOML file at ``path``."""
    content = read_toml(path, "--config")
    table = content.get(command)
    if not isinstance(table, dict):
        found = ", ".join(f"[{name}]" for name in content) or "nothing"
        raise ConfigError(f"--config {path}: expected a [{command}] table of options (found {found})")
    return table


def convert_options(
    table: dict[str, Any], parser: argparse.ArgumentParser, where: str, exclude: set[str] = frozenset()
) -> dict[str, Any]:
    """Check ``table``'s options against ``parser`` (a command's sub-parser) and return them as
    argument values (``dest -> value``); ``where`` names the file and table in errors."""
    actions = {a.dest: a for a in parser._actions if a.dest not in NOT_IN_FILES and a.dest not in exclude}
    values: dict[str, Any] = {}
    for key, value in table.items():
        dest = key.replace("-", "_")
        if dest not in actions:
            valid = ", ".join(sorted(name.replace("_", "-") for name in actions))
            raise ConfigError(f"{where} unknown option {key!r}; expected one of {valid}")
        values[dest] = _convert(actions[dest], value, f"{where} {key}")
    return values


def apply_config(path: str, command: str, parser: argparse.ArgumentParser) -> dict[str, Any]:
    """The ``--config`` file's ``[command]`` options as argument values."""
    return convert_options(read_config(path, command), parser, f"--config {path}: [{command}]")


def read_study_file(path: str, parsers: dict[str, argparse.ArgumentParser]) -> tuple[dict[str, Any], list[tuple]]:
    """A study file as ``(settings, blocks)``: the [study] table's ``title``, ``notes`` and
    study-wide options, and per block ``(kind, argument values)``, block values over the shared ones.
    ``parsers`` maps ``ranking`` / ``search`` to the sub-parsers of ``run`` / ``search``."""
    content = read_toml(path, "study file")
    unknown = sorted(set(content) - {"study", *parsers})
    if unknown:
        raise ConfigError(f"study file {path}: unknown table [{unknown[0]}]; expected [study], [[ranking]], [[search]]")
    study = content.get("study", {})
    if not isinstance(study, dict):
        raise ConfigError(f"study file {path}: [study] must be a table")
    settings: dict[str, Any] = {key: study[key] for key in STUDY_KEYS if key in study}
    if not isinstance(settings.get("title", ""), str):
        raise ConfigError(f"study file {path}: [study] title: expected a string")
    notes = settings.get("notes", [])
    if not isinstance(notes, list) or not all(isinstance(note, str) for note in notes):
        raise ConfigError(f"study file {path}: [study] notes: expected a list of strings")
    labels: list[tuple[str, str, str]] = []
    shared = {key: value for key, value in study.items() if key not in STUDY_KEYS}
    shared = _without_labels(shared, f"study file {path}: [study]", labels)
    wide = {k: v for k, v in shared.items() if k.replace("-", "_") in STUDY_WIDE}
    common = {k: v for k, v in shared.items() if k not in wide}
    settings["options"] = convert_options(wide, parsers["ranking"], f"study file {path}: [study]")
    blocks = []
    for kind, parser in parsers.items():
        entries = content.get(kind, [])
        if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
            raise ConfigError(f"study file {path}: [{kind}] must be written [[{kind}]] (a list of blocks)")
        for number, block in enumerate(entries, start=1):
            where = f"study file {path}: [[{kind}]] block {number}"
            shared_values = convert_options(common, parser, f"study file {path}: [study]", exclude=STUDY_WIDE)
            block = _without_labels(block, where, labels)
            block_values = convert_options(block, parser, where, exclude=STUDY_WIDE)
            blocks.append((kind, shared_values | block_values, number))
    if not blocks:
        raise ConfigError(f"study file {path}: no [[ranking]] or [[search]] blocks; nothing to run")
    settings["labels"] = list(dict.fromkeys(labels))
    return settings, blocks


def _without_labels(table: dict[str, Any], where: str, labels: list[tuple[str, str, str]]) -> dict[str, Any]:
    """``table`` with every ``{spec = ..., label = ...}`` of a spec option replaced by its spec, the
    labels collected as ``(role, spec, label)``."""
    out = dict(table)
    for key in LABELLED:
        value = table.get(key)
        items = value if isinstance(value, list) else [value]
        if not any(isinstance(item, dict) for item in items):
            continue
        specs = []
        for item in items:
            if isinstance(item, dict):
                if set(item) != {"spec", "label"} or not all(isinstance(v, str) and v.strip() for v in item.values()):
                    raise ConfigError(
                        f'{where} {key}: expected a spec string or a table {{spec = "...", label = "..."}} '
                        f"(got {item!r})"
                    )
                labels.append((key, item["spec"], item["label"].strip()))
                item = item["spec"]
            specs.append(item)
        out[key] = specs if isinstance(value, list) else specs[0]
    return out


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
