"""RRLSRN Web's state logic without a browser or trame: one owner per scene, the session's workflow on a
headless MRML scene (open, spacing, points, mask, start/cancel, downloads, errors), the launcher's options."""
import json
import sys

import numpy as np
import pytest

slicer = pytest.importorskip("slicer", reason="slicer-core (test extra) is not installed")
if not hasattr(slicer, "vtkMRMLScene"):
    pytest.skip("the 'slicer' package found is not Kitware's slicer-core", allow_module_level=True)
import SimpleITK as sitk  # noqa: E402

from conftest import CHILD_PYTHON, REPO  # noqa: E402

sys.path.insert(0, str(REPO / "RRLSRNWeb"))
from rrlsrn_web.__main__ import parser  # noqa: E402
from rrlsrn_web.session import INSIDE, OUTSIDE, Ownership, WebSession, one_sentence, panel  # noqa: E402

from slicer_scene import new_scene, random_through_plane_weights  # noqa: E402


def test_the_first_tab_owns_the_scene_and_a_second_is_refused_until_it_closes():
    own = Ownership()
    own.connected("a")
    own.connected("b")
    assert not own.allows("a")  # nobody owns it before a claim
    assert own.claim("a", "tab-a") and own.owner_token == "tab-a"
    assert not own.claim("b", "tab-b") and own.owner_token == "tab-a"
    assert own.allows("a") and not own.allows("b")
    assert own.claim("a", "tab-a2")  # the owner's page reloaded in the same connection
    assert not own.closed("b")  # a refused tab leaving changes nothing
    assert own.allows("a")
    own.connected("c")
    assert own.closed("a") and own.owner_token is None  # the owner left: free again
    assert own.claim("c", "tab-c") and own.allows("c")
    assert "another browser tab" in Ownership.REFUSAL


def test_a_stale_owner_whose_connection_is_gone_does_not_block():
    own = Ownership()
    own.connected("a")
    own.claim("a", "t")
    own.connections.discard("a")  # closed without notice
    own.connected("b")
    assert own.claim("b", "u")


def test_errors_are_one_sentence():
    assert one_sentence(ValueError("the file is gone\ntraceback…")) == "The file is gone."
    assert one_sentence("Done!") == "Done!"
    assert one_sentence(RuntimeError("")) == "RuntimeError."


def test_launcher_listens_on_loopback_by_default():
    args = parser().parse_args([])
    assert (args.host, args.port, args.input, args.demo) == ("127.0.0.1", 8080, None, False)
    args = parser().parse_args(["--input", "x.nii.gz", "--spacing-from-name", "--port", "9000"])
    assert args.spacing_from_name and args.port == 9000
    with pytest.raises(SystemExit):
        parser().parse_args(["--spacing", "1,1,1", "--spacing-from-name"])
    with pytest.raises(SystemExit):
        parser().parse_args(["--demo", "--input", "x.nii.gz"])


@pytest.fixture
def stack(tmp_path):
    """A synthetic thick-slice "head": a bright ellipsoid (brain) in a darker shell, broken 1 mm header."""
    k, j, i = np.mgrid[:12, :64, :64]
    r = np.sqrt(((i - 32) / 20) ** 2 + ((j - 32) / 16) ** 2 + ((k - 6) / 5) ** 2)
    rng = np.random.default_rng(0)
    volume = np.where(r < 1, 300, np.where(r < 1.25, 60, np.where(r < 1.45, 250, 20))) + rng.normal(0, 5, r.shape)
    path = tmp_path / "Synth_Res0.8_0.8_Spac3.5.nii.gz"
    sitk.WriteImage(sitk.GetImageFromArray(volume.astype(np.float32)), str(path))
    return path


@pytest.fixture
def session(tmp_path):
    scene = new_scene()
    web = WebSession(scene, python=CHILD_PYTHON, workdir=tmp_path / "work")
    yield web
    web.close()
    scene.Clear(True)


def test_open_with_a_broken_header_warns_then_takes_the_spacing_from_the_name(session, stack):
    node = session.open_volume(stack)
    assert np.allclose(node.GetSpacing(), 1.0)
    assert "file name says 0.8 × 0.8 × 3.5 mm" in session.warning
    session.use_spacing_from_name()
    assert np.allclose(node.GetSpacing(), (0.8, 0.8, 3.5)) and not session.warning
    again = session.open_volume(stack, spacing="0.5,0.5,2")  # a new volume replaces the old one
    assert again.GetScene() is session.scene and node.GetScene() is None
    assert np.allclose(again.GetSpacing(), (0.5, 0.5, 2))


def test_controls_follow_the_slicer_panels_rules(session, stack):
    assert not session.controls().apply and not session.controls().create_mask
    session.open_volume(stack, spacing_from_name=True)
    assert session.controls().apply and not session.controls().create_mask
    session.add_point_ijk(INSIDE, (32, 32, 6))
    assert session.controls().create_mask and not session.controls().mask_outside
    assert session.point_count(INSIDE) == 1 and session.point_count(OUTSIDE) == 0
    session.clear_points()
    assert session.point_count(INSIDE) == 0
    assert not session.controls().through_plane_options and session.controls(through_plane=2).through_plane_options
    assert not session.controls().adapt_seconds and session.controls(adapt=True).adapt_seconds  # the seconds field


