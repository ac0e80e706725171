"""A training run's folder: ``config.json``, ``log.csv`` (a row per epoch), ``checkpoint.pt`` (what
``--resume`` continues from), ``last.pt`` and ``best.pt`` weights, and ``curves.png``.

Every file is replaced whole (rrlsrn.io.atomic_path), and the log row of an epoch is written before
its checkpoint: a run killed between the two is undone on resume (rows past the checkpoint's epoch
are dropped), so the log never misses an epoch and never repeats one.
"""
from __future__ import annotations

import csv
import json
import math
from dataclasses import asdict
from pathlib import Path

import torch
from torch import nn

from . import io
from .errors import RRLSRNError
from .train_config import TrainConfig
from .weights import save_weights


class RunFolder:
    """The folder ``path`` of one run; ``best`` is the best epoch score so far."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.checkpoint, self.log = self.path / "checkpoint.pt", self.path / "log.csv"
        self.best = -math.inf

    def saved_config(self) -> TrainConfig | None:
        """The config the run in this folder was started with, if one was."""
        path = self.path / "config.json"
        return TrainConfig(**json.loads(path.read_text())) if path.exists() else None

    def start(self, cfg: TrainConfig) -> None:
        """A new run: the folder made if need be, its config written, an earlier run's log dropped."""
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / "config.json").write_text(json.dumps(asdict(cfg), indent=2))
        self.log.unlink(missing_ok=True)

    def restore(self, model: nn.Module, optimiser: torch.optim.Optimizer,
                scheduler: torch.optim.lr_scheduler.LRScheduler, device: torch.device) -> int:
        """Model, optimiser and scheduler as the checkpoint left them; returns the epochs it had done."""
        if not self.checkpoint.exists():
            raise RRLSRNError(f"nothing to resume: {self.checkpoint} does not exist.")
        state = torch.load(self.checkpoint, map_location=device, weights_only=True)
        model.load_state_dict(state["model"])
        optimiser.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        self.best = state["best_psnr"]
        return state["epoch"]

    def tidy_for_resume(self, epochs_done: int) -> None:
        """Remove what a killed run left past its checkpoint: temporaries, and log rows of later epochs."""
        for stale in self.path.glob(".*.pt.*"):  # temporaries of a write cut short by a kill
            stale.unlink(missing_ok=True)
        if not self.log.exists():
            return
        with open(self.log) as f:
            reader = csv.DictReader(f)
            names, rows = reader.fieldnames, [r for r in reader if int(r["epoch"]) <= epochs_done]
        with io.atomic_path(self.log) as tmp, open(tmp, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=names)
            writer.writeheader()
            writer.writerows(rows)

    def end_epoch(self, model: nn.Module, optimiser: torch.optim.Optimizer,
                  scheduler: torch.optim.lr_scheduler.LRScheduler, cfg: TrainConfig, row: dict, score: float) -> None:
        """Write the epoch ``row`` describes: last.pt, best.pt when ``score`` beats every earlier
        epoch's, the log row, then the checkpoint, and the curves."""
        # Plain Python numbers only: checkpoints and weights are read back with weights_only=True.
        meta = {"epoch": row["epoch"], "steps": row["step"], "recipe": cfg.recipe, "degradation": cfg.degradation,
                "val_psnr": row["val_psnr"], "spline_psnr": row["spline_psnr"]}
        save_weights(model, self.path / "last.pt", cfg.arch, cfg.model_config(), meta)
        if score > self.best:
            self.best = score
            save_weights(model, self.path / "best.pt", cfg.arch, cfg.model_config(), meta)
        new = not self.log.exists()
        with open(self.log, "a", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(row))
            if new:
                writer.writeheader()
            writer.writerow(row)
        with io.atomic_path(self.checkpoint) as tmp:
            torch.save({"model": model.state_dict(), "optimizer": optimiser.state_dict(),
                        "scheduler": scheduler.state_dict(), "epoch": row["epoch"], "best_psnr": self.best}, tmp)
        plot_curves(self.log, self.path / "curves.png")


def plot_curves(log_path: Path, png_path: Path) -> None:
    """Training loss and validation PSNR (the model's and the spline's) per epoch of a log.csv."""
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
