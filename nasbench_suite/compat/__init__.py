"""Compatibility with plugins written against earlier releases, for what sits on top of the core:
the names 0.1.0 offered in ``nasbench_suite`` (:mod:`~nasbench_suite.compat.removed`) and its module
paths (:mod:`~nasbench_suite.compat.aliases`). The deprecation table is
:mod:`nasbench_suite.deprecation`; the 0.1.0 contract forms the harness still runs are
:mod:`nasbench_suite.contracts.legacy`. The policy is ``docs/compatibility.md``."""
