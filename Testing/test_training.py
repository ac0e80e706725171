"""Training: the loss goes down, resume continues exactly, configs, and a 2-process DDP run."""
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import SimpleITK as sitk
import torch
from scipy import ndimage

from rrlsrn import io
from rrlsrn.errors import RRLSRNError
from rrlsrn.train_config import TrainConfig, resolve_config
from rrlsrn.training import train
from rrlsrn.weights import load_model


@pytest.fixture(scope="module")
def volumes(tmp_path_factory) -> list[str]:
    """Two small isotropic 'brains': smoothed noise inside an ellipsoid, on a zero background."""
    folder = tmp_path_factory.mktemp("vols")
    rng = np.random.default_rng(0)
    zz, yy, xx = np.mgrid[-1:1:40j, -1:1:48j, -1:1:48j]
    paths = []
    for n in range(2):
        tissue = ndimage.gaussian_filter(rng.normal(size=zz.shape), 1.5) * 4 + 1
        inside = zz**2 / 0.8 + yy**2 / 0.9 + xx**2 / 0.7 < 1
        image = sitk.GetImageFromArray((np.clip(tissue, 0, None) * inside * 800).astype(np.int16))
        image.SetSpacing((0.8, 0.8, 0.8))
        paths.append(str(io.write_volume(image, folder / f"brain{n}.nii.gz")))
    io.write_volume(sitk.Image([8, 8, 8], sitk.sitkUInt8), folder / "brain0_mask.nii.gz")  # must be skipped
    return paths


def config(volumes, out, **kw) -> TrainConfig:
    base = dict(inputs=[str(Path(volumes[0]).parent)], val=[volumes[1]], out=str(out), patch_size=32,
                batch_size=4, epochs=3, steps_per_epoch=8, val_slices=2, lr=1e-3, threads=1)
    return TrainConfig(**{**base, **kw})


def log_rows(out: Path) -> list[dict]:
    with open(out / "log.csv") as f:
        return list(csv.DictReader(f))


@pytest.mark.slow
def test_loss_goes_down_and_outputs_are_written(volumes, tmp_path):
    best = train(config(volumes, tmp_path, epochs=4, steps_per_epoch=15), progress=False)
    rows = log_rows(tmp_path)
    assert [int(r["epoch"]) for r in rows] == [1, 2, 3, 4]
    losses = [float(r["train_loss"]) for r in rows]
    assert losses[-1] < 0.85 * losses[0], losses
    assert float(rows[-1]["val_psnr"]) > float(rows[0]["val_psnr"])
    for name in ("checkpoint.pt", "best.pt", "last.pt", "best.pt.sha256", "curves.png", "config.json"):
        assert (tmp_path / name).exists(), name
    assert load_model(best).scale == 2


@pytest.mark.slow
def test_resume_continues_exactly_where_it_stopped(volumes, tmp_path):
    straight = train(config(volumes, tmp_path / "a"), progress=False)
    train(config(volumes, tmp_path / "b"), progress=False, time_limit_min=0)  # stops after epoch 1
    assert len(log_rows(tmp_path / "b")) == 1
    train(config(volumes, tmp_path / "b"), resume=True, progress=False)
    assert [int(r["epoch"]) for r in log_rows(tmp_path / "b")] == [1, 2, 3]
    a = load_model(tmp_path / "a" / "last.pt").state_dict()
    b = load_model(tmp_path / "b" / "last.pt").state_dict()
    assert all(torch.allclose(a[k], b[k], atol=1e-5) for k in a)
    assert straight.exists()


def test_srcnn_paper_recipe_and_errors(volumes, tmp_path):
    train(config(volumes, tmp_path, arch="srcnn", recipe="paper", epochs=1, lr=None), progress=False)
    assert load_model(tmp_path / "best.pt").__class__.__name__ == "SRCNN"
    with pytest.raises(RRLSRNError, match="nothing to resume"):
        train(config(volumes, tmp_path / "none"), resume=True, progress=False)
    with pytest.raises(RRLSRNError, match="does not exist"):
        train(config(volumes, tmp_path / "x", inputs=["/no/such/folder"]), progress=False)
    with pytest.raises(RRLSRNError, match="lapsrn-mat"):
        train(config(volumes, tmp_path / "y", init="lapsrn", feature_upconv_kernel=3), progress=False)


def test_a_nan_loss_stops_with_a_message_naming_the_step(volumes, tmp_path):
    with pytest.raises(RRLSRNError, match=r"loss became nan at epoch 1, step \d+"):
        train(config(volumes, tmp_path, lr=1e30, epochs=1), progress=False)
    assert not (tmp_path / "last.pt").exists()  # nothing from the diverged run is kept as weights


