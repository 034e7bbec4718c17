"""Search strategies: random search, regularized evolution, and predictor-guided search that scores
the whole space, a random subset, or a smart subset of it (Mauch et al., 2020)."""
