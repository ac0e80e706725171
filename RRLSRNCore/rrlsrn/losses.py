"""Charbonnier + Gradient Difference Loss, the RRLSRN training objective.

``reduction="mean"`` averages over pixels (scale-free, for Adam); ``"sum"`` sums over the
pixels of each image and averages over the batch, as official LapSRN/RRLSRN do (what makes
their SGD learning rate of 1e-5 move the weights).
"""
from __future__ import annotations

import torch
from torch import nn


def _reduce(per_pixel: torch.Tensor, reduction: str) -> torch.Tensor:
    if reduction == "mean":
        return per_pixel.mean()
    if reduction == "sum":
        return per_pixel.flatten(1).sum(dim=1).mean()
    raise ValueError(f"reduction must be 'mean' or 'sum', not {reduction!r}")


def charbonnier(pred: torch.Tensor, target: torch.Tensor, eps: float = 1e-3,
                reduction: str = "mean") -> torch.Tensor:
    """√((ŷ − y)² + ε²)."""
    return _reduce(torch.sqrt((pred - target) ** 2 + eps**2), reduction)


def gradient_difference(pred: torch.Tensor, target: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """(|∂ᵢy| − |∂ᵢŷ|)² + (|∂ⱼy| − |∂ⱼŷ|)² over forward differences (Mathieu et al.)."""
    def grads(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return (x[..., 1:, :] - x[..., :-1, :]).abs(), (x[..., :, 1:] - x[..., :, :-1]).abs()

    (ty, tx), (py, px) = grads(target), grads(pred)
    return _reduce((ty - py) ** 2, reduction) + _reduce((tx - px) ** 2, reduction)


class SRLoss(nn.Module):
    """``charbonnier_weight`` · Charbonnier + ``gdl_weight`` · GDL."""

    def __init__(self, charbonnier_weight: float = 1.0, gdl_weight: float = 1.0, eps: float = 1e-3,
                 reduction: str = "mean"):
        super().__init__()
        self.charbonnier_weight, self.gdl_weight = charbonnier_weight, gdl_weight
        self.eps, self.reduction = eps, reduction

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        loss = self.charbonnier_weight * charbonnier(pred, target, self.eps, self.reduction)
        if self.gdl_weight:
            loss = loss + self.gdl_weight * gradient_difference(pred, target, self.reduction)
        return loss
