#!/usr/bin/env bash
# The search leaderboard: every strategy (random, evolution, local search, the guided strategies with
# exploration and as the greedy ablation, BANANAS-style ITS) guided by GRAF-XGB and one-hot XGB on
# NB201 CIFAR-10 / CIFAR-100 / ImageNet16-120 and NB101, 20 seeds, budget 1,000, target the top 0.1%.
# The study is studies/guided-search.toml; finished runs are kept on a re-run. The first version of
# this leaderboard (greedy guided search only) is in results/search/v0.1.
# Usage: bash benchmarks/search_leaderboard.sh [OUT_DIR] [JOBS]   (defaults: results/search, 2)
set -euo pipefail
OUT=${1:-results/search}
JOBS=${2:-2}
nasbench-suite study studies/guided-search.toml --jobs "$JOBS" --out "$OUT" --plot "$OUT/fig"
