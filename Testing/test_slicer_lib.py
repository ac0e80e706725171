"""The Slicer module's Lib beyond the Logic's main paths: image kernels in desktop Slicer's layout,
the parameter node, the panel's decisions, run outcomes, result views, spacing from the file
name, dependencies and the background process's life. No Qt; the real MRML scene of slicer-core."""
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

slicer = pytest.importorskip("slicer", reason="slicer-core (test extra) is not installed")
if not hasattr(slicer, "vtkMRMLScene"):
    pytest.skip("the 'slicer' package found is not Kitware's slicer-core", allow_module_level=True)
import SimpleITK as sitk  # noqa: E402
import vtk  # noqa: E402

from conftest import CHILD_PYTHON, REPO  # noqa: E402

sys.path.insert(0, str(REPO / "RRLSRNExtension" / "RRLSRN"))
from RRLSRNLib import MODULE_NAME, RRLSRNLogic, SuperResolutionRun  # noqa: E402
from RRLSRNLib import dependencies, panel  # noqa: E402
from RRLSRNLib.job import child_process_options  # noqa: E402
from RRLSRNLib.views import acquisition_plane, show_side_by_side  # noqa: E402
from RRLSRNLib.vtkitk import vtkitk_class  # noqa: E402

from desktop_slicer import desktop_layout  # noqa: E402
from slicer_scene import load_stack, oblique_volume, small_volume  # noqa: E402

pytestmark = pytest.mark.usefixtures("desktop_slicer")


# ---------------------------------------------------------------- kernels in both layouts

def test_vtkitk_classes_resolve_in_desktop_and_slicer_core_layouts(desktop_slicer):
    import vtkITK

    assert "vtkITKImageMargin" in desktop_slicer and not hasattr(slicer, "vtkITKImageMargin")
    assert vtkitk_class("vtkITKIslandMath") is vtkITK.vtkITKIslandMath
    del sys.modules["vtkITK"]  # slicer-core as it is: no vtkITK module, classes on slicer
    try:
        for name, value in {n: getattr(vtkITK, n) for n in desktop_slicer if desktop_slicer[n] == "vtkITK"}.items():
            setattr(slicer, name, value)
        assert vtkitk_class("vtkITKIslandMath") is vtkITK.vtkITKIslandMath
    finally:
        for name in desktop_slicer:
            if hasattr(slicer, name):
                delattr(slicer, name)
        sys.modules["vtkITK"] = vtkITK
    with pytest.raises(RuntimeError, match="vtkITKNoSuchKernel"):
        vtkitk_class("vtkITKNoSuchKernel")


def test_desktop_layout_is_restored_afterwards():
    with desktop_layout():
        assert not hasattr(slicer, "vtkITKIslandMath")
    assert not hasattr(slicer, "vtkITKIslandMath")  # still inside this module's desktop layout
    assert "vtkITK" in sys.modules


BOX_SPACING = (0.8, 0.8, 2.0)  # i, j, k mm: anisotropic, like a thick-slice stack


def box_mask() -> np.ndarray:
    """A 10×20×20 voxel box (k, j, i) inside a 20×40×40 volume."""
    mask = np.zeros((20, 40, 40), bool)
    mask[5:15, 10:30, 10:30] = True
    return mask


def test_shrink_is_an_erosion_inside_the_mask_that_keeps_its_centre():
    mask = box_mask()
    shrunk = RRLSRNLogic._margin(mask, -1.0, BOX_SPACING)
    assert not (shrunk & ~mask).any()  # inside
    assert shrunk[10, 20, 20]  # the centre is kept (a shell would lose it)
    # 1 mm takes the outer in-plane layer (voxel centres 0.8 mm from outside) and no k layer (2 mm).
    expected = np.zeros_like(mask)
    expected[5:15, 11:29, 11:29] = True
    assert np.array_equal(shrunk, expected)
    deeper = RRLSRNLogic._margin(mask, -3.0, BOX_SPACING)
    assert deeper.sum() < shrunk.sum() and not (deeper & ~shrunk).any()


