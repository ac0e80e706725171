"""Networks: RRLSRN (one ×2 level, cascaded for ×4/×8), the SRCNN 9-5-5 baseline, and the
through-plane RRLSRN that restores the slice axis of a thick-slice stack.

Every in-plane model maps a normalised low-resolution batch ``(N, 1, h, w)`` to
``(N, 1, s·h, s·w)`` and exposes ``scale``; the rest of the library only relies on that.
The through-plane model (``scale`` 1) maps planes already interpolated along their last axis
(the slice axis) to restored planes of the same size.
"""
from __future__ import annotations

import torch
from torch import nn

from .degrade import bicubic_upsample, spline_upsample_torch

IMAGE_BRANCHES = ("upconv", "spline")


def bilinear_upsampling_kernel(size: int = 4) -> torch.Tensor:
    """The (size × size) bilinear kernel that makes a stride-2 transposed conv bilinear ×2."""
    factor = (size + 1) // 2
    centre = factor - 1 if size % 2 == 1 else factor - 0.5
    t = torch.arange(size, dtype=torch.float32)
    g = 1 - torch.abs(t - centre) / factor
    return g[:, None] * g[None, :]


class SplineUpsample(nn.Module):
    """Fixed cubic B-spline ×2 upsampling (the ``cubic spline`` baseline exactly), in float32 even
    under autocast, so the image branch never loses precision. No parameters."""

    scale = 2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.autocast(device_type=x.device.type, enabled=False):
            return spline_upsample_torch(x.float(), self.scale)


