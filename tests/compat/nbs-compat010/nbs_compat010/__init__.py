"""A nasbench-suite plugin written against the 0.1.0 public API (frozen)."""

__version__ = "0.1.0"