def test_adapt_to_this_scan_reaches_the_childs_command_line(session, stack):
    """Unticked (the default): no --adapt, whatever the seconds; ticked with 30 s: --adapt 30.0, in-plane only too."""
    session.open_volume(stack, spacing_from_name=True)
    for options, expected in [({}, None), ({"adapt": False, "adapt_seconds": 30}, None),
                              ({"adapt": True, "adapt_seconds": 30}, "30.0"), ({"adapt": True}, "60.0")]:
        session.start(device="cpu", **options)
        line = list(session.run.process.process.args)
        assert session.running and not session.controls(adapt=True).adapt_seconds  # locked while it runs
        session.cancel()
        assert not session.running and session.output_node is None
        assert (line[line.index("--adapt") + 1] if "--adapt" in line else None) == expected, (options, line)
        assert "--through-plane" not in line


@pytest.mark.slow
def test_through_plane_run_through_the_slicer_logic(session, stack, tmp_path):
    """×1 in-plane with a through-plane factor of 2.5: round(12·2.5) = 30 slices over the input's box."""
    weights = random_through_plane_weights(tmp_path / "random_through_plane.pt")
    session.open_volume(stack, spacing_from_name=True)
    with pytest.raises(ValueError, match="Scale ×1 keeps the in-plane grid"):
        session.start(scale=1, device="cpu")  # nothing to do: refused before anything starts
    assert session.run is None
    session.start(scale=1, device="cpu", through_plane=2.5, slice_thickness_mm=4.0, slice_profile="rect",
                  consistency=True, through_plane_weights=str(weights))
    line = session.run.process.process.args
    assert line[line.index("--through-plane") + 1] == "2.5" and line[line.index("--slice-profile") + 1] == "rect"
    assert line[line.index("--slice-thickness") + 1] == "4.0" and "--consistency" in line
    session.run.wait()
    outcome = session.poll()
    assert outcome.state is panel.RunState.DONE, outcome.message
    summary = session.summary()
    assert summary["output"]["size"] == [64, 64, 30] and summary["output"]["name"] == "Synth_SRz2.5"
    assert np.allclose(summary["output"]["ras_bounds"], summary["input"]["ras_bounds"], atol=1e-3)
    exported = sitk.ReadImage(str(session.export("output")))
    assert exported.GetSize() == (64, 64, 30) and np.allclose(exported.GetSpacing(), (0.8, 0.8, 3.5 * 12 / 30))


def test_mask_cancel_and_downloads_on_a_headless_scene(session, stack):
    session.open_volume(stack, spacing_from_name=True)
    session.add_point_ijk(INSIDE, (32, 32, 6))
    session.add_point_ijk(INSIDE, (25, 30, 5))
    session.add_point_ijk(OUTSIDE, (2, 2, 6))
    session.create_brain_mask()
    brain = session.brain_array()
    assert brain[6, 32, 32] and not brain[6, 2, 2] and session.brain_voxels() == int(brain.sum())
    mask = sitk.ReadImage(str(session.export("mask")))
    assert np.allclose(mask.GetSpacing(), (0.8, 0.8, 3.5)) and int(sitk.GetArrayFromImage(mask).sum()) == brain.sum()

    before = session.summary()["node_ids"]
    session.start(scale=4, device="cpu", mask_outside=True)
    assert session.running and session.controls().apply_text == "Cancel" and not session.controls().options
    with pytest.raises(ValueError, match="running"):
        session.create_brain_mask()
    session.cancel()
    assert not session.running and session.output_node is None
    assert session.summary()["node_ids"] == before
    assert session.message.startswith("Cancelled")
    with pytest.raises(ValueError, match="no super-resolved output"):
        session.export("output")
    json.dumps(session.summary())  # what /api/scene serves


def test_user_errors_are_clear(session, stack, tmp_path):
    with pytest.raises(ValueError, match="Open a volume first"):
        session.start()
    with pytest.raises(ValueError, match="There is no file"):
        session.open_volume(tmp_path / "missing.nii.gz")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(ValueError, match="not a NIfTI"):
        session.open_volume(tmp_path / "notes.txt")
    with pytest.raises(ValueError, match="Spacing must be three numbers"):
        session.open_volume(stack, spacing="1,2")
    session.open_volume(stack)
    with pytest.raises(ValueError, match="inside the brain"):
        session.create_brain_mask()
    with pytest.raises(ValueError, match="needs a brain mask"):
        session.start(crop_to_brain=True)
    with pytest.raises(ValueError, match="Unknown device"):
        session.start(device="tpu")
    with pytest.raises(ValueError, match="Unknown scale ×3"):
        session.start(scale=3)
    with pytest.raises(ValueError, match="through-plane factor must be from 1 .off. to 8, not 9"):
        session.start(through_plane=9)
    with pytest.raises(ValueError, match="through-plane factor"):
        session.start(through_plane=float("nan"))
    with pytest.raises(ValueError, match="slice thickness must be from 0"):
        session.start(through_plane=2, slice_thickness_mm=-1)
    with pytest.raises(ValueError, match="Unknown slice profile 'box'"):
        session.start(through_plane=2, slice_profile="box")
    with pytest.raises(ValueError, match="from 5 to 600 seconds per model, not 1"):
        session.start(adapt=True, adapt_seconds=1)
    with pytest.raises(ValueError, match="seconds per model"):
        session.start(adapt=True, adapt_seconds=float("nan"))
    assert session.run is None
    with pytest.raises(ValueError, match="no brain mask"):
        session.export("mask")