class RRLSRNLevel(nn.Module):
    """One ×2 RRLSRN level: ŷ = U(x) + R(x).

    Feature branch R: input conv, ``depth`` convs (3×3×``features``, leaky ReLU 0.2), a
    transposed conv upsampling the features, and a 3×3 conv to one residual channel.
    Image branch U (``image_branch``): ``"upconv"`` = the paper's learned 4×4 stride-2
    transposed conv initialised bilinear; ``"spline"`` = a fixed cubic B-spline ×2 upsampling
    (the residual is learnt on top of the spline, so a zero residual is exactly the spline).

    ``feature_upconv_kernel`` 4 is the paper's (padding 1); 3 is released LapSRN's (padding 0
    then crop the last row and column, MatConvNet's crop [0 1 0 1]). With
    ``feature_upconv=False`` the residual is predicted at low resolution and upsampled by the
    image branch (the paper's ablation without the feature-branch transposed conv).
    """

    def __init__(self, features: int = 64, depth: int = 10, feature_upconv_kernel: int = 4,
                 feature_upconv: bool = True, image_branch: str = "upconv"):
        super().__init__()
        if feature_upconv_kernel not in (3, 4):
            raise ValueError("feature_upconv_kernel must be 3 or 4")
        if image_branch not in IMAGE_BRANCHES:
            raise ValueError(f"image_branch must be one of {IMAGE_BRANCHES}")
        self.image_branch = image_branch
        act = lambda: nn.LeakyReLU(0.2, inplace=True)  # noqa: E731
        layers: list[nn.Module] = [nn.Conv2d(1, features, 3, padding=1), act()]
        for _ in range(depth):
            layers += [nn.Conv2d(features, features, 3, padding=1), act()]
        self.features = nn.Sequential(*layers)
        self.feature_upconv_kernel = feature_upconv_kernel
        self.feature_up = None
        if feature_upconv:
            pad = 1 if feature_upconv_kernel == 4 else 0
            self.feature_up = nn.ConvTranspose2d(features, features, feature_upconv_kernel, stride=2, padding=pad)
            self.feature_act = act()
        self.residual = nn.Conv2d(features, 1, 3, padding=1)
        if image_branch == "upconv":
            self.image_up = nn.ConvTranspose2d(1, 1, 4, stride=2, padding=1, bias=False)
        else:
            self.image_up = SplineUpsample()
        self._initialise()

    def _initialise(self) -> None:
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                nn.init.kaiming_normal_(m.weight, a=0.2, nonlinearity="leaky_relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
        nn.init.normal_(self.residual.weight, std=1e-3)  # start as the image branch alone
        with torch.no_grad():
            if self.image_branch == "upconv":
                self.image_up.weight.copy_(bilinear_upsampling_kernel(4).view(1, 1, 4, 4))
            if self.feature_up is not None and self.feature_upconv_kernel == 4:
                self.feature_up.weight.mul_(0).add_(torch.eye(self.feature_up.in_channels)[:, :, None, None]
                                                    * bilinear_upsampling_kernel(4))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = self.features(x)
        if self.feature_up is None:
            return self.image_up(x + self.residual(f))
        f = self.feature_up(f)
        if self.feature_upconv_kernel == 3:
            f = f[..., :-1, :-1]
        return self.image_up(x) + self.residual(self.feature_act(f))


class RRLSRN(nn.Module):
    """RRLSRN for ×2, ×4 or ×8: one trained ×2 level per factor of two, applied in turn."""

    def __init__(self, scale: int = 2, **level_kwargs):
        super().__init__()
        n_levels = {2: 1, 4: 2, 8: 3}.get(scale)
        if n_levels is None:
            raise ValueError("RRLSRN scale must be 2, 4 or 8")
        self.scale = scale
        self.levels = nn.ModuleList(RRLSRNLevel(**level_kwargs) for _ in range(n_levels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for level in self.levels:
            x = level(x)
        return x


class Cascade(nn.Module):
    """A ×2 model applied ``times`` times (×4, ×8 from ×2 weights, as LapSRN does)."""

    def __init__(self, model: nn.Module, times: int):
        super().__init__()
        self.model = model
        self.times = times
        self.scale = model.scale ** times

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for _ in range(self.times):
            x = self.model(x)
        return x


class SRCNN(nn.Module):
    """SRCNN 9-5-5 (Dong et al.) on the bicubic-upsampled image, residual-free as published."""

    def __init__(self, scale: int = 2, f1: int = 64, f2: int = 32):
        super().__init__()
        self.scale = scale
        self.body = nn.Sequential(
            nn.Conv2d(1, f1, 9, padding=4), nn.ReLU(inplace=True),
            nn.Conv2d(f1, f2, 5, padding=2), nn.ReLU(inplace=True),
            nn.Conv2d(f2, 1, 5, padding=2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(bicubic_upsample(x, self.scale))


class ThroughPlaneRRLSRN(nn.Module):
    """RRLSRN's feature branch on a plane whose last axis (the slice axis) was cubic-spline
    interpolated from thick slices: ŷ = x + R(x, c), R = input conv, ``depth`` 3×3×``features``
    convs with leaky ReLU 0.2, a 3×3 conv to one residual channel. One model serves every ratio
    and slice thickness: it is told both as constant input channels c = (spacing, thickness) in
    output samples / 8 (:meth:`conditioned`), since a slice with a gap needs no deblurring and a
    thick one much. 32 features (not 64) keep a dev stack at ×4 near a minute on a 2-core CPU."""

    scale = 1
    CONDITION_UNIT = 8.0

    def __init__(self, features: int = 32, depth: int = 10):
        super().__init__()
        act = lambda: nn.LeakyReLU(0.2, inplace=True)  # noqa: E731
        layers: list[nn.Module] = [nn.Conv2d(3, features, 3, padding=1), act()]
        for _ in range(depth):
            layers += [nn.Conv2d(features, features, 3, padding=1), act()]
        layers.append(nn.Conv2d(features, 1, 3, padding=1))
        self.body = nn.Sequential(*layers)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, a=0.2, nonlinearity="leaky_relu")
                nn.init.zeros_(m.bias)
        nn.init.normal_(layers[-1].weight, std=1e-3)  # start as the spline alone

    @classmethod
    def with_condition(cls, x: torch.Tensor, spacing: float | torch.Tensor, thickness: float | torch.Tensor) -> torch.Tensor:
        """``x`` (N, 1, h, w) with the two condition channels (per-sample values, or one for all)."""
        n = x.shape[0]
        c = torch.stack([torch.as_tensor(spacing, dtype=x.dtype).expand(n), torch.as_tensor(thickness, dtype=x.dtype).expand(n)], 1)
        c = (c / cls.CONDITION_UNIT).to(x.device)[:, :, None, None].expand(n, 2, *x.shape[-2:])
        return torch.cat([x, c.contiguous(memory_format=torch.channels_last) if x.is_contiguous(
            memory_format=torch.channels_last) else c], 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x``: (N, 3, h, w), the interpolated plane and its condition channels."""
        return x[:, :1] + self.body(x)

    def conditioned(self, spacing: float, thickness: float) -> nn.Module:
        """This model as a one-channel model for one stack (spacing, thickness in output samples)."""
        return _Conditioned(self, spacing, thickness)


class _Conditioned(nn.Module):
    scale = 1

    def __init__(self, model: ThroughPlaneRRLSRN, spacing: float, thickness: float):
        super().__init__()
        self.model, self.spacing, self.thickness = model, float(spacing), float(thickness)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(ThroughPlaneRRLSRN.with_condition(x, self.spacing, self.thickness))


ARCHITECTURES = {"rrlsrn": RRLSRN, "srcnn": SRCNN, "through_plane": ThroughPlaneRRLSRN}


def build_model(arch: str, config: dict) -> nn.Module:
    """Instantiate an architecture by name with its stored configuration."""
    if arch not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {arch!r}")
    return ARCHITECTURES[arch](**config)
