"""``NAME[:key=value,...]`` specs, as given for benchmarks, predictors and strategies.

A value is read as a Python literal (``4``, ``0.1``, ``'a b'``, ``(1, 2)``), ``true`` / ``false``
as booleans (spelled as in TOML and JSON), and anything else as a bare string, so
``data=/data/cifar10.zip`` needs no quotes.
"""

from __future__ import annotations

import ast
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from nasbench_suite.errors import ConfigError


@dataclass(frozen=True)
class Spec:
    """A plugin name plus keyword options, with a canonical string form (sorted options)."""

    name: str
    options: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return format_spec(self.name, self.options)

    def __hash__(self) -> int:
        return hash(str(self))

    def without(self, *keys: str) -> Spec:
        """The same spec without the options ``keys``."""
        return Spec(self.name, {k: v for k, v in self.options.items() if k not in keys})


def format_spec(name: str, options: dict[str, Any]) -> str:
    """``name:key=value,...`` with the options sorted by key (``name`` alone without options)."""
    if not options:
        return name
    return name + ":" + ",".join(f"{k}={options[k]!r}" for k in sorted(options))


#: Spelled as in TOML and JSON, so ``cache=false`` is the boolean, never the (truthy) string.
BOOLEANS = {"true": True, "false": False}


def parse_value(text: str) -> Any:
    """One option value: a boolean, a Python literal, or else the bare string."""
    if text in BOOLEANS:
        return BOOLEANS[text]
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text  # a bare word is a string


def parse_options(text: str, what: str, separator: str = ",") -> dict[str, Any]:
    """``"a=1,b=x"`` -> ``{"a": 1, "b": "x"}``; ``what`` names the option string in errors. Plugins
    use it for option strings of their own (``network="channels=4;cells_per_stage=1"`` with ``;``)."""
    options: dict[str, Any] = {}
    for item in filter(None, (part.strip() for part in text.split(separator))):
        key, sep, value = item.partition("=")
        if not sep or not key.strip().isidentifier():
            raise ConfigError(f"{what}: expected key=value options separated by {separator!r} (got {item!r})")
        options[key.strip()] = parse_value(value.strip())
    return options


def parse_spec(text: str, what: str) -> Spec:
    """``"onehot-xgb:max_depth=4,learning_rate=0.1"`` -> ``Spec("onehot-xgb", {...})``."""
    name, _, rest = text.strip().partition(":")
    if not name:
        raise ConfigError(f"{what} spec {text!r}: expected NAME or NAME:key=value,...")
    return Spec(name, parse_options(rest, f"{what} spec {text!r}"))


#: How a file an option reads appears in a run's identity (``nasbench_suite.file_identity``).
_FILE_IDENTITY = re.compile(r"(.+)@sha256:([0-9a-f]+)")
#: Several files in one option (``columns=a.csv+b.csv``).
_FILES = "+"


def labels_telling_apart(label: str, identities: list[str]) -> dict[str, str]:
    """A label per identity for identities that share ``label``: the label with the options whose
    values differ between them, a file as its name and 8 digits of its content hash
    (``csv:path='cells.csv@1a2b3c4d',space='nb101'``). Identities that do not parse as specs get the
    label and 8 digits of a hash of the identity."""
    try:
        base = parse_spec(label, "label")
        options = {identity: parse_spec(identity, "identity").options for identity in identities}
    except ConfigError:
        return {identity: f"{label} #{identity_digest(identity)}" for identity in identities}
    names = sorted({name for given in options.values() for name in given})
    differing = [name for name in names if len({repr(given.get(name, _ABSENT)) for given in options.values()}) > 1]
    return {
        identity: format_spec(base.name, {**base.options, **{name: _short(given.get(name)) for name in differing}})
        for identity, given in options.items()
    }


def identity_digest(identity: str) -> str:
    """8 hexadecimal digits of a hash of an identity: the last resort to tell two apart."""
    return hashlib.sha256(identity.encode()).hexdigest()[:8]


_ABSENT = object()


def _short(value: Any) -> Any:
    """An option value as a label shows it: each file identity as its name and 8 digits of its hash."""
    if not isinstance(value, str):
        return value
    parts = [_FILE_IDENTITY.fullmatch(part) for part in value.split(_FILES)]
    if all(parts):
        return _FILES.join(f"{found.group(1)}@{found.group(2)[:8]}" for found in parts)
    return value
