"""Parse ``NAME[:key=value,...]`` specs given for benchmarks and predictors on the command line."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from nasbench_suite.errors import ConfigError


@dataclass(frozen=True)
class Spec:
    """A plugin name plus keyword options, with a canonical string form used in records."""

    name: str
    options: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        if not self.options:
            return self.name
        return self.name + ":" + ",".join(f"{k}={self.options[k]!r}" for k in sorted(self.options))

    def __hash__(self) -> int:
        return hash(str(self))


#: Spelled as in TOML and JSON, so ``cache=false`` is the boolean, never the (truthy) string.
BOOLEANS = {"true": True, "false": False}


def _value(text: str) -> Any:
    if text in BOOLEANS:
        return BOOLEANS[text]
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text  # a bare word is a string


def parse_spec(text: str, what: str) -> Spec:
    """``"onehot-xgb:max_depth=4,learning_rate=0.1"`` -> ``Spec("onehot-xgb", {...})``."""
    name, _, rest = text.strip().partition(":")
    if not name:
        raise ConfigError(f"{what} spec {text!r}: expected NAME or NAME:key=value,...")
    options: dict[str, Any] = {}
    for item in filter(None, (part.strip() for part in rest.split(","))):
        key, sep, value = item.partition("=")
        if not sep or not key.strip().isidentifier():
            raise ConfigError(f"{what} spec {text!r}: expected key=value options (got {item!r})")
        options[key.strip()] = _value(value.strip())
    return Spec(name, options)
