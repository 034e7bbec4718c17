"""Plugins: loading them from entry points, the one registry of what they contribute, and the
run's context (:class:`Suite`) that resolves specs to plugin instances."""

from nasbench_suite.registry.registry import Entry, Kind, Registry, load_registry
from nasbench_suite.registry.suite import Suite, load_suite

__all__ = ["Entry", "Kind", "Registry", "Suite", "load_registry", "load_suite"]
