"""The 0.1.0 module paths (``nasbench_suite.predictor``, ``nasbench_suite.hookspecs``, ...), which
moved into the core's folders in 0.2.0. Importing one warns and gives a module of that name whose
attributes are those of the module that holds them now, plus the 0.1.0 names that module lacks
(``nasbench_suite.benchmark.benchmark_table``, ``nasbench_suite.images.Batch``, ...). The modules
they forward to are left untouched. Installed by ``import nasbench_suite``."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType
from typing import Any

from nasbench_suite.compat.removed import benchmark_table, network_builder
from nasbench_suite.deprecation import DEPRECATIONS, warn

#: 0.1.0 module -> the module holding its names now.
MOVED_MODULES = {
    "nasbench_suite.architectures": "nasbench_suite.contracts.architectures",
    "nasbench_suite.benchmark": "nasbench_suite.contracts.benchmark",
    "nasbench_suite.predictor": "nasbench_suite.contracts.predictor",
    "nasbench_suite.search": "nasbench_suite.contracts.strategy",
    "nasbench_suite.networks": "nasbench_suite.contracts.network_builder",
    "nasbench_suite.hookspecs": "nasbench_suite.contracts.hookspecs",
    "nasbench_suite.paths": "nasbench_suite.data.cache",
    "nasbench_suite.images": "nasbench_suite.data.images",
    "nasbench_suite.checkpoints": "nasbench_suite.data.checkpoints",
}

#: Names a 0.1.0 module defined that its successor does not: the shim, or the name's new name there.
MOVED_NAMES: dict[str, dict[str, Any]] = {
    "nasbench_suite.benchmark": {"benchmark_table": benchmark_table},
    "nasbench_suite.networks": {"network_builder": network_builder},
    "nasbench_suite.images": {"Batch": "ImageBatch"},
}


class _MovedModuleLoader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def exec_module(self, module: ModuleType) -> None:
        warn("module_path", f"importing {module.__name__} (now {self.target})", stacklevel=2)
        target = importlib.import_module(self.target)
        extras = MOVED_NAMES.get(module.__name__, {})

        def __getattr__(name: str) -> Any:  # noqa: N807 - the module-level hook
            if name in extras:
                if name in DEPRECATIONS:
                    warn(name, stacklevel=2)
                value = extras[name]
                return getattr(target, value) if isinstance(value, str) else value
            try:
                return getattr(target, name)
            except AttributeError:
                raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}") from None

        module.__getattr__ = __getattr__  # type: ignore[method-assign]
        module.__dir__ = lambda: sorted({*dir(target), *extras})  # type: ignore[method-assign]
        module.__doc__ = f"Deprecated 0.1.0 path of {self.target} (see docs/compatibility.md)."


class MovedModuleFinder(importlib.abc.MetaPathFinder):
    """Finds the 0.1.0 module paths and loads the forwarding modules that replace them."""

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED_MODULES:
            return None
        return importlib.util.spec_from_loader(fullname, _MovedModuleLoader(MOVED_MODULES[fullname]))


def install() -> None:
    """Add the finder to ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, MovedModuleFinder) for finder in sys.meta_path):
        sys.meta_path.append(MovedModuleFinder())
