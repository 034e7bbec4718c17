"""Search strategies: random search, regularized evolution, local search, and predictor-guided search
that ranks the whole space, a random subset, a smart subset or a climb's neighbours (Mauch et al.,
2020; White et al., 2021), with acquisition functions that explore."""