def test_grow_contains_the_mask_and_reaches_the_distance():
    mask = box_mask()
    grown = RRLSRNLogic._margin(mask, 2.5, BOX_SPACING)
    assert not (mask & ~grown).any()
    assert grown[10, 20, 32] and not grown[10, 20, 33]  # 2.4 mm beyond the i face in, 3.2 mm out
    assert grown[15, 20, 20] and not grown[16, 20, 20]  # 2 mm beyond the k face in, 4 mm out


def test_smoothing_does_not_grow_a_convex_mask():
    mask = box_mask()
    for smoothing_mm in (1.0, 2.0):
        cleaned = RRLSRNLogic._clean_mask(mask, BOX_SPACING, smoothing_mm)
        assert not (cleaned & ~mask).any(), smoothing_mm
        assert cleaned.sum() >= 0.95 * mask.sum()


def test_clean_mask_keeps_the_largest_island_and_fills_holes():
    mask = box_mask()
    mask[12, 20, 20] = False  # a hole
    mask[0:2, 0:2, 0:2] = True  # a small island
    cleaned = RRLSRNLogic._clean_mask(mask, BOX_SPACING, 0.0)
    assert cleaned[12, 20, 20] and not cleaned[0, 0, 0]


# ---------------------------------------------------------------- parameter node

def test_parameter_node_is_the_modules_own_singleton(scene):
    logic = RRLSRNLogic(scene)
    node = logic.getParameterNode()
    assert node.GetSingletonTag() == MODULE_NAME == "RRLSRN"
    assert node.GetAttribute("ModuleName") == "RRLSRN" and node.GetName().startswith("RRLSRN")
    assert logic.getParameterNode() is node or logic.getParameterNode().GetID() == node.GetID()
    assert scene.GetNumberOfNodesByClass("vtkMRMLScriptedModuleNode") == 1
    node.RemoveAttribute("ModuleName")  # as a scene close does
    assert RRLSRNLogic(scene).getParameterNode().GetAttribute("ModuleName") == "RRLSRN"


# ---------------------------------------------------------------- panel decisions

def test_unsupported_slicer_versions_get_one_sentence():
    message = panel.unsupported_slicer((5, 8))
    assert message and "5.10" in message and message.count(".") >= 2
    assert all(panel.unsupported_slicer(v) is None for v in [(5, 10), (5, 12), (5, 13), (6, 0)])


def state(**overrides):
    base = dict(supported=True, has_input=True, has_inside_points=True, has_brain=True, crop_to_brain=True,
                through_plane=2.0, running=False)
    return panel.panel_state(**{**base, **overrides})


def test_panel_state_idle_running_and_unsupported():
    idle = state()
    assert idle.apply and idle.apply_text == "Apply" and idle.options and idle.create_mask and idle.crop_margin
    no_input = state(has_input=False, has_inside_points=False, has_brain=False)
    assert not no_input.apply and not no_input.create_mask and not no_input.segment_editor
    assert "input volume" in no_input.apply_tooltip
    running = state(running=True)
    assert running.apply and running.apply_text == "Cancel"  # Apply turns into Cancel
    assert not (running.options or running.create_mask or running.crop or running.mask_outside)
    assert not state(has_brain=False).mask_outside and not state(has_brain=False).crop_margin
    assert not state(crop_to_brain=False).crop_margin and state(crop_to_brain=False).crop
    assert not state(has_inside_points=False).create_mask
    assert idle.through_plane_options and not running.through_plane_options
    assert not state(through_plane=1.0).through_plane_options  # thickness, profile, consistency: only with a factor
    # "Adapt to this scan": its seconds only when ticked (with or without a through-plane factor), never while running
    assert not idle.adapt_seconds and not state(adapt=False, through_plane=2.0).adapt_seconds
    assert state(adapt=True).adapt_seconds and state(adapt=True, through_plane=1.0).adapt_seconds
    assert not state(adapt=True, running=True).adapt_seconds
    unsupported = state(supported=False, adapt=True)
    assert not any([unsupported.apply, unsupported.options, unsupported.create_mask, unsupported.crop,
                    unsupported.through_plane_options, unsupported.adapt_seconds])


