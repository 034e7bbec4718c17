#!/usr/bin/env bash
# The GRAF leaderboard (issue: GRAF + XGBoost, zero-cost proxies): every GRAF predictor, the one-hot
# baselines and the best single proxies, paper protocol (train 32 / 128 / 1024, test on every
# remaining cell). Proxies come from NAS-Bench-Suite-Zero's recorded values (zc_source=recorded),
# which exist for the 9,445 valid NB201 cells only; on the full NB201 table and on NB101 the
# proxy-based predictors would need live proxies for every cell (see README, "Zero-cost proxies").
# Usage: bash benchmarks/graf_leaderboard.sh [OUT_DIR] [SEEDS] [JOBS]   (defaults: results/graf, 20, 1)
set -euo pipefail
OUT=${1:-results/graf}
SEEDS=${2:-20}
JOBS=${3:-1}
SIZES=32,128,1024
TREES=(--predictor onehot-xgb --predictor onehot-rf --predictor graf-xgb --predictor graf-rf)
PROXY_MODELS=()
for model in zcp-xgb zcp-rf graf-zcp-xgb graf-zcp-rf; do PROXY_MODELS+=(--predictor "$model:zc_source=recorded"); done
SINGLE=()
for proxy in nwot synflow jacov flops params zen; do SINGLE+=(--predictor "$proxy:source=recorded"); done

nasbench-suite run --benchmark nb201-cifar10-valid "${TREES[@]}" "${PROXY_MODELS[@]}" "${SINGLE[@]}" \
  --train-sizes "$SIZES" --seeds "$SEEDS" --out "$OUT" --device cpu --jobs "$JOBS"
nasbench-suite run --benchmark nb201-cifar10 "${TREES[@]}" --train-sizes "$SIZES" --seeds "$SEEDS" --out "$OUT" --device cpu --jobs "$JOBS"
nasbench-suite run --benchmark nb101 "${TREES[@]}" --train-sizes "$SIZES" --seeds "$((SEEDS / 2))" --out "$OUT" --device cpu --jobs "$JOBS"