def test_config_file_and_command_line(volumes, tmp_path, capsys):
    from rrlsrn.cli import main
    from test_cli import assert_one_sentence

    cfg_path = tmp_path / "run.json"
    cfg_path.write_text(json.dumps({"inputs": volumes[:1], "patch_size": 32, "batch_size": 2,
                                    "epochs": 1, "steps_per_epoch": 3, "threads": 1}))
    argv = ["train", "--config", str(cfg_path), "--out", str(tmp_path / "r"), "-q"]
    assert main([*argv, "--steps-per-epoch", "2"]) == 0  # the command line overrides the file
    saved = json.loads((tmp_path / "r" / "config.json").read_text())
    assert (saved["patch_size"], saved["steps_per_epoch"], saved["out"]) == (32, 2, str(tmp_path / "r"))
    cfg_path.write_text(json.dumps({"inputs": volumes[:1], "patch_sise": 32}))
    capsys.readouterr()
    assert main(argv) == 1
    error = capsys.readouterr().err
    assert_one_sentence(error)
    assert "patch_sise" in error


def test_a_config_takes_shared_options_from_its_base_and_overrides_them(tmp_path):
    (tmp_path / "split.json").write_text(json.dumps({"inputs": ["a.nii.gz"], "val": ["b.nii.gz"], "epochs": 3}))
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "run.json").write_text(json.dumps({"base": "../split.json", "epochs": 5, "patch_size": 32}))
    cfg = resolve_config(tmp_path / "runs" / "run.json", {"patch_size": 48})  # the base is found beside the file
    assert (cfg.inputs, cfg.val, cfg.epochs, cfg.patch_size) == (["a.nii.gz"], ["b.nii.gz"], 5, 48)


@pytest.mark.parametrize("files, message", [
    ({"run.json": {"base": "split.json"}}, "the base config {dir}/split.json named in {dir}/run.json does not exist."),
    ({"run.json": {"base": "split.json"}, "split.json": {"inputs": [], "vall": []}},
     "unknown option(s) in {dir}/split.json: vall."),
    ({"run.json": {"base": 3}}, "'base' in {dir}/run.json must name a config file, not 3."),
    ({"run.json": {"base": "split.json"}, "split.json": {"base": "run.json"}}, "name each other as their base."),
], ids=["missing-base", "unknown-in-base", "base-not-a-name", "loop"])
def test_base_config_problems_are_one_sentence(tmp_path, capsys, files, message):
    from rrlsrn.cli import main
    from test_cli import assert_one_sentence

    for name, values in files.items():
        (tmp_path / name).write_text(json.dumps(values))
    assert main(["train", "--config", str(tmp_path / "run.json")]) == 1
    error = capsys.readouterr().err
    assert_one_sentence(error)
    assert message.format(dir=tmp_path) in error, error


def test_volume_weights_skew_the_draw_and_are_checked():
    from rrlsrn.patches import volume_sampling_weights

    paths = [Path("d/adult/a.nii.gz"), Path("d/adult/stroke_T2.nii.gz"), Path("d/atlas/b.nii.gz")]
    assert volume_sampling_weights(paths, {}) is None  # the uniform draw of older runs
    weights = volume_sampling_weights(paths, {"stroke_T2": 1, "adult/": 3})
    assert weights.tolist() == [3.0, 1.0, 1.0]
    draws = torch.multinomial(weights, 5000, replacement=True, generator=torch.Generator().manual_seed(0))
    assert abs((draws == 0).float().mean().item() - 0.6) < 0.03
    for bad, message in (({"nowhere/": 2}, "in no training volume"), ({"adult/": -1}, "must be a number >= 0"),
                         ({"d/": 0}, "every training volume has weight 0")):
        with pytest.raises(RRLSRNError, match=message):
            volume_sampling_weights(paths, bad)


def test_the_shipped_configs_share_their_data_split():
    """configs/*.json name a split file as their base instead of repeating ~35 paths."""
    configs = Path(__file__).resolve().parents[1] / "configs"
    for path in configs.glob("*.json"):
        values = json.loads(path.read_text())
        if path.name.startswith("data_split"):
            assert set(values) == {"inputs", "val"}, path.name
        elif path.name != "through_plane_cpu.json":  # still whole: converted once the run reading it has ended
            assert "inputs" not in values, path.name
            base = values["base"]  # a chain of bases ends in a split file
            while "base" in (named := json.loads((configs / base).read_text())):
                assert "inputs" not in named, base
                base = named["base"]
            assert base.startswith("data_split"), path.name
            cfg = resolve_config(path, {})
            assert cfg.inputs and cfg.val and not set(cfg.inputs) & set(cfg.val), path.name


