"""Training: the loop. 2D patches from volumes (rrlsrn.patches), low resolution simulated per batch,
a run folder that resumes (rrlsrn.run_folder), the config (rrlsrn.train_config); DDP-ready.

Run as ``rrlsrn train`` (one process) or ``torchrun --nproc-per-node N -m rrlsrn.cli train``
(DistributedDataParallel: gloo on CPU, nccl on GPU; the global batch is split over ranks).
All randomness comes from torch generators reseeded from (seed, epoch), so a run resumed from
an epoch checkpoint continues exactly as an uninterrupted one, and every rank draws the same
global batch and trains on its share of it.
"""
from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from torch import nn

from .discovery import find_volumes
from .errors import RRLSRNError
from .losses import SRLoss
from .metrics import score
from .models import build_model
from .patches import VALIDATION_SETS, PatchSampler, augment, training_pair, validation_sets, validation_slices
from .run_folder import RunFolder
from .train_config import TrainConfig
from .weights import load_lapsrn_mat, load_model


def _optimiser(model: nn.Module, cfg: TrainConfig,
               total_steps: int) -> tuple[torch.optim.Optimizer, torch.optim.lr_scheduler.LRScheduler]:
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


def psnr_ssim(pred: np.ndarray, target: np.ndarray) -> tuple[float, float]:
    """Mean PSNR and SSIM over whole slices, with the evaluation protocol's scoring."""
    psnr, ssim = score(pred, target, np.ones(target.shape, bool))
    return float(np.mean(psnr)), float(np.mean(ssim))


class Validation:
    """The fixed validation sets (rrlsrn.patches.validation_sets) with the spline's scores on them;
    empty on ranks other than 0 and without ``cfg.val``."""

    def __init__(self, cfg: TrainConfig, rank: int):
        paths = find_volumes(cfg.val, cfg.exclude) if cfg.val else []  # every rank checks the paths
        self.second = VALIDATION_SETS[cfg.task][1][0]
        self.hr = validation_slices(paths, cfg.val_slices, cfg.scale) if rank == 0 and paths else None
        self.sets = [] if self.hr is None else [(name, x, psnr_ssim(spline, self.hr[:, 0].numpy()))
                                                for name, x, spline in validation_sets(self.hr, cfg)]

    def row(self, model: nn.Module, device: torch.device) -> dict:
        """The log's validation columns for ``model`` (blank without validation sets)."""
        row = dict.fromkeys(["val_psnr", "val_ssim", "spline_psnr", "spline_ssim", f"val_{self.second}_psnr",
                             f"spline_{self.second}_psnr"], "")
        if self.sets:
            model.eval()
        for name, x, spline in self.sets:
            with torch.inference_mode():
                pred = torch.cat([model(b.to(device)).cpu() for b in x.split(16)])
            v = psnr_ssim(pred[:, 0].numpy(), self.hr[:, 0].numpy())
            if name:
                row.update({f"val_{name}_psnr": round(float(v[0]), 3), f"spline_{name}_psnr": round(float(spline[0]), 3)})
            else:
                row.update(val_psnr=round(float(v[0]), 3), val_ssim=round(float(v[1]), 4),
                           spline_psnr=round(float(spline[0]), 3), spline_ssim=round(float(spline[1]), 4))
        return row

    def score(self, row: dict) -> float:
        """What best.pt is chosen by: the mean of the two sets' PSNRs (minus the loss without validation)."""
        return (row["val_psnr"] + row[f"val_{self.second}_psnr"]) / 2 if row["val_psnr"] != "" else -row["train_loss"]


def _check(cfg: TrainConfig, world: int) -> None:
    if cfg.task not in ("in_plane", "through_plane"):
        raise RRLSRNError(f"task must be in_plane or through_plane, not {cfg.task!r}.")
    if (cfg.task == "through_plane") != (cfg.arch == "through_plane"):
        raise RRLSRNError("the through_plane task and the through_plane architecture go together.")
    if cfg.batch_size % world:
        raise RRLSRNError(f"batch size {cfg.batch_size} does not split over {world} processes.")


def _step(net: nn.Module, loss_fn: nn.Module, optimiser: torch.optim.Optimizer,
          scheduler: torch.optim.lr_scheduler.LRScheduler, inputs: torch.Tensor, targets: torch.Tensor, world: int,
          where: str) -> float:
    """One optimisation step; returns the global batch's loss."""
    loss = loss_fn(net(inputs), targets)
    if not torch.isfinite(loss):
        raise RRLSRNError(f"the loss became {loss.item()} at {where}; lower the learning rate.")
    optimiser.zero_grad(set_to_none=True)
    loss.backward()
    optimiser.step()
    scheduler.step()
    logged = loss.detach()
    if world > 1:  # the log shows the global batch's loss, not rank 0's share
        dist.all_reduce(logged)
        logged = logged / world
    return logged.item()


def train(cfg: TrainConfig, resume: bool = False, progress: bool = True, time_limit_min: float | None = None) -> Path:
    """Run (or resume) training; returns the path of the best weights (``best.pt``).

    With ``time_limit_min`` the run stops after the first epoch that ends past the limit
    (its checkpoint written), to be continued later with ``resume=True``.
    """
    from tqdm import tqdm

    rank, world = _distributed()
    _check(cfg, world)
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}" if torch.cuda.is_available() else "cpu")
    folder = RunFolder(cfg.out)
    torch.manual_seed(cfg.seed)
    model = _initial_model(cfg).to(device)
    opt, sched = _optimiser(model, cfg, cfg.epochs * cfg.steps_per_epoch)
    start_epoch = 0
    if resume:
        start_epoch = folder.restore(model, opt, sched, device)
        if rank == 0:
            folder.tidy_for_resume(start_epoch)
    elif rank == 0:
        folder.start(cfg)
    net = nn.parallel.DistributedDataParallel(model) if world > 1 else model
    sampler = PatchSampler(find_volumes(cfg.inputs, cfg.exclude), cfg.patch_size, cfg.foreground_fraction,
                           cfg.volume_weights)
    validation = Validation(cfg, rank)
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
            losses.append(_step(net, loss_fn, opt, sched, inputs[mine].to(device), hr[mine].to(device), world,
                                f"epoch {epoch + 1}, step {step + 1}"))
            steps.set_postfix(loss=f"{np.mean(losses[-20:]):.4g}")
        if rank == 0:
            row = {"epoch": epoch + 1, "step": (epoch + 1) * cfg.steps_per_epoch, "train_loss": float(np.mean(losses)),
                   "lr": opt.param_groups[0]["lr"], "seconds": round(time.time() - t0, 2),
                   **validation.row(model, device)}
            folder.end_epoch(model, opt, sched, cfg, row, validation.score(row))
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
    return folder.path / "best.pt"
