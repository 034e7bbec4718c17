"""Every GPU path of the suite on a short budget, with throughput and peak CUDA memory.

Parts, each through the suite's public API on the run's device:

1. the 13 live zero-cost proxies on ``--proxy-cells`` NB201 cells (the default network, C=16, N=5);
2. the graph hypernetwork at its default width: ``--ghn-steps`` training steps, then scoring
   ``--score-cells`` cells;
3. a full-width NB201 supernet: ``--supernet-epochs`` epochs, then estimating ``--score-cells`` cells;
4. ``gcn``, ``ssa`` and ``graf-xgb`` fitted on 1,000 NB201 cells and predicting every other cell.

Writes ``OUT/gpu_check.json`` (every measurement) and ``OUT/gpu_check.md``. Sized to finish within
8 minutes on one H100 / H200; ``--scale smoke`` shrinks everything to check the script on a CPU.

Usage: python benchmarks/gpu_check.py --data CIFAR10 [--device cuda] [--out results/gpu]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from nasbench_suite import FitContext
from nasbench_suite.registry import load_suite
from nasbench_suite.specs import Spec

PROXIES = (
    "epe_nas", "fisher", "flops", "grad_norm", "grasp", "jacov", "l2_norm",
    "nwot", "params", "plain", "snip", "synflow", "zen",
)  # fmt: skip
SCALES = {
    "gpu": {"proxy_cells": 500, "ghn_steps": 3000, "score_cells": 500, "supernet_epochs": 3, "images": 25000},
    "smoke": {"proxy_cells": 4, "ghn_steps": 4, "score_cells": 4, "supernet_epochs": 1, "images": 256},
}


#: Smaller networks and image sets for checking the script on a CPU (--scale smoke).
SMOKE_GHN = "train_images=256,eval_images=64,channels=4,cells_per_stage=1,batch_size=16"
SMOKE_SUPERNET = "train_images=256,eval_images=64,channels=4,cells_per_stage=1,batch_size=32,calibration_batches=1"


class Meter:
    """Wall time and peak CUDA memory of a block (synchronised on CUDA)."""

    def __init__(self, device: str) -> None:
        self.device = device

    def __enter__(self) -> Meter:
        if self.device == "cuda":
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.device == "cuda":
            torch.cuda.synchronize()
        self.seconds = time.perf_counter() - self.start
        self.peak_mb = torch.cuda.max_memory_allocated() / 2**20 if self.device == "cuda" else None


def proxies(suite: Any, table: Any, args: argparse.Namespace, scale: dict) -> list[dict]:
    cells = table.archs[np.arange(scale["proxy_cells"])]
    context = FitContext(suite=suite)
    rows = []
    for proxy in PROXIES:
        spec = Spec(proxy, {"data": args.data, "cache": False})
        predictor = suite.predictor(spec, seed=0, device=args.device).fit(cells, None, context)
        predictor.predict(cells[:1])  # warm-up: the image batch, kernels
        with Meter(args.device) as meter:
            scores = predictor.predict(cells)
        rows.append(_row(f"proxy {proxy}", meter, len(cells), "cells", ok=bool(np.isfinite(scores).all())))
    return rows


def ghn(suite: Any, table: Any, args: argparse.Namespace, scale: dict) -> list[dict]:
    images = f"train_images={scale['images']},eval_images=1000" if args.scale == "gpu" else SMOKE_GHN
    options = f"data={args.data},steps={scale['ghn_steps']},{images},checkpoint={args.out / 'ghn.pt'}"
    (args.out / "ghn.pt").unlink(missing_ok=True)  # train it here, timed
    predictor = suite.predictor(f"ghn:{options}", seed=0, device=args.device)
    train = table.archs[np.arange(1000 if args.scale == "gpu" else 8)]
    with Meter(args.device) as fit:
        predictor.fit(train, None, FitContext(suite=suite))
    cells = table.archs[np.arange(1000, 1000 + scale["score_cells"])]
    with Meter(args.device) as score:
        predictor.predict(cells)
    steps = scale["ghn_steps"]
    return [
        _row(f"ghn: train {steps} steps ({_network(args)})", fit, steps, "steps"),
        _row(f"ghn: score {len(cells)} cells", score, len(cells), "cells"),
    ]


def supernet(suite: Any, args: argparse.Namespace, scale: dict) -> list[dict]:
    size = f"train_images={scale['images']},eval_images=5000" if args.scale == "gpu" else SMOKE_SUPERNET
    spec = (
        f"nb201-supernet:data={args.data},cells={scale['score_cells']},epochs={scale['supernet_epochs']},"
        f"{size},device={args.device},checkpoint={args.out / 'supernet.pt'}"
    )
    (args.out / "supernet.pt").unlink(missing_ok=True)  # train it here, timed
    with Meter(args.device) as meter:
        table = suite.table(spec)
    detail = f"{scale['supernet_epochs']} epochs on {scale['images']} images, then {len(table)} cells estimated"
    return [_row(f"nb201-supernet ({_network(args)}): {detail}", meter, len(table), "cells")]


def predictors(suite: Any, table: Any, args: argparse.Namespace, scale: dict) -> list[dict]:
    y = table.targets["test_accuracy"]
    size = 1000 if args.scale == "gpu" else 40
    train, test = np.arange(size), np.arange(size, len(table) if args.scale == "gpu" else 2 * size)
    rows = []
    for name in ("graf-xgb", "gcn", "ssa"):
        predictor = suite.predictor(
            name if args.scale == "gpu" else f"{name}:{_tiny(name)}", seed=0, device=args.device
        )
        pool = table.archs[np.arange(len(table) - 10 * size, len(table))] if "unlabelled" in predictor.needs else None
        with Meter(args.device) as fit:
            predictor.fit(table.archs[train], y[train], FitContext(unlabelled=pool, suite=suite))
        with Meter(args.device) as predict:
            predictor.predict(table.archs[test])
        rows += [_row(f"{name}: fit {len(train)} cells", fit, len(train), "cells")]
        rows += [_row(f"{name}: predict {len(test)} cells", predict, len(test), "cells")]
    return rows


def _network(args: argparse.Namespace) -> str:
    return "C=16, N=5" if args.scale == "gpu" else "smoke: C=4, N=1"


def _tiny(name: str) -> str:
    return {"graf-xgb": "n_estimators=10", "gcn": "epochs=2", "ssa": "autoencoder_steps=2,gcn_epochs=2"}[name]


def _row(what: str, meter: Meter, count: int, unit: str, **extra: Any) -> dict:
    return {
        "part": what,
        "seconds": round(meter.seconds, 3),
        "throughput": f"{count / max(meter.seconds, 1e-9):.1f} {unit}/s",
        "peak_cuda_mb": None if meter.peak_mb is None else round(meter.peak_mb, 1),
        **extra,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="CIFAR-10 image folder, zip of one, or cifar-10-batches-py")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--scale", choices=sorted(SCALES), default="gpu")
    parser.add_argument("--out", type=Path, default=Path("results/gpu"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    scale = SCALES[args.scale]
    suite = load_suite()
    table = suite.table("nb201-cifar10")
    started = time.perf_counter()
    rows = proxies(suite, table, args, scale)
    rows += ghn(suite, table, args, scale) + supernet(suite, args, scale) + predictors(suite, table, args, scale)
    device = torch.cuda.get_device_name() if args.device == "cuda" else platform.processor() or platform.machine()
    summary = {
        "device": device,
        "torch": torch.__version__,
        "scale": args.scale,
        "total_seconds": time.perf_counter() - started,
    }
    (args.out / "gpu_check.json").write_text(json.dumps({**summary, "parts": rows}, indent=2))
    lines = [f"# GPU check on {device}", "", f"`python benchmarks/gpu_check.py --data ... --device {args.device} "
             f"--scale {args.scale}`, torch {torch.__version__}, {summary['total_seconds']:.0f} s in all.", "",
             "| part | seconds | throughput | peak CUDA MB |", "|---|---|---|---|"]  # fmt: skip
    lines += [f"| {r['part']} | {r['seconds']:.2f} | {r['throughput']} | {r['peak_cuda_mb'] or '—'} |" for r in rows]
    (args.out / "gpu_check.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