def brain_segmentation(scene, volume, empty=False):
    segmentation = scene.AddNewNodeByClass("vtkMRMLSegmentationNode")
    segmentation.SetReferenceImageGeometryParameterFromVolumeNode(volume)
    if empty:
        return segmentation, None
    return segmentation, segmentation.GetSegmentation().AddEmptySegment("", "Brain")


def test_stale_segment_is_never_used(scene):
    slicer.mrmlScene = scene
    volume = small_volume(scene)
    segmentation, segment_id = brain_segmentation(scene, volume)
    assert panel.brain_segment_id(segmentation, segment_id) == segment_id
    assert panel.brain_segment_id(None, segment_id) == ""  # None chosen in the selector
    empty, _ = brain_segmentation(scene, volume, empty=True)
    assert panel.brain_segment_id(empty, segment_id) == ""  # an empty segmentation chosen
    segmentation.GetSegmentation().RemoveSegment(segment_id)
    assert panel.brain_segment_id(segmentation, segment_id) == ""  # the segment was deleted


def test_settings_from_panel():
    settings = panel.settings_from_panel(scale=panel.Scale.X4, weights="", device="cpu", slice_axis="k",
                                         mask_outside=True, crop_to_brain=True, crop_margin_mm=7, has_brain=True)
    assert (settings.scale, settings.weights, settings.crop_margin_mm, settings.mask_outside) == (4, "", 7.0, True)
    job = settings.job(Path("in.nrrd"), Path("out.nrrd"), Path("mask.nrrd"))
    assert (job.settings.scale, job.settings.slice_axis, job.mask, job.crop_margin_mm, job.zero_outside, job.weights) == (
        4, "k", Path("mask.nrrd"), 7.0, True, None)
    without_brain = panel.settings_from_panel(scale=panel.Scale.X2, weights="/w/x.pt", device="auto", slice_axis="auto",
                                              mask_outside=True, crop_to_brain=True, crop_margin_mm=7,
                                              has_brain=False)
    assert not without_brain.mask_outside and without_brain.crop_margin_mm is None
    assert without_brain.job(Path("a.nrrd"), Path("b.nrrd")).weights == "/w/x.pt"
    assert without_brain.through_plane == 1.0 and without_brain.job(Path("a"), Path("b")).command_line().count(
        "--through-plane") == 0  # off by default
    assert [s.label() for s in panel.Scale] == ["×1 (keep in-plane grid)", "×2", "×4"]
    assert [p.label() for p in panel.SliceProfile] == ["Gaussian", "rectangular"]


def through_plane_settings(**overrides):
    base = dict(scale=panel.Scale.X1, weights="", device="cpu", slice_axis="auto", mask_outside=False,
                crop_to_brain=False, crop_margin_mm=5, has_brain=False, through_plane=2.5, slice_thickness_mm=5.0,
                slice_profile=panel.SliceProfile.RECT, consistency=True, through_plane_weights="/w/tp.pt")
    return panel.settings_from_panel(**{**base, **overrides})


