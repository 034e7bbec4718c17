#!/usr/bin/env bash
# Live supernets on CIFAR-10, scaled down to run on a CPU: trained with uniform single-path sampling,
# checkpointed, 500 sampled cells scored with inherited weights after batch-norm recalibration; then
# supernet (raw), gcn-fit and gcn on those cells through the harness. The full configurations (the
# benchmarks' defaults) are meant for a GPU: drop the size options and pass device=cuda.
# Usage: bash benchmarks/live_supernet.sh [CIFAR10_PATH] [OUT_DIR] [SPACE: nb201|nb101|all]
set -euo pipefail
DATA=${1:-../shared/data/cifar10/cifar10-jpeg.zip}
OUT=${2:-results/supernet}
SPACE=${3:-nb201}
GCN=batch_size=128,epochs=100
if [[ $SPACE != nb101 ]]; then
  BENCH="nb201-supernet:data=$DATA,cells=500,channels=8,cells_per_stage=2,epochs=100,train_images=10000,eval_images=1024,device=cpu"
  nasbench-suite run --benchmark "$BENCH" --predictor supernet --predictor "gcn-fit:$GCN" --predictor "gcn:$GCN" \
    --train-sizes 100,400 --seeds 3 --score-train --device cpu --out "$OUT"
fi
if [[ $SPACE != nb201 ]]; then
  BENCH="nb101-supernet:data=$DATA,cells=300,stem_channels=16,num_stacks=3,cells_per_stack=1,epochs=10,train_images=5000,eval_images=1024,device=cpu"
  nasbench-suite run --benchmark "$BENCH" --predictor supernet --predictor "gcn-fit:$GCN" --predictor "gcn:$GCN" \
    --train-sizes 50,200 --seeds 3 --score-train --device cpu --out "$OUT/nb101"
fi
