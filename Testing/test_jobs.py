"""The contract between ``rrlsrn upscale`` and the programs that run it (rrlsrn.jobs), from both
sides: a job's command line parses back into the same job, and the child's lines into progress
and one sentence."""
import subprocess
import sys
from pathlib import Path

import pytest

from rrlsrn.cli import build_parser
from rrlsrn.commands.upscale import upscale_job
from rrlsrn.jobs import UpscaleJob, UpscaleSettings, error_line, parse_error, parse_progress, progress_line


@pytest.mark.parametrize("job", [
    UpscaleJob("in.nii.gz", "out.nii.gz"),
    UpscaleJob(Path("a b/in.nrrd"), Path("o.nrrd"), "w.pt", UpscaleSettings(4, "k", "cpu", 8, 256), Path("m.nrrd"),
               7.5, False, True, (0.78125, 0.78125, 4.0), False, True, 1, 0),
    UpscaleJob("Pat_Res0.7813_0.7813_Spac4.0.nii.gz", "o.nii.gz", spacing_in_name=True, crop_margin_mm=0.0,
               mask="m.nii.gz"),
])
@pytest.mark.parametrize("child", [False, True])
def test_a_jobs_command_line_parses_back_into_the_same_job(job, child):
    args = build_parser().parse_args(job.command_line(child))
    assert upscale_job(args) == job
    assert (args.progress_lines, args.quiet, args.stop_with_parent) == (child, child, child)


def test_the_childs_lines_read_back():
    assert parse_progress(progress_line(3, 20)) == (3, 20)
    assert parse_progress("wrote out.nii.gz") is None and parse_progress("progress x 3") is None
    lines = ["some library noise", error_line("the weights file w.pt does not exist."), ""]
    assert parse_error(lines) == "the weights file w.pt does not exist."
    assert parse_error(["Traceback (most recent call last):"]) is None


def test_a_real_child_speaks_the_contract(tmp_path):
    job = UpscaleJob(tmp_path / "missing.nii.gz", tmp_path / "o.nii.gz")
    child = subprocess.Popen([sys.executable, "-m", "rrlsrn", *job.command_line(child=True)], text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # the parent's pipe
    try:
        assert child.wait(timeout=120) == 1
    finally:
        child.kill()
        child.stdin.close()
    assert parse_error(child.stderr.read().splitlines()) == f"{tmp_path / 'missing.nii.gz'} does not exist."