@pytest.mark.slow
def test_two_process_ddp_follows_the_single_process_loss_curve(volumes, tmp_path):
    """torchrun with 2 CPU processes (gloo) and 1 process, same global batch: same losses."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    common = ["-m", "rrlsrn", "train", *volumes[:1], "--val", volumes[1], "--patch-size", "32", "--batch-size", "4",
              "--epochs", "2", "--steps-per-epoch", "4", "--val-slices", "2", "--threads", "1", "--lr", "1e-3", "-q"]
    two = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2",
           *common, "--out", str(tmp_path / "ddp")]
    one = [sys.executable, *common, "--out", str(tmp_path / "single")]
    for cmd in (two, one):
        run = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
    ddp, single = log_rows(tmp_path / "ddp"), log_rows(tmp_path / "single")
    assert len(ddp) == len(single) == 2
    for a, b in zip(ddp, single):
        assert float(a["train_loss"]) == pytest.approx(float(b["train_loss"]), rel=1e-3)
        assert float(a["val_psnr"]) == pytest.approx(float(b["val_psnr"]), abs=0.05)
    assert load_model(tmp_path / "ddp" / "last.pt").scale == 2


@pytest.mark.slow
def test_sigkill_then_resume_continues_from_the_last_checkpoint(volumes, tmp_path):
    import signal
    import time

    cmd = [sys.executable, "-m", "rrlsrn", "train", *volumes[:1], "--out", str(tmp_path), "--patch-size", "32",
           "--batch-size", "2", "--epochs", "30", "--steps-per-epoch", "3", "--threads", "1", "-q"]
    run = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline and not (tmp_path / "checkpoint.pt").exists():
        time.sleep(0.2)
    time.sleep(0.5)
    run.send_signal(signal.SIGKILL)
    run.wait()
    assert run.returncode == -signal.SIGKILL
    done = torch.load(tmp_path / "checkpoint.pt", weights_only=True)["epoch"]  # the checkpoint is whole
    assert 1 <= done < 30
    resumed = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert [int(r["epoch"]) for r in log_rows(tmp_path)] == list(range(1, 31))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_v2_spline_branch_with_the_acquisition_model_trains_and_records_its_form(volumes, tmp_path):
    cfg = config(volumes, tmp_path, image_branch="spline", degradation="acquisition", kspace_fraction=0.7,
                 zero_fill_fraction=0.5, acquisition={"partial_fourier_prob": 1.0, "noise_max": 0.01},
                 epochs=2, steps_per_epoch=6)
    train(cfg, progress=False)
    rows = log_rows(tmp_path)
    assert rows[-1]["val_kspace_psnr"] and rows[-1]["spline_kspace_psnr"]  # both LR kinds validated
    saved = torch.load(tmp_path / "last.pt", weights_only=True)
    assert saved["config"]["image_branch"] == "spline"
    assert load_model(tmp_path / "last.pt").levels[0].image_branch == "spline"
    assert json.loads((tmp_path / "config.json").read_text())["acquisition"]["partial_fourier_prob"] == 1.0
    # the spline form starts as the spline: its validation PSNR is never far below it
    assert float(rows[0]["val_psnr"]) > float(rows[0]["spline_psnr"]) - 1.0


def test_make_lr_acquisition_and_zero_filled_targets_are_seeded():
    from rrlsrn.patches import make_lr, zero_fill_targets

    cfg = TrainConfig(degradation="acquisition", zero_fill_fraction=1.0)
    hr = torch.rand(6, 1, 32, 32)
    runs = []
    for _ in range(2):
        g = torch.Generator().manual_seed(5)
        target = zero_fill_targets(hr, cfg, g)
        runs.append((target, make_lr(target, cfg, g)))
    assert torch.equal(runs[0][0], runs[1][0]) and torch.equal(runs[0][1], runs[1][1])
    assert runs[0][1].shape == (6, 1, 16, 16)
    assert not torch.allclose(runs[0][0], hr)  # every target band-limited (zero_fill_fraction 1)


def test_init_from_weights_of_the_other_image_branch_keeps_the_feature_branch(tmp_path):
    from rrlsrn.models import RRLSRN
    from rrlsrn.training import _initial_model
    from rrlsrn.weights import save_weights

    source = RRLSRN()  # paper form (upconv image branch)
    path = save_weights(source, tmp_path / "v1.pt", "rrlsrn", {"scale": 2, "feature_upconv_kernel": 4, "feature_upconv": True})
    model = _initial_model(TrainConfig(init=str(path), image_branch="spline"))
    assert model.levels[0].image_branch == "spline"
    for key, value in model.levels[0].state_dict().items():
        assert torch.equal(value, source.levels[0].state_dict()[key]), key
