"""The public API only changes on purpose: the snapshot of this version matches the code, nothing a
release offered disappears unless that release had deprecated it, and every change, removal or new
public name since the previous release is named in the CHANGELOG (policy: docs/compatibility.md)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

import nasbench_suite
from nasbench_suite.deprecation import DEPRECATIONS

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("api_snapshot", ROOT / "tools" / "api_snapshot.py")
api_snapshot = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(api_snapshot)

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def _version_key(path: Path) -> tuple[int, ...]:
    """``0.2.0`` -> ``(0, 2, 0)``; a pre-release suffix (``0.3.0.dev0``) sorts with its release."""
    return tuple(int(part) for part in re.match(r"\d+(?:\.\d+)*", path.stem).group(0).split("."))


RELEASES = sorted(api_snapshot.SNAPSHOTS.glob("*.txt"), key=_version_key)
PAIRS = list(zip(RELEASES, RELEASES[1:]))


def _entries(path: Path) -> dict[str, str]:
    """``section/name`` -> line: ``nasbench_suite/Benchmark.load`` -> ``Benchmark.load(self, context)``."""
    entries, section = {}, ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            section = line[2:]
            continue
        name = re.match(r"(?:class )?([\w.]+)", line).group(1)
        kind = "class" if line.startswith("class ") else "entry"
        entries[f"{section}/{name}/{kind}"] = line
    return entries


def _changelog_section(version: str) -> str:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    found = re.search(rf"^## {re.escape(version)}\b.*?(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert found, f"CHANGELOG.md has no section '## {version}'"
    return found.group(0)


def _named(name: str, text: str) -> bool:
    """Whether ``text`` names ``name`` as a whole (``Task`` is not named by ``SearchTask``)."""
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


def test_the_installed_version_is_the_project_version():
    assert nasbench_suite.__version__ == VERSION, (
        f"nasbench_suite.__version__ is {nasbench_suite.__version__}, pyproject.toml says {VERSION}: reinstall"
    )


def test_the_snapshot_of_this_version_matches_the_code():
    path = api_snapshot.snapshot_path(VERSION)
    assert path.exists(), f"no API snapshot for {VERSION}: run python tools/api_snapshot.py --write"
    expected = path.read_text(encoding="utf-8").splitlines()
    live = api_snapshot.snapshot()
    added = [line for line in live if line not in expected]
    removed = [line for line in expected if line not in live]
    assert not added and not removed, (
        f"the public API differs from {path.relative_to(ROOT)}: added {added}, removed {removed}. "
        "If this is on purpose, run python tools/api_snapshot.py --write and name the change in CHANGELOG.md; "
        "a removal must go through the deprecation table first (docs/compatibility.md)"
    )


def test_the_snapshots_differ_in_a_known_way():
    """The rules below have something to check: 0.1.0 is recorded and 0.2.0 changed it."""
    assert [path.stem for path in RELEASES][:2] == ["0.1.0", "0.2.0"]
    old, new = _entries(RELEASES[0]), _entries(RELEASES[1])
    assert old["nasbench_suite/Benchmark.load/entry"] == "Benchmark.load(self)"
    assert new["nasbench_suite/Benchmark.load/entry"] == "Benchmark.load(self, context)"
    assert new["nasbench_suite/benchmark_table/entry"].endswith(api_snapshot.DEPRECATED)
    assert not old["nasbench_suite/benchmark_table/entry"].endswith(api_snapshot.DEPRECATED)
    assert "register_claims()" not in old.get("hooks/register_claims/entry", "")


@pytest.mark.parametrize(("previous", "current"), PAIRS, ids=[f"{a.stem}->{b.stem}" for a, b in PAIRS])
def test_nothing_a_release_offered_is_gone_unless_it_was_deprecated(previous, current):
    old, new = _entries(previous), _entries(current)
    gone = [line for key, line in old.items() if key not in new and not line.endswith(api_snapshot.DEPRECATED)]
    assert not gone, f"{current.stem} removes {gone}, which {previous.stem} had not deprecated: deprecate first"


def _how_named(key: str, old: str | None, new: str | None) -> str:
    """What the CHANGELOG must say about one entry: a changed signature by its new form
    (``load(self, context)``), anything else by its name."""
    name = key.split("/")[1]
    if old is None or new is None or new.startswith("class ") or "(" not in new:
        return name
    if old.removesuffix(api_snapshot.DEPRECATED) == new.removesuffix(api_snapshot.DEPRECATED):
        return name  # only deprecated: the deprecation list names it
    return new.removesuffix(api_snapshot.DEPRECATED).split(" [")[0].rsplit(".", 1)[-1]


@pytest.mark.parametrize(("previous", "current"), PAIRS, ids=[f"{a.stem}->{b.stem}" for a, b in PAIRS])
def test_every_change_since_the_previous_release_is_in_the_changelog(previous, current):
    old, new = _entries(previous), _entries(current)
    changed = [key for key in old if key in new and old[key] != new[key]]
    removed = [key for key in old if key not in new]
    added = [key for key in new if key not in old and "." not in key.split("/")[1]]  # new names, not members
    section = _changelog_section(current.stem)
    wanted = {_how_named(key, old.get(key), new.get(key)) for key in changed + removed + added}
    unnamed = sorted(text for text in wanted if not _named(text, section))
    assert not unnamed, f"CHANGELOG.md's section {current.stem} does not name these API changes: {unnamed}"


@pytest.mark.parametrize("path", RELEASES, ids=[path.stem for path in RELEASES])
def test_only_what_the_deprecation_table_lists_is_marked_deprecated(path):
    """A release file marks an entry deprecated only where the table deprecated it by that release
    (so a hand-edited mark cannot excuse a removal)."""
    table = [d.old for d in DEPRECATIONS.values() if _version_key(Path(d.since)) <= _version_key(path)]
    marked = [key.split("/")[1] for key, line in _entries(path).items() if line.endswith(api_snapshot.DEPRECATED)]
    unlisted = [name for name in marked if not any(_named(name, old) for old in table)]
    assert not unlisted, f"{path.name} marks {unlisted} deprecated, which the deprecation table does not list"
    if path.stem == "0.1.0":
        assert marked == []


def test_every_deprecation_is_in_the_changelog_and_the_compatibility_page():
    page = (ROOT / "docs" / "compatibility.md").read_text(encoding="utf-8")
    for deprecation in DEPRECATIONS.values():
        assert deprecation.old in page, f"docs/compatibility.md does not list {deprecation.old!r}"
        assert _version_key(Path(deprecation.removal + ".txt")) > _version_key(Path(deprecation.since + ".txt"))
        assert deprecation.old in _changelog_section(deprecation.since), (
            f"CHANGELOG.md's section {deprecation.since} does not quote the deprecation {deprecation.old!r}"
        )
