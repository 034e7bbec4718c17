#!/usr/bin/env bash
# A GHN scaled for a CPU, end to end through the harness, with its early-stopping baseline, on NB201
# and NB101. Finished runs are skipped on a re-run.
#
# NB201: networks of width 8 with 2 cells per stage, CIFAR-10 (10,000 training images, 1,000
# held-out images for scoring). The GHN trains 3,000 steps (batch 64) on random architectures of
# the 1,000 training cells (no labels) and scores 200 test cells; short-training gives each of the
# same 200 cells 15 steps of its own training: the same 3,000 steps of compute. Then the GHN
# alone on 1,000 test cells (one seed).
#
# NB101: the same hypernetwork through NB101's weight-sharing network, scaled the same way (a
# 16-channel stem, 3 stacks of 1 cell), 3,000 steps on the 1,000 training cells, scoring 1,000 test
# cells beside param-count and random (compute-matched short-training, 3 steps per cell, would
# take another hour on 2 cores: add --predictor "short-training:data=$DATA,$NB101,steps=3").
# Usage: bash benchmarks/ghn_cpu.sh [OUT] [DATA] [PART: all|nb201|nb101]
set -euo pipefail
OUT=${1:-results/ghn}
DATA=${2:-../shared/data/cifar10/cifar10-jpeg.zip}
PART=${3:-all}
IMAGES="batch_size=64,train_images=10000,eval_images=1000"
NET="channels=8,cells_per_stage=2,$IMAGES"
if [[ $PART != nb101 ]]; then
  nasbench-suite run --benchmark nb201-cifar10 \
    --predictor "ghn:data=$DATA,$NET,steps=3000" \
    --predictor "short-training:data=$DATA,$NET,steps=15" \
    --predictor random --predictor param-count \
    --train-sizes 1000 --seeds 2 --test-size 200 --device auto --out "$OUT"
  # The GHN alone on a fixed random 1,000 test cells (seed 0's split), scored the same way.
  nasbench-suite run --benchmark nb201-cifar10 \
    --predictor "ghn:data=$DATA,$NET,steps=3000" --predictor param-count \
    --train-sizes 1000 --seeds 1 --test-size 1000 --device auto --out "$OUT/1000-cells"
fi
if [[ $PART != nb201 ]]; then
  NB101="channels=16,cells_per_stage=1,$IMAGES"
  nasbench-suite run --benchmark nb101 \
    --predictor "ghn:data=$DATA,$NB101,steps=3000" \
    --predictor random --predictor param-count \
    --train-sizes 1000 --seeds 1 --test-size 1000 --device auto --out "$OUT/nb101"
fi
