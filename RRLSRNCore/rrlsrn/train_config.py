"""What defines a training run: :class:`TrainConfig`, from its defaults, a JSON config file (which
may name a shared ``base`` file, e.g. ``configs/data_split.json``) and explicit options."""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path

from .degrade import AcquisitionMix
from .discovery import DEFAULT_EXCLUDES
from .errors import RRLSRNError


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
    thickness_factor: list[float] = field(default_factory=lambda: [0.5, 1.3])  # the shipped recipe's
    patch_size: int = 64
    batch_size: int = 16
    epochs: int = 20
    steps_per_epoch: int = 100
    lr: float | None = None
    charbonnier_weight: float = 1.0
    gdl_weight: float = 1.0
    foreground_fraction: float = 0.9
    # patch-sampling weight per volume: {substring of its path: weight}; the first key found in a
    # path applies, others weigh 1 (natively sampled scans carry the fine detail a smooth atlas lacks)
    volume_weights: dict = field(default_factory=dict)
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


OPTIONS = tuple(f.name for f in fields(TrainConfig))


def read_config_file(path: Path | str, named_by: tuple[Path, ...] = ()) -> dict:
    """The options of a JSON config file: those of its ``base`` file (a path relative to it), if it
    names one, overridden by its own. ``named_by``: the files that led here (a loop is refused)."""
    path = Path(path)
    try:
        values = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise RRLSRNError(f"cannot read the config file {path}: {error}.") from None
    if not isinstance(values, dict):
        raise RRLSRNError(f"the config file {path} must hold a JSON object of option names and values, "
                          f"not {type(values).__name__ if values is not None else 'null'}.")
    base = values.pop("base", None)
    unknown = set(values) - set(OPTIONS)
    if unknown:
        raise RRLSRNError(f"unknown option(s) in {path}: {', '.join(sorted(unknown))}.")
    if base is None:
        return values
    if not isinstance(base, str):
        raise RRLSRNError(f"'base' in {path} must name a config file, not {json.dumps(base)}.")
    base_path = path.parent / base
    if not base_path.exists():
        raise RRLSRNError(f"the base config {base_path} named in {path} does not exist.")
    chain = (*named_by, path.resolve())
    if base_path.resolve() in chain:
        raise RRLSRNError(f"the config files {' → '.join(p.name for p in chain)} → {base_path.name} name each other "
                          "as their base.")
    return {**read_config_file(base_path, chain), **values}


def resolve_config(config_file: Path | str | None, options: dict) -> TrainConfig:
    """TrainConfig from its defaults, then ``config_file`` (with its base), then ``options``."""
    values = read_config_file(config_file) if config_file else {}
    return TrainConfig(**{**values, **options})