def test_settings_from_panel_through_plane():
    settings = through_plane_settings()
    job = settings.job(Path("in.nrrd"), Path("out.nrrd"))
    s = job.settings
    assert (s.scale, s.through_plane, s.slice_thickness, s.slice_profile, s.consistency) == (1, 2.5, 5.0, "rect", True)
    assert job.through_plane_weights == "/w/tp.pt"
    line = job.command_line(child=True)
    assert line[line.index("--through-plane") + 1] == "2.5" and line[line.index("--slice-profile") + 1] == "rect"
    assert line[line.index("--slice-thickness") + 1] == "5.0" and "--consistency" in line
    assert line[line.index("--through-plane-weights") + 1] == "/w/tp.pt"
    # 0 mm is the slice spacing; empty (or ".") model fields are the shipped model
    default = through_plane_settings(slice_thickness_mm=0.0, consistency=False, through_plane_weights=Path("."),
                                     slice_profile=panel.SliceProfile.GAUSSIAN).job(Path("a"), Path("b"))
    assert default.settings.slice_thickness is None and default.through_plane_weights is None
    assert "--slice-thickness" not in default.command_line() and "--consistency" not in default.command_line()
    assert default.settings.slice_profile == "gaussian"
    assert through_plane_settings(scale=panel.Scale.X2).upscale_settings().output_suffix() == "_SRx2z2.5"


def in_plane_settings(**overrides):
    base = dict(scale=panel.Scale.X2, weights="", device="cpu", slice_axis="auto", mask_outside=False,
                crop_to_brain=False, crop_margin_mm=5, has_brain=False)
    return panel.settings_from_panel(**{**base, **overrides})


def test_adapt_to_this_scan_is_off_unless_ticked():
    """Unticked: no adaptation whatever the seconds field says; ticked: that many seconds per model,
    in-plane alone as with a through-plane factor."""
    assert panel.ADAPT_SECONDS_DEFAULT == 60.0 and panel.ADAPT_SECONDS_RANGE == (5.0, 600.0)
    for off in (in_plane_settings(), in_plane_settings(adapt=False, adapt_seconds=30.0),
                through_plane_settings(adapt=False, adapt_seconds=30.0)):
        assert off.adapt_seconds == 0.0 and off.upscale_settings().adapt_seconds == 0.0
        assert "--adapt" not in off.job(Path("a"), Path("b")).command_line(child=True)
    on = in_plane_settings(adapt=True, adapt_seconds=30)
    assert on.adapt_seconds == 30.0 and on.upscale_settings().adapt_seconds == 30.0
    line = on.job(Path("a"), Path("b")).command_line(child=True)
    assert line[line.index("--adapt") + 1] == "30.0" and "--through-plane" not in line  # in-plane only
    line = through_plane_settings(adapt=True, adapt_seconds=30.0).job(Path("a"), Path("b")).command_line(child=True)
    assert line.count("--adapt") == 1 and line[line.index("--adapt") + 1] == "30.0" and "--through-plane" in line
    assert in_plane_settings(adapt=True).adapt_seconds == 60.0  # the spin box's default
    for bad in (1.0, 601.0, float("nan")):
        with pytest.raises(ValueError, match="from 5 to 600 seconds per model"):
            in_plane_settings(adapt=True, adapt_seconds=bad)
    assert in_plane_settings(adapt=False, adapt_seconds=float("nan")).adapt_seconds == 0.0  # unticked: ignored


def test_the_panels_slice_profiles_are_the_cores():
    pytest.importorskip("torch", reason="rrlsrn.slice_profile needs torch (the Slicer-Python lane has none)")
    from rrlsrn.slice_profile import PROFILES

    assert tuple(p.value for p in panel.SliceProfile) == PROFILES


def test_scale_1_without_a_through_plane_factor_is_refused_in_one_sentence():
    with pytest.raises(ValueError) as refusal:
        through_plane_settings(through_plane=1.0)
    assert str(refusal.value) == panel.NOTHING_TO_DO
    assert str(refusal.value).count(".") == 1 and "through-plane factor" in str(refusal.value)
    assert through_plane_settings(scale=panel.Scale.X2, through_plane=1.0).scale == 2  # plain ×2 is fine


