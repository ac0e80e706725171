"""Training: 2D patches from volumes, low resolution simulated per batch, resumable, DDP-ready.

Run as ``rrlsrn train`` (one process) or ``torchrun --nproc-per-node N -m rrlsrn.cli train``
(DistributedDataParallel: gloo on CPU, nccl on GPU; the global batch is split over ranks).
All randomness comes from torch generators reseeded from (seed, epoch), so a run resumed from
an epoch checkpoint continues exactly as an uninterrupted one, and every rank draws the same
global batch and trains on its share of it.
"""
from __future__ import annotations

import csv
import json
import math
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from torch import nn

from . import io, slice_profile
from .degrade import (AcquisitionMix, acquire, cubic_spline_upsample, rician_noise, sample_acquisition, simulate_lr,
                      zero_fill_interpolate)
from .discovery import DEFAULT_EXCLUDES, find_volumes
from .errors import RRLSRNError
from .intensity import TISSUE, Normalisation
from .losses import SRLoss
from .metrics import score
from .models import ThroughPlaneRRLSRN, build_model
from .weights import load_lapsrn_mat, load_model, save_weights



@dataclass
class TrainConfig:
    """Everything that defines a training run (saved in its checkpoint and ``config.json``)."""

    inputs: list[str] = field(default_factory=list)
    val: list[str] = field(default_factory=list)
    out: str = "runs/rrlsrn"
    task: str = "in_plane"  # in_plane: ×scale in both plane axes; through_plane: restore thick slices
    recipe: str = "default"
    arch: str = "rrlsrn"
    scale: int = 2
    feature_upconv_kernel: int = 4
    feature_upconv: bool = True
    image_branch: str = "upconv"
    init: str = "scratch"
    lapsrn_mat: str | None = None
    degradation: str = "mix"
    kspace_fraction: float = 0.5
    blur_max: float = 0.0
    noise_max: float = 0.0
    hr_noise_max: float = 0.0
    acquisition: dict = field(default_factory=dict)
    zero_fill_fraction: float = 0.0
    zero_fill_min: float = 0.5
    # through_plane: per batch a slice spacing ratio, per patch a profile and a thickness/spacing factor
    ratios: list[int] = field(default_factory=lambda: [2, 3, 4, 5, 6, 7, 8])
    profiles: list[str] = field(default_factory=lambda: ["gaussian", "rect"])
    thickness_factor: list[float] = field(default_factory=lambda: [0.8, 1.25])
    patch_size: int = 64
    batch_size: int = 16
    epochs: int = 20
    steps_per_epoch: int = 100
    lr: float | None = None
    charbonnier_weight: float = 1.0
    gdl_weight: float = 1.0
    foreground_fraction: float = 0.9
    val_slices: int = 8
    seed: int = 0
    threads: int = 0
    exclude: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDES))

    def model_config(self) -> dict:
        if self.arch == "through_plane":
            return {}
        if self.arch == "srcnn":
            return {"scale": self.scale}
        return {"scale": self.scale, "feature_upconv_kernel": self.feature_upconv_kernel,
                "feature_upconv": self.feature_upconv, "image_branch": self.image_branch}

    def acquisition_mix(self) -> AcquisitionMix:
        return AcquisitionMix(**self.acquisition)


# ---------------------------------------------------------------------------- data

def load_normalised(path: Path) -> np.ndarray:
    """A volume as a normalised float32 array ``[k, j, i]``."""
    import SimpleITK as sitk

    array = sitk.GetArrayFromImage(io.read_data_volume(path)).astype(np.float32)
    return Normalisation.fit(array).apply(array)


