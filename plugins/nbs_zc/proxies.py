"""The 13 zero-cost proxies of NAS-Bench-Suite-Zero (Krishnakumar et al., NeurIPS 2022 D&B).

Each proxy is a function ``(network, batch) -> float`` on a freshly initialised network; higher
should mean better. "Weights" are those of ``Conv2d`` and ``Linear`` layers, as in the reference
implementation. Gradients come from the cross-entropy loss of one batch, with batch-norm in
training mode (batch statistics); ``synflow`` runs in float64 on a copy without batch-norm.

Definitions (θ weights, g = ∂L/∂θ, a layer outputs, x inputs):

* ``params``: parameters, in millions. ``flops``: multiply-accumulates of conv and linear layers
  plus kernel-area operations of pooling layers, for one image, in millions.
* ``grad_norm``: Σ_layers ‖g‖₂. ``snip``: Σ |θ ⊙ g|. ``plain``: Σ θ ⊙ g.
  ``grasp``: Σ −θ ⊙ (H g) (Hessian-gradient product). ``l2_norm``: Σ_layers ‖θ‖₂.
* ``fisher``: Σ_layers Σ_channels ½·mean_batch((Σ_space a ⊙ ∂L/∂a)²).
* ``synflow``: log Σ |θ ⊙ ∂R/∂θ| with R the summed output for an all-ones input, |θ| weights
  (the logarithm, as NAS-Bench-Suite-Zero records it; the sum overflows float32 on large nets).
* ``jacov``: −Σ_i log(λ_i + k) + 1/(λ_i + k) for the eigenvalues λ of the correlation matrix of
  the per-image input Jacobians (k = 1e-5).
* ``epe_nas``: Σ_classes |Σ log(|C_c| + k)| for the Jacobian correlation matrix C_c of each
  class's images (the per-class differences variant for more than 100 classes).
* ``nwot`` (NASWOT): log|K_H| with K_H the Hamming-similarity kernel of the ReLU activation
  patterns of the batch.
* ``zen`` (Zen-NAS): log E‖f(x) − f(x + 0.01ε)‖₁ + Σ_BN log √mean(running var), for Gaussian
  x, ε and Gaussian-initialised weights, f the pre-pooling feature map.

Agreement with NAS-Bench-Suite-Zero (``results/zc/validation.md``: 200 NB201 CIFAR-10 cells, one
batch of 64 images, seed 0). ``params``, ``flops`` and ``synflow`` rank the cells as recorded
(Spearman 1.000); ``nwot``, ``zen``, ``snip``, ``grad_norm``, ``jacov`` 0.95-0.997; ``fisher``,
``l2_norm`` 0.93; ``epe_nas`` 0.89; ``grasp`` 0.78; ``plain`` 0.10. Each proxy's Kendall tau
against accuracy is within 0.06 of the recorded one except ``fisher`` (0.25 vs 0.33), and the
proxies rank alike (Spearman 0.98 between the two tau columns). Where we differ, and why:

* ``params`` is exact (same network; equal on every sampled cell). ``flops`` ranks identically
  but is 1-4 M lower: the recorded counter also counts some per-layer work beyond conv, linear and
  pooling multiply-adds (the surplus grows with the number of conv edges). ``synflow`` is recorded
  as the logarithm we return.
* The rest depend on the random initialisation and on the batch: the recorded values came from one
  batch of lossless CIFAR-10 under NASLib's initialisation and data order; ours from a seeded
  batch of the images given (in the tests, JPEG-compressed CIFAR-10) under PyTorch's default
  initialisation. Proxies that are sums of signed terms (``plain`` = Σ θ⊙g) or use second-order
  information (``grasp``) are the most sensitive: ``plain`` changes sign across cells with the
  batch, so no two runs rank it alike (its tau is negative in both).
* ``fisher`` values are 50-130x smaller than recorded though the ranking agrees (0.93). We hook
  the conv and linear outputs; the scale gap suggests the recorded implementation took the
  activation-gradient products elsewhere in the ReLU-conv-BN blocks (not confirmed).
* ``l2_norm`` sums weight norms at PyTorch's default initialisation, which differs from NASLib's.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from nasbench_suite import ImageBatch as Batch

WEIGHTED = (nn.Conv2d, nn.Linear)
EPSILON = 1e-5

ProxyFunction = Callable[[nn.Module, Batch], float]


def _weighted_layers(net: nn.Module) -> list[nn.Module]:
    return [m for m in net.modules() if isinstance(m, WEIGHTED)]


def _loss_backward(net: nn.Module, batch: Batch, create_graph: bool = False) -> torch.Tensor:
    net.train()
    net.zero_grad()
    loss = F.cross_entropy(net(batch.images), batch.labels)
    loss.backward(create_graph=create_graph)
    return loss


def _sum_over_layers(net: nn.Module, metric: Callable[[nn.Module], torch.Tensor]) -> float:
    total = 0.0
    with torch.no_grad():
        for layer in _weighted_layers(net):
            if layer.weight.grad is not None:
                total += float(metric(layer).sum())
    return total


def params(net: nn.Module, batch: Batch) -> float:
    return sum(p.numel() for p in net.parameters()) / 1e6


def flops(net: nn.Module, batch: Batch) -> float:
    total = 0

    def count(module: nn.Module, inputs: tuple[torch.Tensor, ...], output: torch.Tensor) -> None:
        nonlocal total
        if isinstance(module, nn.Conv2d):
            kernel = module.kernel_size[0] * module.kernel_size[1] * module.in_channels // module.groups
            total += output[0].numel() * kernel
        elif isinstance(module, nn.Linear):
            total += module.in_features * module.out_features
        else:  # pooling: one operation per kernel element and output element
            k = module.kernel_size
            total += output[0].numel() * (k * k if isinstance(k, int) else k[0] * k[1])

    counted = (*WEIGHTED, nn.AvgPool2d, nn.MaxPool2d)
    handles = [m.register_forward_hook(count) for m in net.modules() if isinstance(m, counted)]
    try:
        net.eval()
        with torch.no_grad():
            net(batch.images[:1])
    finally:
        for handle in handles:
            handle.remove()
    return total / 1e6


def grad_norm(net: nn.Module, batch: Batch) -> float:
    _loss_backward(net, batch)
    return _sum_over_layers(net, lambda layer: layer.weight.grad.norm())


def snip(net: nn.Module, batch: Batch) -> float:
    _loss_backward(net, batch)
    return _sum_over_layers(net, lambda layer: (layer.weight.grad * layer.weight).abs())


def plain(net: nn.Module, batch: Batch) -> float:
    _loss_backward(net, batch)
    return _sum_over_layers(net, lambda layer: layer.weight.grad * layer.weight)


def l2_norm(net: nn.Module, batch: Batch) -> float:
    return float(sum(layer.weight.detach().norm() for layer in _weighted_layers(net)))


def grasp(net: nn.Module, batch: Batch) -> float:
    weights = [layer.weight for layer in _weighted_layers(net)]
    net.train()
    loss = F.cross_entropy(net(batch.images), batch.labels)
    gradient = [g.detach() for g in torch.autograd.grad(loss, weights, allow_unused=True, materialize_grads=True)]
    loss = F.cross_entropy(net(batch.images), batch.labels)
    grads = torch.autograd.grad(loss, weights, create_graph=True, allow_unused=True, materialize_grads=True)
    inner = sum((g * d).sum() for g, d in zip(grads, gradient))
    hessian_gradient = torch.autograd.grad(inner, weights, allow_unused=True, materialize_grads=True)
    return float(sum((-w.detach() * hg).sum() for w, hg in zip(weights, hessian_gradient)))


def fisher(net: nn.Module, batch: Batch) -> float:
    activations: list[torch.Tensor] = []

    def keep(module: nn.Module, inputs: tuple[torch.Tensor, ...], output: torch.Tensor) -> None:
        output.retain_grad()
        activations.append(output)

    handles = [m.register_forward_hook(keep) for m in _weighted_layers(net)]
    try:
        _loss_backward(net, batch)
    finally:
        for handle in handles:
            handle.remove()
    total = 0.0
    for act in activations:
        if act.grad is None:
            continue
        product = act.detach() * act.grad
        if product.dim() == 4:
            product = product.sum(dim=(2, 3))
        total += float((0.5 * product.pow(2).mean(0)).sum())
    return total


def synflow(net: nn.Module, batch: Batch) -> float:
    linear = copy.deepcopy(net)
    for module in list(linear.modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, nn.BatchNorm2d):
                setattr(module, child_name, nn.Identity())
    linear = linear.double().eval()
    with torch.no_grad():
        for p in linear.parameters():
            p.abs_()
    linear.zero_grad()
    ones = torch.ones((1, *batch.images.shape[1:]), dtype=torch.float64, device=batch.images.device)
    linear(ones).sum().backward()
    total = _sum_over_layers(linear, lambda layer: (layer.weight.grad * layer.weight).abs())
    return math.log(total) if total > 0 else -math.inf


def _input_jacobians(net: nn.Module, batch: Batch) -> np.ndarray:
    net.train()
    net.zero_grad()
    images = batch.images.clone().requires_grad_(True)
    net(images).backward(torch.ones((len(images), batch.num_classes), device=images.device))
    return images.grad.reshape(len(images), -1).detach().cpu().double().numpy()


def jacov(net: nn.Module, batch: Batch) -> float:
    corr = np.corrcoef(_input_jacobians(net, batch))
    eigenvalues = np.linalg.eigvalsh(corr)
    return float(-np.sum(np.log(eigenvalues + EPSILON) + 1.0 / (eigenvalues + EPSILON)))


def epe_nas(net: nn.Module, batch: Batch) -> float:
    jacobians = _input_jacobians(net, batch)
    labels = batch.labels.cpu().numpy()
    per_class = {}
    for label in np.unique(labels):
        rows = jacobians[labels == label]
        if len(rows) < 2:
            continue
        corr = np.corrcoef(rows)
        score = float(np.sum(np.log(np.abs(corr) + EPSILON)))
        per_class[label] = score / len(corr) if batch.num_classes > 100 else score
    values = np.array(list(per_class.values()))
    if batch.num_classes <= 100:
        return float(np.abs(values).sum())
    return float(np.abs(values[:, None] - values[None, :]).sum() / max(len(values), 1))


def nwot(net: nn.Module, batch: Batch) -> float:
    size = len(batch.images)
    kernel = torch.zeros((size, size), dtype=torch.float64, device=batch.images.device)

    def add_codes(module: nn.Module, inputs: tuple[torch.Tensor, ...], output: torch.Tensor) -> None:
        codes = (inputs[0].detach().reshape(size, -1) > 0).double()
        kernel.add_(codes @ codes.T + (1 - codes) @ (1 - codes).T)

    handles = [m.register_forward_hook(add_codes) for m in net.modules() if isinstance(m, nn.ReLU)]
    try:
        net.train()
        with torch.no_grad():
            net(batch.images)
    finally:
        for handle in handles:
            handle.remove()
    return float(torch.linalg.slogdet(kernel.cpu())[1])


def zen(net: nn.Module, batch: Batch, mixup_gamma: float = 1e-2) -> float:
    generator = torch.Generator(device="cpu").manual_seed(0)
    with torch.no_grad():
        for module in net.modules():
            if isinstance(module, WEIGHTED):
                module.weight.copy_(torch.randn(module.weight.shape, generator=generator))
                if module.bias is not None:
                    module.bias.zero_()
            elif isinstance(module, nn.BatchNorm2d):
                module.weight.fill_(1.0)
                module.bias.zero_()
        shape = batch.images.shape
        x = torch.randn(shape, generator=generator).to(batch.images.device)
        noise = torch.randn(shape, generator=generator).to(batch.images.device)
        net.train()
        difference = (net.features(x) - net.features(x + mixup_gamma * noise)).abs().sum(dim=(1, 2, 3)).mean()
        log_bn = sum(
            math.log(math.sqrt(float(m.running_var.mean())))
            for m in net.modules()
            if isinstance(m, nn.BatchNorm2d) and m.running_var is not None
        )
    return math.log(float(difference)) + log_bn


PROXIES: dict[str, ProxyFunction] = {
    "epe_nas": epe_nas,
    "fisher": fisher,
    "flops": flops,
    "grad_norm": grad_norm,
    "grasp": grasp,
    "jacov": jacov,
    "l2_norm": l2_norm,
    "nwot": nwot,
    "params": params,
    "plain": plain,
    "snip": snip,
    "synflow": synflow,
    "zen": zen,
}