@pytest.mark.parametrize("value, expected", [("", ""), (".", ""), (Path(""), ""), (Path("."), ""), (None, ""),
                                             ("/data/w.pt", "/data/w.pt"), (Path("w.pt"), "w.pt")])
def test_weights_field(value, expected):
    assert panel.weights_argument(value) == expected


# ---------------------------------------------------------------- run outcomes

class FakeProcess:
    """Stands in for the child process: an exit code (None while running) and its error line."""

    def __init__(self, code=0, error="", raises=None):
        self.code, self.error, self.raises = code, error, raises
        self.progress = (3, 10)
        self.cancelled = False

    def poll(self):
        if self.raises:
            raise self.raises
        return self.code

    def wait(self):
        return self.code

    def cancel(self):  # like the real one: killed, so it has ended
        self.cancelled = True
        self.code = -9 if self.code is None else self.code
        self.raises = None

    def error_message(self):
        return self.error


def fake_run(scene, tmp_path, process, output=b"", output_node=None, name="work"):
    volume = small_volume(scene)
    workdir = tmp_path / name
    workdir.mkdir()
    if output == b"valid":
        image = sitk.GetImageFromArray(np.ones((6, 32, 24), np.float32))
        image.SetSpacing((0.4, 0.4, 3.0))
        sitk.WriteImage(image, str(workdir / "output.nrrd"))
    elif output:
        (workdir / "output.nrrd").write_bytes(output)
    return volume, SuperResolutionRun(RRLSRNLogic(scene), volume, output_node, "stack_SRx2", workdir, process)


def test_outcome_running_then_done(scene, tmp_path):
    slicer.mrmlScene = scene
    process = FakeProcess(code=None)
    volume, run = fake_run(scene, tmp_path, process, b"valid")
    outcome = panel.poll_run(run)
    assert outcome.state is panel.RunState.RUNNING and outcome.progress == pytest.approx(0.3)
    process.code = 0
    outcome = panel.poll_run(run)
    assert outcome.state is panel.RunState.DONE and outcome.output_node.GetScene() is scene
    assert outcome.message.startswith("Done in") and "stack_SRx2" in outcome.message
    assert not run.workdir.exists()
    assert panel.poll_run(run).state is panel.RunState.DONE  # polling again changes nothing


def test_outcome_failed_run_says_the_childs_sentence(scene, tmp_path):
    slicer.mrmlScene = scene
    _, run = fake_run(scene, tmp_path, FakeProcess(code=1, error="the weights file /x.pt does not exist."))
    outcome = panel.poll_run(run)
    assert outcome.state is panel.RunState.FAILED and "weights file /x.pt" in outcome.message


def test_outcome_unreadable_result_is_a_failure_not_a_traceback(scene, tmp_path):
    slicer.mrmlScene = scene
    _, run = fake_run(scene, tmp_path, FakeProcess(code=0), b"NRRD0004\ngarbage")
    nodes = scene.GetNumberOfNodes()
    outcome = panel.poll_run(run)
    assert outcome.state is panel.RunState.FAILED and "could not be read" in outcome.message
    assert scene.GetNumberOfNodes() == nodes and not run.workdir.exists()


def test_outcome_cancelled_and_scene_closed_drop_a_late_result(scene, tmp_path):
    slicer.mrmlScene = scene
    _, run = fake_run(scene, tmp_path, FakeProcess(code=0), b"valid")  # finished, not yet polled
    nodes = scene.GetNumberOfNodes()
    run.cancel("the scene was closed")
    outcome = panel.poll_run(run)
    assert outcome.state is panel.RunState.CANCELLED and "scene was closed" in outcome.message
    assert scene.GetNumberOfNodes() == nodes and run.output_node is None
    _, run = fake_run(scene, tmp_path, FakeProcess(code=None), name="second")
    run.cancel()
    assert "cancelled by the user" in panel.poll_run(run).message