class PatchSampler:
    """Random 2D patches across every axis whose in-plane spacing is isotropic, mostly centred on
    tissue (foreground-biased), from volumes held in memory."""

    def __init__(self, paths: list[Path], patch: int, foreground_fraction: float):
        self.volumes = [load_normalised(p) for p in paths]
        self.patch, self.fg_fraction = patch, foreground_fraction
        self.foreground = []
        for v in self.volumes:
            idx = np.flatnonzero(v > TISSUE)
            self.foreground.append(torch.from_numpy(idx[:: max(1, idx.size // 500_000)]))
        self.axes = [self._in_plane_axes(p) for p in paths]

    @staticmethod
    def _in_plane_axes(path: Path) -> list[int]:
        """numpy axes across which slices are isotropic in-plane (all three for isotropic volumes)."""
        import SimpleITK as sitk

        reader = sitk.ImageFileReader()
        reader.SetFileName(str(path))
        reader.ReadImageInformation()
        s = reader.GetSpacing()[::-1]  # numpy axis order
        return [a for a in range(3) if np.isclose(*(s[b] for b in range(3) if b != a), rtol=0.05)] or [0]

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """``(n, 1, P, P)`` HR patches."""
        p = self.patch
        out = np.zeros((n, 1, p, p), np.float32)
        for b in range(n):
            v = int(torch.randint(len(self.volumes), (1,), generator=generator))
            vol = self.volumes[v]
            axes = self.axes[v]
            axis = axes[int(torch.randint(len(axes), (1,), generator=generator))]
            fg = self.foreground[v]
            if fg.numel() and torch.rand(1, generator=generator).item() < self.fg_fraction:
                centre = np.unravel_index(int(fg[torch.randint(fg.numel(), (1,), generator=generator)]), vol.shape)
            else:
                centre = [int(torch.randint(n_, (1,), generator=generator)) for n_ in vol.shape]
            plane = np.take(vol, centre[axis], axis=axis)
            rows, cols = [c for a, c in enumerate(centre) if a != axis]
            r0, c0 = rows - p // 2, cols - p // 2
            src = plane[max(r0, 0):r0 + p, max(c0, 0):c0 + p]
            out[b, 0, max(-r0, 0):max(-r0, 0) + src.shape[0], max(-c0, 0):max(-c0, 0) + src.shape[1]] = src
        return torch.from_numpy(out)


def augment(hr: torch.Tensor, generator: torch.Generator, noise_max: float = 0.0) -> torch.Tensor:
    """Random flips, 90° rotations, gamma and contrast changes, and Rician noise of std up to
    ``noise_max`` in the target itself (clinical 'high-resolution' slices are noisy, and a model
    that learnt to denoise them is scored against their noise) — per patch."""
    out = []
    for x in hr:
        k = int(torch.randint(4, (1,), generator=generator))
        x = torch.rot90(x, k, dims=(-2, -1))
        if torch.rand(1, generator=generator).item() < 0.5:
            x = torch.flip(x, dims=(-1,))
        gamma = math.exp((torch.rand(1, generator=generator).item() - 0.5) * 0.6)
        contrast = 0.8 + 0.4 * torch.rand(1, generator=generator).item()
        x = x.clamp(min=0) ** gamma * contrast
        out.append(rician_noise(x, noise_max * torch.rand(1, generator=generator).item(), generator))
    return torch.stack(out)


def zero_fill_targets(hr: torch.Tensor, cfg: TrainConfig, generator: torch.Generator) -> torch.Tensor:
    """A share ``zero_fill_fraction`` of the HR patches replaced by what a scanner shows of a
    coarser acquisition zero-filled onto their grid (central ``zero_fill_min``–1 of k-space kept
    along one axis, or both): clinical "HR" stacks are often such an interpolation."""
    if cfg.zero_fill_fraction <= 0:
        return hr
    out = hr.clone()
    for i in range(hr.shape[0]):
        u = torch.rand(4, generator=generator).tolist()
        if u[0] >= cfg.zero_fill_fraction:
            continue
        keep = cfg.zero_fill_min + (1 - cfg.zero_fill_min) * u[1]
        axes = [(keep, 1.0), (1.0, keep), (keep, keep)][min(int(u[2] * 3), 2)]
        out[i] = zero_fill_interpolate(hr[i], axes)
    return out


def make_lr(hr: torch.Tensor, cfg: TrainConfig, generator: torch.Generator) -> torch.Tensor:
    """Low-resolution inputs for a batch: bicubic, k-space or a per-patch mix, blur and noise.
    ``acquisition``: per patch, bicubic (share 1 − ``kspace_fraction``) or an MR acquisition
    drawn from ``cfg.acquisition`` (:class:`rrlsrn.degrade.AcquisitionMix`: k-space truncation
    with anisotropic matrices, partial Fourier, apodisation, complex noise, magnitude)."""
    n = hr.shape[0]
    if cfg.degradation == "acquisition":
        mix = cfg.acquisition_mix()
        lr = torch.empty(n, 1, hr.shape[-2] // cfg.scale, hr.shape[-1] // cfg.scale)
        for i in range(n):
            if torch.rand(1, generator=generator).item() < cfg.kspace_fraction:
                lr[i] = acquire(hr[i], sample_acquisition(generator, mix), cfg.scale, generator)
            else:
                lr[i] = simulate_lr(hr[i], "bicubic", cfg.scale)
            noise = cfg.noise_max * torch.rand(1, generator=generator).item()
            lr[i] = rician_noise(lr[i], noise, generator)
        return lr
    if cfg.degradation == "mix":
        kspace = torch.rand(n, generator=generator) < cfg.kspace_fraction
    else:
        kspace = torch.full((n,), cfg.degradation == "kspace")
    lr = torch.empty(n, 1, hr.shape[-2] // cfg.scale, hr.shape[-1] // cfg.scale)
    for i in range(n):
        blur = cfg.blur_max * torch.rand(1, generator=generator).item()
        noise = cfg.noise_max * torch.rand(1, generator=generator).item()
        lr[i] = simulate_lr(hr[i], "kspace" if kspace[i] else "bicubic", cfg.scale, blur, noise, generator)
    return lr


def through_plane_pair(hr: torch.Tensor, cfg: TrainConfig, generator: torch.Generator,
                       ratio: int | None = None, profile: str | None = None,
                       thickness_factor: float | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """(input, target) for the through-plane task: the last axis of each HR patch measured as thick
    slices (spacing ``ratio`` samples, thickness ``ratio × thickness_factor``, a slice profile from
    ``cfg.profiles``), Rician noise up to ``cfg.noise_max``, then cubic-spline interpolated back,
    with the spacing and thickness as condition channels; the target is the patch cut to a
    multiple of the ratio. Unset arguments are drawn."""
    pick = lambda options: options[int(torch.randint(len(options), (1,), generator=generator))]  # noqa: E731
    ratio = ratio or pick(cfg.ratios)
    width = hr.shape[-1] // ratio * ratio
    target = hr[..., :width].contiguous()
    inputs, thickness = torch.empty_like(target), torch.empty(target.shape[0])
    for i in range(target.shape[0]):
        lo, hi = cfg.thickness_factor
        factor = thickness_factor or lo + (hi - lo) * torch.rand(1, generator=generator).item()
        thickness[i] = ratio * factor
        thick = slice_profile.thick_slices(target[i], width // ratio, ratio * factor, profile or pick(cfg.profiles))
        thick = rician_noise(thick, cfg.noise_max * torch.rand(1, generator=generator).item(), generator)
        inputs[i] = slice_profile.interpolate(thick, width)
    return ThroughPlaneRRLSRN.with_condition(inputs, float(ratio), thickness), target


def training_pair(hr: torch.Tensor, cfg: TrainConfig, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """(model input, target) for one batch of HR patches, by the run's task."""
    if cfg.task == "through_plane":
        return through_plane_pair(hr, cfg, generator)
    hr = zero_fill_targets(hr, cfg, generator)
    return make_lr(hr, cfg, generator), hr


def validation_sets(val_hr: torch.Tensor, cfg: TrainConfig) -> list[tuple[str, torch.Tensor, np.ndarray]]:
    """The fixed validation inputs, each with a name and the spline's output: in-plane, bicubic
    ("") and k-space LR; through-plane, ×4 slices of Gaussian ("") and rectangular profile."""
    if cfg.task == "through_plane":
        sets = [(name, through_plane_pair(val_hr, cfg, torch.Generator().manual_seed(0), 4, profile, 1.0)[0])
                for name, profile in (("", "gaussian"), ("rect", "rect"))]
        return [(name, x, x[:, 0].numpy()) for name, x in sets]  # channel 0: the spline
    sets = [(name, simulate_lr(val_hr, degradation, cfg.scale)) for name, degradation in (("", "bicubic"), ("kspace", "kspace"))]
    return [(name, x, cubic_spline_upsample(x[:, 0].numpy(), cfg.scale)) for name, x in sets]


def validation_slices(paths: list[Path], per_volume: int, scale: int, patch: int = 128) -> torch.Tensor:
    """Fixed validation HR crops: the ``per_volume`` most tissue-rich axial-ish slices of each
    volume (across numpy axis 0), centre-cropped to ``patch``² around their tissue."""
    crops = []
    for path in paths:
        vol = load_normalised(path)
        tissue = (vol > TISSUE).sum(axis=(1, 2))
        for z in sorted(np.argsort(tissue)[::-1][:per_volume]):
            plane = vol[z]
            rows, cols = np.nonzero(plane > TISSUE)
            r = int(np.clip(rows.mean() - patch // 2, 0, max(plane.shape[0] - patch, 0)))
            c = int(np.clip(cols.mean() - patch // 2, 0, max(plane.shape[1] - patch, 0)))
            crop = np.zeros((patch, patch), np.float32)
            part = plane[r:r + patch, c:c + patch]
            crop[:part.shape[0], :part.shape[1]] = part
            crops.append(crop)
    return torch.from_numpy(np.stack(crops))[:, None]


def psnr_ssim(pred: np.ndarray, target: np.ndarray) -> tuple[float, float]:
    """Mean PSNR and SSIM over whole slices, with the evaluation protocol's scoring."""
    psnr, ssim = score(pred, target, np.ones(target.shape, bool))
    return float(np.mean(psnr)), float(np.mean(ssim))


# ---------------------------------------------------------------------------- loop

def _optimiser(model: nn.Module, cfg: TrainConfig, total_steps: int):
    """``paper``: SGD momentum 0.9, wd 1e-4, lr 1e-5 (bias ×0.1), halved every 50 epochs.
    ``default``: Adam 2e-4 with cosine decay to 1 % over the run."""
    if cfg.recipe == "paper":
        weights = [p for n, p in model.named_parameters() if not n.endswith("bias")]
        biases = [p for n, p in model.named_parameters() if n.endswith("bias")]
        lr = cfg.lr or 1e-5
        opt = torch.optim.SGD([{"params": weights}, {"params": biases, "lr": lr * 0.1}], lr=lr,
                              momentum=0.9, weight_decay=1e-4)
        step_size = 50 * cfg.steps_per_epoch
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 ** (s // step_size))
    elif cfg.recipe == "default":
        opt = torch.optim.Adam(model.parameters(), lr=cfg.lr or 2e-4)
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: 0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * min(s / max(total_steps, 1), 1.0))))
    else:
        raise RRLSRNError(f"recipe must be 'paper' or 'default', not {cfg.recipe!r}.")
    return opt, sched


def _initial_model(cfg: TrainConfig) -> nn.Module:
    if cfg.init == "scratch":
        return build_model(cfg.arch, cfg.model_config())
    if cfg.init == "lapsrn":
        if cfg.arch != "rrlsrn" or cfg.scale != 2 or cfg.feature_upconv_kernel != 3 or not cfg.feature_upconv:
            raise RRLSRNError("--init lapsrn needs --arch rrlsrn, --scale 2 and --feature-upconv-kernel 3.")
        if not cfg.lapsrn_mat:
            raise RRLSRNError("--init lapsrn needs --lapsrn-mat PATH to LapSRN_x2.mat.")
        return load_lapsrn_mat(cfg.lapsrn_mat)
    model = build_model(cfg.arch, cfg.model_config())
    source = load_model(cfg.init)
    if cfg.arch == "rrlsrn" and hasattr(source, "levels"):
        state = source.levels[0].state_dict()
        other_branch = source.levels[0].image_branch != cfg.image_branch
        if other_branch:  # e.g. the v1 (upconv) feature branch under a spline image branch
            state = {k: v for k, v in state.items() if not k.startswith("image_up.")}
        for level in model.levels:  # every ×2 level starts from the given ×2 weights
            level.load_state_dict(state, strict=not other_branch)
    else:
        model.load_state_dict(source.state_dict())
    return model


def _distributed() -> tuple[int, int]:
    """(rank, world size), initialising the process group under torchrun."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1 and not dist.is_initialized():
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    return (dist.get_rank(), world) if world > 1 else (0, 1)


def _truncate_log(log_path: Path, last_epoch: int) -> None:
    """Drop log rows of epochs after the checkpoint (a run killed between log and checkpoint)."""
    with open(log_path) as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, [r for r in reader if int(r["epoch"]) <= last_epoch]
    with io.atomic_path(log_path) as tmp, open(tmp, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def _plot_curves(log_path: Path, png_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with open(log_path) as f:
        rows = list(csv.DictReader(f))
    if not rows:
        return
    epochs = [int(r["epoch"]) for r in rows]
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.2))
    a.plot(epochs, [float(r["train_loss"]) for r in rows])
    a.set(xlabel="epoch", ylabel="training loss", yscale="log")
    if rows[0]["val_psnr"]:
        b.plot(epochs, [float(r["val_psnr"]) for r in rows], label="model")
        b.plot(epochs, [float(r["spline_psnr"]) for r in rows], "--", label="cubic spline")
        b.set(xlabel="epoch", ylabel="validation PSNR (dB)")
        b.legend()
    fig.tight_layout()
    fig.savefig(png_path, dpi=100)
    plt.close(fig)


def train(cfg: TrainConfig, resume: bool = False, progress: bool = True, time_limit_min: float | None = None) -> Path:
    """Run (or resume) training; returns the path of the best weights (``best.pt``).

    With ``time_limit_min`` the run stops after the first epoch that ends past the limit
    (its checkpoint written), to be continued later with ``resume=True``.
    """
    from tqdm import tqdm

    rank, world = _distributed()
    if cfg.task not in ("in_plane", "through_plane"):
        raise RRLSRNError(f"task must be in_plane or through_plane, not {cfg.task!r}.")
    if (cfg.task == "through_plane") != (cfg.arch == "through_plane"):
        raise RRLSRNError("the through_plane task and the through_plane architecture go together.")
    if cfg.batch_size % world:
        raise RRLSRNError(f"batch size {cfg.batch_size} does not split over {world} processes.")
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}" if torch.cuda.is_available() else "cpu")
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    ckpt_path, log_path = out / "checkpoint.pt", out / "log.csv"

    total_steps = cfg.epochs * cfg.steps_per_epoch
    torch.manual_seed(cfg.seed)
    model = _initial_model(cfg).to(device)
    opt, sched = _optimiser(model, cfg, total_steps)
    start_epoch, best = 0, -math.inf
    if resume:
        if not ckpt_path.exists():
            raise RRLSRNError(f"nothing to resume: {ckpt_path} does not exist.")
        state = torch.load(ckpt_path, map_location=device, weights_only=True)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        sched.load_state_dict(state["scheduler"])
        start_epoch, best = state["epoch"], state["best_psnr"]
        if rank == 0:
            for stale in out.glob(".*.pt.*"):  # temporaries of a write cut short by a kill
                stale.unlink(missing_ok=True)
            if log_path.exists():
                _truncate_log(log_path, start_epoch)
    elif rank == 0:
        (out / "config.json").write_text(json.dumps(asdict(cfg), indent=2))
        log_path.unlink(missing_ok=True)
    net = nn.parallel.DistributedDataParallel(model) if world > 1 else model

    sampler = PatchSampler(find_volumes(cfg.inputs, cfg.exclude), cfg.patch_size, cfg.foreground_fraction)
    val_paths = find_volumes(cfg.val, cfg.exclude) if cfg.val else []
    val_hr = validation_slices(val_paths, cfg.val_slices, cfg.scale) if rank == 0 and val_paths else None
    if val_hr is not None:
        val_sets = [(name, x, psnr_ssim(spline, val_hr[:, 0].numpy())) for name, x, spline in validation_sets(val_hr, cfg)]
    loss_fn = SRLoss(cfg.charbonnier_weight, cfg.gdl_weight, reduction="sum" if cfg.recipe == "paper" else "mean")
    # Every rank draws the same global batch and trains on its share, so N processes follow the
    # same loss curve as one process with the same global batch (sampling is cheap next to the model).
    mine = slice(rank * (cfg.batch_size // world), (rank + 1) * (cfg.batch_size // world))
    started = time.time()

    for epoch in range(start_epoch, cfg.epochs):
        generator = torch.Generator().manual_seed(cfg.seed * 1_000_003 + epoch * 7919)
        net.train()
        t0, losses = time.time(), []
        steps = tqdm(range(cfg.steps_per_epoch), desc=f"epoch {epoch + 1}/{cfg.epochs}", leave=False,
                     disable=not progress or rank != 0 or not sys.stderr.isatty())
        for step in steps:
            hr = augment(sampler.sample(cfg.batch_size, generator), generator, cfg.hr_noise_max)
            inputs, hr = training_pair(hr, cfg, generator)
            loss = loss_fn(net(inputs[mine].to(device)), hr[mine].to(device))
            if not torch.isfinite(loss):
                raise RRLSRNError(f"the loss became {loss.item()} at epoch {epoch + 1}, step {step + 1}; "
                                  "lower the learning rate.")
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            logged = loss.detach()
            if world > 1:  # the log shows the global batch's loss, not rank 0's share
                dist.all_reduce(logged)
                logged = logged / world
            losses.append(logged.item())
            steps.set_postfix(loss=f"{np.mean(losses[-20:]):.4g}")
        if rank == 0:
            # Plain Python numbers only: checkpoints and weights are read back with weights_only=True.
            row = {"epoch": epoch + 1, "step": (epoch + 1) * cfg.steps_per_epoch, "train_loss": float(np.mean(losses)),
                   "lr": opt.param_groups[0]["lr"], "seconds": round(time.time() - t0, 2),
                   "val_psnr": "", "val_ssim": "", "spline_psnr": "", "spline_ssim": ""}
            second = "rect" if cfg.task == "through_plane" else "kspace"
            row.update({f"val_{second}_psnr": "", f"spline_{second}_psnr": ""})
            if val_hr is not None:
                model.eval()
                for name, x, spline in val_sets:
                    with torch.inference_mode():
                        pred = torch.cat([model(b.to(device)).cpu() for b in x.split(16)])
                    v = psnr_ssim(pred[:, 0].numpy(), val_hr[:, 0].numpy())
                    if name:
                        row.update({f"val_{name}_psnr": round(float(v[0]), 3), f"spline_{name}_psnr": round(float(spline[0]), 3)})
                    else:
                        row.update(val_psnr=round(float(v[0]), 3), val_ssim=round(float(v[1]), 4),
                                   spline_psnr=round(float(spline[0]), 3), spline_ssim=round(float(spline[1]), 4))
            # best.pt: the best mean of the two validation sets' PSNRs
            score = (row["val_psnr"] + row[f"val_{second}_psnr"]) / 2 if row["val_psnr"] != "" else -row["train_loss"]
            meta = {"epoch": epoch + 1, "steps": row["step"], "recipe": cfg.recipe, "degradation": cfg.degradation,
                    "val_psnr": row["val_psnr"], "spline_psnr": row["spline_psnr"]}
            save_weights(model, out / "last.pt", cfg.arch, cfg.model_config(), meta)
            if score > best:
                best = score
                save_weights(model, out / "best.pt", cfg.arch, cfg.model_config(), meta)
            # The log row goes first: a kill between the two is undone on resume (rows past
            # the checkpoint's epoch are dropped), so the log never misses an epoch.
            new = not log_path.exists()
            with open(log_path, "a", newline="") as f:
                writer = csv.DictWriter(f, fieldnames=list(row))
                if new:
                    writer.writeheader()
                writer.writerow(row)
            with io.atomic_path(ckpt_path) as tmp:
                torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
                            "scheduler": sched.state_dict(), "epoch": epoch + 1, "best_psnr": best}, tmp)
            _plot_curves(log_path, out / "curves.png")
            if progress:
                val = f", val PSNR {row['val_psnr']} dB (spline {row['spline_psnr']})" if row["val_psnr"] != "" else ""
                print(f"epoch {epoch + 1}/{cfg.epochs}: loss {row['train_loss']:.4g}{val}, {row['seconds']} s", flush=True)
        if world > 1:
            dist.barrier()
        if time_limit_min is not None and time.time() - started > 60 * time_limit_min and epoch + 1 < cfg.epochs:
            if rank == 0 and progress:
                print(f"time limit reached after epoch {epoch + 1}; continue with --resume", flush=True)
            break
    if world > 1:
        dist.destroy_process_group()
    return out / "best.pt"
