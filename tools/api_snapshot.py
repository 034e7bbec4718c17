"""The public API of the installed (or importable) nasbench-suite, one line per name, for the API
snapshot test (``tests/test_api_snapshot.py``; policy in ``docs/compatibility.md``).

What is public: the names of ``nasbench_suite.__all__`` (with the deprecated names that still
resolve there), the hook specifications, and the conformance kit ``nasbench_suite.testing``. A
class contributes its public methods, properties and class attributes (inherited from the suite's
own bases too, so a contract's full surface is visible); a function its parameters (names, kinds
and defaults; annotations are left out, so a type-hint refactor is not an API change). Entries that
warn as deprecated (a deprecated name, or a docstring starting "Deprecated") end in ``[deprecated]``.

Usage::

    python tools/api_snapshot.py              # print the snapshot
    python tools/api_snapshot.py --write      # write tests/api/<version>.txt for this version
    python tools/api_snapshot.py --output F   # write it to F (e.g. run against an older checkout)
"""

from __future__ import annotations

import argparse
import enum
import importlib
import inspect
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "tests" / "api"
DEPRECATED = " [deprecated]"


def _parameters(function: object) -> str:
    """``(self, archs, y, context=None)``: names, kinds and defaults, no annotations."""
    try:
        signature = inspect.signature(function)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "(...)"
    parts = []
    for parameter in signature.parameters.values():
        if parameter.kind is parameter.KEYWORD_ONLY and not any(p.startswith("*") for p in parts):
            parts.append("*")
        prefix = {parameter.VAR_POSITIONAL: "*", parameter.VAR_KEYWORD: "**"}.get(parameter.kind, "")
        default = "" if parameter.default is parameter.empty else f"={_value(parameter.default)}"
        parts.append(f"{prefix}{parameter.name}{default}")
        if parameter.kind is parameter.POSITIONAL_ONLY:
            parts.append("/")
    text = ", ".join(parts).replace(", /, ", ", ").replace(", /", "/")  # one "/" after the last
    return f"({text.replace('/', ', /') if '/' in text else text})"


def _value(value: object) -> str:
    if type(value).__name__ == "_HAS_DEFAULT_FACTORY_CLASS":  # a dataclass field's default_factory
        return "<factory>"
    if isinstance(value, (str, int, float, bool, type(None))):
        text = repr(value)
        return text if len(text) <= 60 else f"<{type(value).__name__}>"
    if isinstance(value, (frozenset, set, tuple, list)) and all(isinstance(v, str) for v in value):
        return f"{type(value).__name__}({sorted(value) if isinstance(value, (frozenset, set)) else list(value)})"
    return f"<{type(value).__name__}>"


def _deprecated(obj: object) -> bool:
    doc = inspect.getdoc(obj) or ""
    return doc.startswith("Deprecated")


def _class_lines(name: str, cls: type) -> list[str]:
    bases = ", ".join(base.__name__ for base in cls.__bases__ if base is not object)
    lines = [f"class {name}({bases})" if bases else f"class {name}"]
    if issubclass(cls, enum.Enum) or issubclass(cls, BaseException):
        return lines
    own = [klass for klass in cls.__mro__ if klass.__module__.startswith("nasbench_suite")]
    members: dict[str, object] = {}
    for klass in reversed(own):
        members.update(vars(klass))
    init = cls.__dict__.get("__init__") or next((k.__dict__["__init__"] for k in own if "__init__" in k.__dict__), None)
    if init is not None or "__dataclass_fields__" in members:
        lines.append(f"{name}{_parameters(cls)}")
    for member, value in sorted(members.items()):
        if member.startswith("_"):
            continue
        mark = DEPRECATED if _deprecated(value) else ""
        if isinstance(value, property):
            lines.append(f"{name}.{member} [property]{mark}")
        elif isinstance(value, (classmethod, staticmethod)):
            kind = "classmethod" if isinstance(value, classmethod) else "staticmethod"
            lines.append(f"{name}.{member}{_parameters(getattr(cls, member))} [{kind}]{mark}")
        elif inspect.isfunction(value):
            lines.append(f"{name}.{member}{_parameters(value)}{mark}")
        elif hasattr(value, "__get__") and not isinstance(value, (str, int, float, tuple, frozenset)):
            lines.append(f"{name}.{member} [attribute]{mark}")
        else:
            lines.append(f"{name}.{member} = {_value(value)}")
    return lines


def _entry_lines(name: str, obj: object, deprecated: bool = False) -> list[str]:
    mark = DEPRECATED if deprecated or _deprecated(obj) else ""
    if inspect.isclass(obj):
        lines = _class_lines(name, obj)
        return [lines[0] + mark, *lines[1:]]
    if inspect.isfunction(obj):
        return [f"{name}{_parameters(obj)}{mark}"]
    if callable(obj):  # an instance such as pluggy's hookimpl marker: its library owns the signature
        return [f"{name} = <{type(obj).__name__}>{mark}"]
    return [f"{name} = {_value(obj)}{mark}"]


def _hookspec_module() -> object:
    for module in ("nasbench_suite.contracts.hookspecs", "nasbench_suite.hookspecs"):
        try:
            return importlib.import_module(module)
        except ImportError:
            continue
    raise ImportError("no hookspecs module found")


def snapshot() -> list[str]:
    """The public API of the importable ``nasbench_suite``, one sorted line per entry, by section."""
    import warnings

    import nasbench_suite

    lines = ["# nasbench_suite"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        removed = (
            getattr(importlib.import_module("nasbench_suite.compat.removed"), "REMOVED_NAMES", {})
            if _has_compat()
            else {}
        )
        entries = {name: getattr(nasbench_suite, name) for name in nasbench_suite.__all__ if name != "__version__"}
        entries.update(removed)
    body = []
    for name, obj in sorted(entries.items(), key=lambda item: item[0].lower()):
        body.extend(_entry_lines(name, obj, deprecated=name in removed))
    lines.extend(body)
    hookspecs = _hookspec_module()
    lines.append("# hooks")
    marker = getattr(hookspecs, "PROJECT_NAME", "nasbench_suite") + "_spec"
    for name, obj in sorted(vars(hookspecs).items()):
        if inspect.isfunction(obj) and hasattr(obj, marker):
            lines.append(f"{name}{_parameters(obj)}")
    lines.append("# nasbench_suite.testing")
    testing = importlib.import_module("nasbench_suite.testing")
    source = inspect.getsource(testing)
    for name, obj in sorted(vars(testing).items()):
        if name.startswith("_"):
            continue
        if inspect.isfunction(obj) or inspect.isclass(obj):
            if obj.__module__ == testing.__name__:
                lines.extend(_entry_lines(name, obj))
        elif name.isupper() and re.search(rf"^{name}\b[^=\n]*=", source, re.MULTILINE):  # defined, not imported
            lines.extend(_entry_lines(name, obj))
    return lines


def _has_compat() -> bool:
    try:
        importlib.import_module("nasbench_suite.compat.removed")
    except ImportError:
        return False
    return True


def snapshot_path(version: str) -> Path:
    """Where the snapshot of release ``version`` lives (``tests/api/0.2.0.txt``)."""
    return SNAPSHOTS / f"{version.split('+')[0]}.txt"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="write tests/api/<version>.txt")
    parser.add_argument("--output", type=Path, help="write the snapshot to this file")
    args = parser.parse_args(argv)
    text = "\n".join(snapshot()) + "\n"
    if args.write or args.output:
        from nasbench_suite import __version__

        path = args.output or snapshot_path(__version__)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