def test_outcome_when_nodes_left_the_scene(scene, tmp_path):
    slicer.mrmlScene = scene
    volume, run = fake_run(scene, tmp_path, FakeProcess(code=0), b"valid")
    scene.RemoveNode(volume)
    outcome = panel.poll_run(run)
    assert outcome.state is panel.RunState.FAILED and "input volume was removed" in outcome.message
    gone = scene.AddNewNodeByClass("vtkMRMLScalarVolumeNode", "old output")
    _, run = fake_run(scene, tmp_path, FakeProcess(code=0), b"valid", output_node=gone, name="second")
    scene.RemoveNode(gone)
    outcome = panel.poll_run(run)
    assert outcome.state is panel.RunState.DONE and outcome.output_node is not gone
    assert outcome.output_node.GetScene() is scene


def test_outcome_when_polling_itself_breaks(scene, tmp_path):
    slicer.mrmlScene = scene
    process = FakeProcess(raises=OSError("pipe broken"))
    _, run = fake_run(scene, tmp_path, process)
    outcome = panel.poll_run(run)
    assert outcome.state is panel.RunState.FAILED and "pipe broken" in outcome.message
    assert process.cancelled and not run.workdir.exists()


# ---------------------------------------------------------------- result views

def slice_view(scene, name, orientation):
    slice_node = scene.AddNewNodeByClass("vtkMRMLSliceNode")
    slice_node.SetLayoutName(name)
    slicer.vtkMRMLSliceNode.AddDefaultSliceOrientationPresets(scene)
    slice_node.SetOrientation(orientation)
    composite = scene.AddNewNodeByClass("vtkMRMLSliceCompositeNode")
    composite.SetLayoutName(name)
    return slice_node, composite


def slice_normal(slice_node) -> np.ndarray:
    m = slice_node.GetSliceToRAS()
    return np.array([m.GetElement(r, 2) for r in range(3)])


def test_side_by_side_shows_both_volumes_in_the_acquired_plane(scene):
    slicer.mrmlScene = scene
    volume = oblique_volume(scene)
    output = small_volume(scene, name="out")
    assert acquisition_plane(volume) == "Coronal"
    red, yellow = slice_view(scene, "Red", "Axial"), slice_view(scene, "Yellow", "Sagittal")
    assert show_side_by_side([red, yellow], volume, output) == "Coronal"
    assert red[1].GetBackgroundVolumeID() == volume.GetID() and yellow[1].GetBackgroundVolumeID() == output.GetID()
    assert red[1].GetLinkedControl() and yellow[1].GetLinkedControl()
    m = vtk.vtkMatrix4x4()
    volume.GetIJKToRASDirectionMatrix(m)
    k_direction = np.array([m.GetElement(r, 2) for r in range(3)])
    for slice_node, _ in (red, yellow):  # both views cut along the acquired slices, not obliquely
        assert abs(np.dot(slice_normal(slice_node), k_direction)) == pytest.approx(1.0, abs=1e-6)
    assert acquisition_plane(volume, "i") == "Sagittal"


def test_acquisition_plane_of_a_real_axial_stack(scene, dev_stacks):
    volume = load_stack(scene, dev_stacks[2])
    assert acquisition_plane(volume) in ("Axial", "Coronal", "Sagittal")
    grid_k = np.argmax(volume.GetSpacing())
    assert grid_k == 2


# ---------------------------------------------------------------- spacing from the file name

def test_header_without_spacing_is_flagged_and_fixed_from_the_name(scene, dev_stacks):
    from rrlsrn.io import spacing_from_name

    path = dev_stacks[0]
    logic = RRLSRNLogic(scene)
    volume = scene.logics["volumes"].AddArchetypeVolume(str(path), "stack", 0)
    origin = volume.GetOrigin()
    assert volume.GetSpacing() == pytest.approx((1, 1, 1))
    warning = logic.spacing_warning(volume)
    named = spacing_from_name(path)
    assert warning and f"{named[0]:g}" in warning and "Use spacing from file name" in warning
    assert logic.apply_spacing_from_name(volume) == named
    assert volume.GetSpacing() == pytest.approx(named) and volume.GetOrigin() == pytest.approx(origin)
    assert logic.spacing_warning(volume) is None
    plain = small_volume(scene, spacing=(1, 1, 1), name="plain")
    assert logic.spacing_warning(plain) is None
    with pytest.raises(ValueError, match="Res<x>_<y>_Spac<z>"):
        logic.apply_spacing_from_name(plain)


