"""Model weight files: saving, safe loading with sha256 checks, shipped defaults, LapSRN port.

A weights file is a ``torch.save`` of a plain dict ``{"arch", "config", "state_dict",
"meta"}``, loaded with ``weights_only=True`` so a file cannot run code. Shipped files have a
``<file>.sha256`` beside them, checked on every load.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .errors import RRLSRNError
from .io import atomic_path
from .models import RRLSRN, Cascade, build_model

SHIPPED_DIR = Path(__file__).resolve().parent / "weights"
SHIPPED = {"rrlsrn": "rrlsrn_x2.pt", "srcnn": "srcnn_x2.pt", "through_plane": "rrlsrn_through_plane.pt"}


def sha256_of(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def shipped_weights(arch: str = "rrlsrn") -> Path:
    """Path of the weights shipped inside the package for ``arch`` (×2 in-plane, or through-plane)."""
    path = SHIPPED_DIR / SHIPPED[arch]
    if not path.exists():
        raise RRLSRNError(f"the shipped {arch} weights are missing from the installation ({path}).")
    return path


def save_weights(model: nn.Module, path: Path | str, arch: str, config: dict, meta: dict | None = None) -> Path:
    """Write a weights file atomically, with its ``.sha256`` beside it."""
    path = Path(path)
    state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    with atomic_path(path) as tmp:
        torch.save({"arch": arch, "config": config, "state_dict": state, "meta": meta or {}}, tmp)
    write_sha256(path)
    return path


def write_sha256(path: Path | str) -> Path:
    """Record a weights file's sha256 beside it (``<file>.sha256``), as shipped files have."""
    path = Path(path)
    sidecar = Path(f"{path}.sha256")
    sidecar.write_text(f"{sha256_of(path)}  {path.name}\n")
    return sidecar


def read_weights_file(path: Path | str) -> dict:
    """The checkpoint dict of a weights file, refused with one sentence when it is not one."""
    path = Path(path)
    if path.is_dir():
        raise RRLSRNError(f"{path} is a folder, not a weights file (.pt).")
    if not path.is_file():
        raise RRLSRNError(f"weights file {path} does not exist.")
    sidecar = Path(f"{path}.sha256")
    if sidecar.exists():
        expected = sidecar.read_text().split()[0] if sidecar.read_text().strip() else ""
        if sha256_of(path) != expected:
            raise RRLSRNError(f"weights file {path} does not match its sha256 ({sidecar.name}): "
                              "it is corrupt or was replaced.")
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:
        raise RRLSRNError(f"{path} is not a readable RRLSRN weights file (corrupt, or it holds "
                          "objects other than tensors, which are refused for safety).") from None
    if not isinstance(checkpoint, dict) or not {"arch", "config", "state_dict"} <= checkpoint.keys():
        raise RRLSRNError(f"{path} is a PyTorch file but not an RRLSRN weights file.")
    return checkpoint


def load_model(path: Path | str, scale: int | None = None) -> nn.Module:
    """Build the model stored in a weights file; a ×2 model is cascaded to reach ``scale``."""
    checkpoint = read_weights_file(path)
    try:
        model = build_model(checkpoint["arch"], checkpoint["config"])
        model.load_state_dict(checkpoint["state_dict"])
    except (ValueError, TypeError, RuntimeError):
        raise RRLSRNError(f"{path} holds weights of another architecture than its "
                          f"{checkpoint['arch']!r} entry describes.") from None
    model.eval()
    if scale is None or scale == model.scale:
        return model
    if model.scale == 1:  # log(1) = 0 below: a through-plane model has no in-plane scale to cascade
        raise RRLSRNError(f"{path} holds a through-plane model, not an in-plane one: give it with "
                          "--through-plane-weights.")
    times = round(np.log(scale) / np.log(model.scale))
    if model.scale ** times != scale or times < 1:
        raise RRLSRNError(f"a ×{model.scale} model cannot make ×{scale}; use ×{model.scale} or a power of it.")
    return Cascade(model, times).eval()


def load_lapsrn_mat(path: Path | str) -> RRLSRN:
    """Port the official LapSRN ×2 MatConvNet model (``LapSRN_x2.mat``) to a ×2 RRLSRN.

    Released LapSRN uses a 3×3 feature upconv with crop [0 1 0 1], so the model is built with
    ``feature_upconv_kernel=3``. MatConvNet weights are H×W×Cin×Cout (conv) and H×W×Cout×Cin
    (transposed conv); ``permute(3, 2, 0, 1)`` gives PyTorch's layouts for both.
    """
    from scipy.io import loadmat

    try:
        net = loadmat(str(path), squeeze_me=False, struct_as_record=False)["net"][0, 0]
    except Exception:
        raise RRLSRNError(f"{path} is not a LapSRN MatConvNet .mat file.") from None
    params = {p.name[0]: np.asarray(p.value, np.float32) for p in net.params.ravel()}

    def weight(name: str) -> torch.Tensor:
        w = params[name]
        w = w.reshape(w.shape + (1,) * (4 - w.ndim))
        return torch.from_numpy(np.ascontiguousarray(w.transpose(3, 2, 0, 1)))

    def bias(name: str) -> torch.Tensor:
        return torch.from_numpy(params[name].ravel())

    model = RRLSRN(scale=2, feature_upconv_kernel=3)
    level = model.levels[0]
    convs = [m for m in level.features if isinstance(m, nn.Conv2d)]
    names = ["input_conv"] + [f"level1_conv{i}" for i in range(1, len(convs))]
    with torch.no_grad():
        for conv, name in zip(convs, names):
            conv.weight.copy_(weight(f"{name}_f"))
            conv.bias.copy_(bias(f"{name}_b"))
        level.feature_up.weight.copy_(weight("level1_upconv_f"))
        level.feature_up.bias.copy_(bias("level1_upconv_b"))
        level.residual.weight.copy_(weight("level1_residual_conv_f"))
        level.residual.bias.copy_(bias("level1_residual_conv_b"))
        level.image_up.weight.copy_(weight("level1_img_up_f"))
    return model.eval()
