"""The core's architecture, checked: no import circles (between modules or between the core's
sub-packages), first-party plugins reach the core only through its public API, and that API is
complete and documented."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

import nasbench_suite
from nasbench_suite.contracts import hookspecs

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "nasbench_suite"
PLUGINS = ROOT / "plugins"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(tree: ast.AST) -> list[tuple[str, list[str]]]:
    """``(module, names)`` of every import outside ``if TYPE_CHECKING:`` blocks, at any depth."""
    found = []
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING":
            skipped.update(id(child) for child in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
    return found


def _core_graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in CORE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for module, names in _runtime_imports(ast.parse(path.read_text())):
            if module == "nasbench_suite":  # `from nasbench_suite import x`: the module x, or the package
                targets = {f"nasbench_suite.{n}" for n in names if f"nasbench_suite.{n}" in modules} or {module}
            elif module in modules:
                targets = {module}
            else:
                continue
            graph[name] |= targets - {name}
        if name == "nasbench_suite":  # the package's lazily loaded names count as its imports
            graph[name] |= set(nasbench_suite._LAZY.values())
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return stack[stack.index(target) :] + [target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2])  # nasbench_suite.<subpackage or top-level module>


def test_no_import_circle_between_core_modules():
    assert _cycle(_core_graph()) is None, " -> ".join(_cycle(_core_graph()))


def test_no_import_circle_between_core_subpackages():
    graph: dict[str, set[str]] = {}
    for module, targets in _core_graph().items():
        if module == "nasbench_suite":  # the public API imports everything; nothing imports it
            continue
        graph.setdefault(_package(module), set()).update(
            _package(t) for t in targets if _package(t) != _package(module)
        )
    assert "nasbench_suite" not in set(itertools.chain(*graph.values())), "a core module imports the public API"
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_the_circle_check_finds_a_circle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("path", sorted(PLUGINS.rglob("*.py")), ids=lambda p: str(p.relative_to(PLUGINS)))
def test_first_party_plugins_import_only_the_public_api(path):
    public = set(nasbench_suite.__all__)
    for module, names in _runtime_imports(ast.parse(path.read_text())):
        if module.split(".")[0] != "nasbench_suite":
            continue
        assert module == "nasbench_suite", f"{path.name} imports {module}; import from nasbench_suite instead"
        assert set(names) <= public, f"{path.name} imports {sorted(set(names) - public)}, not in nasbench_suite.__all__"


def test_every_public_name_resolves():
    for name in nasbench_suite.__all__:
        assert getattr(nasbench_suite, name) is not None, name


def test_the_plugin_reference_documents_every_hook_and_public_name():
    reference = (ROOT / "docs" / "plugins.md").read_text()
    hooks = [name for name in vars(hookspecs) if name.startswith("register_")]
    assert "register_claims" in hooks, hooks
    for hook in hooks:
        assert f"`{hook}()`" in reference, hook
    undocumented = [name for name in nasbench_suite.__all__ if f"`{name}" not in reference and name != "__version__"]
    assert undocumented == []
