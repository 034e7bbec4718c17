"""The study: experiments planned into jobs (ranking and search), executed and recorded in one
results store (rendered by :mod:`nasbench_suite.report`)."""
