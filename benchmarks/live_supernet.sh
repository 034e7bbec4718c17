#!/usr/bin/env bash
# A live NB201 supernet on CIFAR-10, scaled down to run on a CPU in about 30 minutes: trained with
# uniform single-path sampling, checkpointed, 500 sampled cells scored with inherited weights after
# batch-norm recalibration; then supernet (raw), gcn-fit and gcn on those cells through the harness.
# The full configuration (the benchmark's defaults) is meant for a GPU: drop the size options and
# pass device=cuda.
# Usage: bash benchmarks/live_supernet.sh [CIFAR10_PATH] [OUT_DIR]
set -euo pipefail
DATA=${1:-../shared/data/cifar10/cifar10-jpeg.zip}
OUT=${2:-results/supernet}
BENCH="nb201-supernet:data=$DATA,cells=500,channels=8,cells_per_stage=2,epochs=100,train_images=10000,eval_images=1024,device=cpu"
GCN=batch_size=128,epochs=100
nasbench-suite run --benchmark "$BENCH" --predictor supernet --predictor "gcn-fit:$GCN" --predictor "gcn:$GCN" \
  --train-sizes 100,400 --seeds 3 --score-train --device cpu --out "$OUT"
