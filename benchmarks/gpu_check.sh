#!/usr/bin/env bash
# Every GPU path of the suite on a short budget (about 8 minutes on one H100 / H200), recording
# throughput and peak CUDA memory under results/gpu/ (see benchmarks/gpu_check.py). Run it first on a
# lent GPU machine, then commit results/gpu/.
# Usage: bash benchmarks/gpu_check.sh [CIFAR10_PATH] [OUT]   (SCALE=smoke checks it on a CPU)
set -euo pipefail
DATA=${1:-../shared/data/cifar10/cifar10-jpeg.zip}
OUT=${2:-results/gpu}
python benchmarks/gpu_check.py --data "$DATA" --out "$OUT" --scale "${SCALE:-gpu}" \
  --device "${DEVICE:-$(python -c 'import torch; print("cuda" if torch.cuda.is_available() else "cpu")')}"
