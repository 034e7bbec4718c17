"""The public API of the installed (or importable) nasbench-suite, one line per name, for the API
snapshot test (``tests/test_api_snapshot.py``; policy in ``docs/compatibility.md``).

What is public: the names of ``nasbench_suite.__all__`` (with the deprecated names that still
resolve there), the hook specifications, and the conformance kit ``nasbench_suite.testing``. A
class contributes its public methods, properties and class attributes (inherited from the suite's
own bases too, so a contract's full surface is visible, and the attributes it only declares, such
as ``Benchmark.targets``; attributes first set in ``__init__`` are not seen); a function its
parameters (names, kinds and defaults; annotations are left out, so a type-hint refactor is not an
API change). Only modules of the imported ``nasbench_suite`` are read, so running it with an older
checkout on ``PYTHONPATH`` snapshots that checkout even beside an editable install of this one.
Entries that warn as deprecated (a deprecated name, or a docstring starting "Deprecated") end in
``[deprecated]``.

Usage::

    python tools/api_snapshot.py              # print the snapshot
    python tools/api_snapshot.py --write      # write tests/api/<version>.txt for this version
    python tools/api_snapshot.py --output F   # write it to F (e.g. run against an older checkout)
"""

from __future__ import annotations

import argparse
import enum
import importlib
import importlib.util
import inspect
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "tests" / "api"
DEPRECATED = " [deprecated]"


class _Shown:
    """A default value as the snapshot shows it (its repr is the text)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _parameters(function: object) -> str:
    """``(self, archs, y, context=None)``: names, kinds (``/``, ``*``) and defaults, no annotations."""
    try:
        signature = inspect.signature(function)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "(...)"
    parameters = [
        p.replace(annotation=p.empty, default=p.default if p.default is p.empty else _Shown(_value(p.default)))
        for p in signature.parameters.values()
    ]
    return str(signature.replace(parameters=parameters, return_annotation=inspect.Signature.empty))


def _value(value: object) -> str:
    if type(value).__name__ == "_HAS_DEFAULT_FACTORY_CLASS":  # a dataclass field's default_factory
        return "<factory>"
    if isinstance(value, (str, int, float, bool, type(None))):
        return repr(value)
    if isinstance(value, (frozenset, set, tuple, list)) and all(isinstance(v, str) for v in value):
        return f"{type(value).__name__}({sorted(value) if isinstance(value, (frozenset, set)) else list(value)})"
    return f"<{type(value).__name__}>"


def _deprecated(obj: object) -> bool:
    doc = inspect.getdoc(obj) or ""
    return doc.startswith("Deprecated")


def _class_lines(name: str, cls: type) -> list[str]:
    bases = ", ".join(base.__name__ for base in cls.__bases__ if base is not object)
    lines = [f"class {name}({bases})" if bases else f"class {name}"]
    own = [klass for klass in cls.__mro__ if klass.__module__.startswith("nasbench_suite")]
    members: dict[str, object] = {}
    annotated: set[str] = set()
    for klass in reversed(own):
        members.update(vars(klass))
        annotated.update(vars(klass).get("__annotations__", {}))
    constructed = any("__init__" in vars(k) or "__new__" in vars(k) for k in own) or "_fields" in members
    if constructed and not getattr(cls, "_is_protocol", False):  # a Protocol's __init__ is typing's
        lines.append(f"{name}{_parameters(cls)}")
    if issubclass(cls, (enum.Enum, BaseException)):
        return lines
    fields = sorted(attribute for attribute in annotated - set(members) if not attribute.startswith("_"))
    lines.extend(f"{name}.{attribute} [annotated]" for attribute in fields)
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


def _own_module(name: str) -> object | None:
    """Module ``name`` if the imported ``nasbench_suite`` has it (not one an editable install of
    another checkout would supply), else ``None``."""
    import nasbench_suite

    try:
        spec = importlib.util.find_spec(name)
    except ModuleNotFoundError:
        return None
    package = Path(nasbench_suite.__file__).parent
    if spec is None or spec.origin is None or package not in Path(spec.origin).parents:
        return None
    return importlib.import_module(name)


def _hookspec_module() -> object:
    for name in ("nasbench_suite.contracts.hookspecs", "nasbench_suite.hookspecs"):
        module = _own_module(name)
        if module is not None:
            return module
    raise ImportError("no hookspecs module found in the imported nasbench_suite")


def snapshot() -> list[str]:
    """The public API of the importable ``nasbench_suite``, one sorted line per entry, by section."""
    import warnings

    import nasbench_suite

    lines = ["# nasbench_suite"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        removed = getattr(_own_module("nasbench_suite.compat.removed"), "REMOVED_NAMES", {})
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


def snapshot_path(version: str) -> Path:
    """Where the snapshot of release ``version`` lives (``tests/api/0.2.0.txt``)."""
    return SNAPSHOTS / f"{version.split('+')[0]}.txt"


def project_version() -> str:
    """The version in ``pyproject.toml`` (not the installed metadata, which an editable install
    leaves stale)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return re.search(r'^version = "([^"]+)"', text, re.MULTILINE).group(1)


def released(version: str) -> bool:
    """Whether CHANGELOG.md dates ``version``'s section (``## 0.2.0 (2026-12-07)``)."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.search(rf"^## {re.escape(version)} \(\d{{4}}-\d\d-\d\d\)", text, re.MULTILINE) is not None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="write tests/api/<version>.txt")
    parser.add_argument("--output", type=Path, help="write the snapshot to this file")
    parser.add_argument("--force", action="store_true", help="rewrite the snapshot of a dated release")
    args = parser.parse_args(argv)
    text = "\n".join(snapshot()) + "\n"
    if args.write or args.output:
        version = project_version()
        path = args.output or snapshot_path(version)
        if args.write and path.exists() and released(version) and not args.force:
            parser.error(
                f"{version} is released (CHANGELOG.md dates it): bump the version in pyproject.toml and describe "
                "the change under its heading, or pass --force while the release is not yet published"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