# ---------------------------------------------------------------- dependencies

def test_requirements_are_lower_bounds_and_slicers_packages_are_kept():
    assert dependencies.TORCH_REQUIREMENT.startswith(">=")
    assert all(">=" in r and "==" not in r for r in dependencies.PIP_REQUIREMENTS.values())
    constraints = dependencies.constraints_text()
    import numpy

    assert f"numpy=={numpy.__version__}" in constraints and "SimpleITK==" in constraints


def test_install_plan_and_question(monkeypatch):
    monkeypatch.setattr(dependencies, "installed", lambda name: name not in ("torch", "skimage"))
    plan = dependencies.install_plan(dependencies.SUPER_RESOLUTION)
    assert plan and plan.torch and plan.pip == ()
    assert "PyTorch >=2.5" in plan.question() and "PyTorch extension" in plan.question()
    mask_plan = dependencies.install_plan(dependencies.BRAIN_MASK)
    assert not mask_plan.torch and mask_plan.pip == ("scikit-image>=0.21",)  # the brain mask needs no torch
    monkeypatch.setattr(dependencies, "installed", lambda name: True)
    assert not dependencies.install_plan(dependencies.SUPER_RESOLUTION)


def third_party_imports(module_files) -> set[str]:
    import ast

    names = set()
    for path in module_files:
        for node in ast.walk(ast.parse(Path(path).read_text())):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in ("rrlsrn", "__future__")}


