"""The plugin contracts: what a predictor, benchmark, search strategy or network builder is, the
hooks that register them, and what the suite hands them during a run."""
