"""The documentation cannot drift from the code: the command-line page is generated from the parser,
every public name of the API has a docstring, the site's navigation holds every page, and the README
stays a short entry point that links into the site (`mkdocs build --strict` in `.ci/run` checks the
links and the API reference)."""

from __future__ import annotations

import dataclasses
import importlib.util
import inspect
import re
from pathlib import Path

import pytest

import nasbench_suite

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
_spec = importlib.util.spec_from_file_location("cli_reference", ROOT / "tools" / "cli_reference.py")
cli_reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cli_reference)


def test_the_catalogue_is_generated_from_the_registry():
    assert (DOCS / "catalogue.md").read_text(encoding="utf-8") == cli_reference.catalogue(), (
        "docs/catalogue.md is stale: run python tools/cli_reference.py --write"
    )
    page = (DOCS / "catalogue.md").read_text(encoding="utf-8")
    for name in ("`graf-xgb`", "`ssa`", "`ghn`", "`gcn-fit`", "`predictor-smart-subset`", "`nb101`", "`csv`"):
        assert f"| {name} |" in page, name


def test_the_command_line_page_is_generated_from_the_parser():
    assert (DOCS / "cli.md").read_text(encoding="utf-8") == cli_reference.page(), (
        "docs/cli.md is stale: run python tools/cli_reference.py --write"
    )
    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    for option in ("--allow-failures", "--scheduler", "--top", "--train-sizes", "--fix"):
        assert f"`{option}`" in page


def _undocumented(obj: object, name: str) -> list[str]:
    """``name`` and its public methods and properties (its own and those of the suite's bases) that
    have no docstring."""
    doc = (inspect.getdoc(obj) or "").strip()
    generated = inspect.isclass(obj) and doc.startswith(f"{obj.__name__}(")  # what @dataclass writes
    missing = [] if doc and not generated else [name]
    if inspect.isclass(obj):
        for klass in obj.__mro__:
            if not klass.__module__.startswith("nasbench_suite"):
                continue
            for member, value in vars(klass).items():
                function = value.fget if isinstance(value, property) else getattr(value, "__func__", value)
                if not member.startswith("_") and inspect.isfunction(function) and not (function.__doc__ or "").strip():
                    missing.append(f"{name}.{member} (from {klass.__name__})")
    return missing


def test_every_public_class_and_function_has_a_docstring():
    missing = []
    for name in nasbench_suite.__all__:
        obj = getattr(nasbench_suite, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            missing += _undocumented(obj, name)
    assert missing == [], f"public API without a docstring: {missing}"


def test_the_docstring_check_sees_a_missing_one():
    class Bare:
        def method(self):
            pass

    Bare.__module__ = "nasbench_suite.example"
    assert _undocumented(Bare, "Bare") == ["Bare", "Bare.method (from Bare)"]

    @dataclasses.dataclass
    class Record:
        value: int

    assert _undocumented(Record, "Record") == ["Record"]  # the signature @dataclass writes is no docstring


def test_the_site_navigation_holds_every_page():
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    listed = set(re.findall(r":\s*([\w/-]+\.md)\s*$", nav, re.MULTILINE))
    pages = {path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md")}
    assert pages == listed, (
        f"not in mkdocs.yml's nav: {sorted(pages - listed)}; missing pages: {sorted(listed - pages)}"
    )


def test_the_readme_is_short_and_links_into_the_site():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    for page in ("getting-started", "benchmarks", "five-methods", "plugins", "cli", "api", "compatibility"):
        assert f"(docs/{page}.md)" in readme, page
    assert "bash .ci/run" in readme and ".venv/bin/nasbench-suite run" in readme  # the two commands


@pytest.mark.parametrize("name", ["INPUT", "OUTPUT", "PAD", "CACHE_ENV", "DATA_ENV", "hookimpl"])
def test_names_without_docstrings_are_described_on_the_api_page(name):
    assert f"`{name}`" in (DOCS / "api.md").read_text(encoding="utf-8")


def test_links_from_the_site_to_repository_files_are_checked(tmp_path):
    pytest.importorskip("mkdocs")
    from types import SimpleNamespace

    from mkdocs.exceptions import PluginError

    hooks_spec = importlib.util.spec_from_file_location("mkdocs_hooks", ROOT / "tools" / "mkdocs_hooks.py")
    hooks = importlib.util.module_from_spec(hooks_spec)
    hooks_spec.loader.exec_module(hooks)
    page = SimpleNamespace(
        file=SimpleNamespace(abs_src_path=str(DOCS / "methods" / "ghn.md"), src_path="methods/ghn.md")
    )
    config = {"docs_dir": str(DOCS)}
    text = "See [the report](../../results/five-methods/report.html), [GHN](ghn.md) and [x](https://example.org)."
    shown = hooks.on_page_markdown(text, page, config, None)
    assert shown == "See the report (`results/five-methods/report.html`), [GHN](ghn.md) and [x](https://example.org)."
    fenced = "```\n[not a link](../../results/no-such-file.md)\n```"
    assert hooks.on_page_markdown(fenced, page, config, None) == fenced  # code is left alone
    with pytest.raises(PluginError, match=r"methods/ghn.md: link to \.\./\.\./results/no-such-file.md"):
        hooks.on_page_markdown("[gone](../../results/no-such-file.md)", page, config, None)


def test_the_site_builds_strictly(tmp_path):
    """What `.ci/run` runs: any broken link, missing page or unbuildable API entry fails the build."""
    pytest.importorskip("mkdocs")
    import subprocess
    import sys

    build = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")]
    result = subprocess.run(build, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "site" / "api" / "index.html").read_text().count("doc doc-object") > 40
