"""The 0.1.0 module paths (``nasbench_suite.predictor``, ``nasbench_suite.hookspecs``, ...), which
moved into the core's folders in 0.2.0: importing one gives the module that now holds its names,
with a deprecation warning. Installed by ``import nasbench_suite``."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType

from nasbench_suite.deprecation import warn

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


class _MovedModuleLoader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        warn("module_path", f"import {spec.name} (now {self.target})", stacklevel=2)
        return importlib.import_module(self.target)

    def exec_module(self, module: ModuleType) -> None:
        return None


class MovedModuleFinder(importlib.abc.MetaPathFinder):
    """Finds the 0.1.0 module paths and loads the modules that replaced them."""

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