def core_modules_used_by(statement: str) -> list[str]:
    """Files of the rrlsrn modules that ``statement`` imports, run in a fresh interpreter."""
    code = f"import sys; {statement}; print('\\n'.join(m.__file__ for n, m in sys.modules.items() if n.startswith('rrlsrn')))"
    core = str(REPO / "RRLSRNCore")
    done = subprocess.run([CHILD_PYTHON or sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": core}, check=True)
    return done.stdout.split()


def test_requirements_cover_what_the_core_imports():
    """A package the core starts importing must be added to the module's requirements."""
    upscale = core_modules_used_by("import rrlsrn.cli, rrlsrn.commands.upscale, rrlsrn.inference, rrlsrn.io")
    covered = set(dependencies.SUPER_RESOLUTION) | set(dependencies.BUNDLED_WITH_SLICER)
    assert third_party_imports(upscale) <= covered, third_party_imports(upscale) - covered
    mask_files = [REPO / "RRLSRNCore" / "rrlsrn" / f for f in ("brainmask.py", "intensity.py", "errors.py", "io.py",
                                                               "geometry.py")]
    assert third_party_imports(mask_files) <= set(dependencies.BRAIN_MASK) | set(dependencies.BUNDLED_WITH_SLICER)


def test_pip_failure_is_reported_with_pips_own_words(tmp_path):
    constraints = tmp_path / "constraints.txt"
    constraints.write_text(dependencies.constraints_text())
    lines = []
    with pytest.raises(dependencies.DependencyError) as failure:
        dependencies.pip_install(sys.executable, [str(tmp_path / "no_such_package-1.0-py3-none-any.whl")],
                                 str(constraints), lines.append)
    message = str(failure.value)
    assert message.startswith("Installing ") and "pip exit code" in message
    assert "no_such_package" in message.splitlines()[-1] or any("no_such_package" in x for x in message.splitlines()[1:])
    assert lines  # the panel saw pip's output as it came


def test_windows_children_get_no_console_window_and_their_own_group():
    flags = child_process_options("nt")["creationflags"]
    assert flags & dependencies.CREATE_NO_WINDOW and flags & dependencies.CREATE_NEW_PROCESS_GROUP
    assert dependencies.hidden_window_flags("nt") == {"creationflags": 0x08000000}
    assert child_process_options("posix") == {"start_new_session": True}
    assert dependencies.hidden_window_flags("posix") == {}


# ---------------------------------------------------------------- the child outlives no one

@pytest.mark.slow
def test_child_stops_when_its_parent_dies(tmp_path):
    """Slicer killed (SIGKILL) mid-run: its super-resolution child must not run on."""
    if os.name == "nt":
        pytest.skip("POSIX signals")
    image = sitk.GetImageFromArray(np.random.default_rng(0).random((40, 160, 160), dtype=np.float32))
    image.SetSpacing((0.8, 0.8, 4.0))
    sitk.WriteImage(image, str(tmp_path / "in.nrrd"))
    parent = textwrap.dedent(f"""
        import os, signal, sys, time
        sys.path.insert(0, {str(REPO / "RRLSRNExtension" / "RRLSRN")!r})
        from RRLSRNLib.job import UpscaleProcess
        from RRLSRNLib.core import core_path
        from rrlsrn.jobs import UpscaleJob, UpscaleSettings
        job = UpscaleJob({str(tmp_path / "in.nrrd")!r}, {str(tmp_path / "out.nrrd")!r},
                         settings=UpscaleSettings(scale=4, device="cpu"))
        run = UpscaleProcess(job.command_line(child=True), core_path(), {CHILD_PYTHON or sys.executable!r})
        print(run.process.pid, flush=True)
        deadline = time.time() + 120
        while run.progress == (0, 0) and time.time() < deadline and run.poll() is None:
            time.sleep(0.1)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    done = subprocess.run([sys.executable, "-c", parent], capture_output=True, text=True, timeout=180)
    assert done.returncode == -signal.SIGKILL, done.stderr
    child = int(done.stdout.split()[0])
    deadline = time.time() + 40
    while time.time() < deadline and _alive(child):
        time.sleep(0.2)
    alive = _alive(child)
    if alive:
        os.kill(child, signal.SIGKILL)
    assert not alive, "the child ran on after its parent died"
    assert not (tmp_path / "out.nrrd").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["in.nrrd"]  # no temporary left either


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (already exited, not yet reaped by init) counts as gone
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return True


def test_torch_floor_is_the_same_for_the_core_and_the_slicer_module():
    import re

    pyproject = (REPO / "RRLSRNCore" / "pyproject.toml").read_text()
    assert re.search(r'"torch(>=[\d.]+)"', pyproject).group(1) == dependencies.TORCH_REQUIREMENT


def test_creating_a_brain_mask_adds_only_the_segmentation(scene):
    """slicer.util's segment import leaves a labelmap display node in a headless scene; the Lib
    removes it, so the scene holds what the user asked for and nothing else."""
    from slicer_scene import markups

    array = np.zeros((6, 40, 40), np.float32)
    array[1:5, 10:30, 10:30] = 100
    array += np.random.default_rng(0).random(array.shape, dtype=np.float32)
    volume = slicer.util.addVolumeFromArray(array)
    volume.SetSpacing(1.0, 1.0, 3.0)
    points = markups(scene, volume, [(20, 20, 3)], "inside")
    before = {scene.GetNthNode(n).GetID() for n in range(scene.GetNumberOfNodes())}
    segmentation, segment_id = RRLSRNLogic(scene).create_brain_mask(volume, points)
    added = {scene.GetNthNode(n).GetID() for n in range(scene.GetNumberOfNodes())} - before
    assert added == {segmentation.GetID(), segmentation.GetDisplayNode().GetID()}
