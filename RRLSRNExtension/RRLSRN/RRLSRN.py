"""RRLSRN: deep super-resolution of (fetal) brain MRI in 3D Slicer (Module, Widget, Test).

Everything that touches the scene or decides what the panel allows is in RRLSRNLib (Qt-free,
tested headlessly); this file holds only the GUI glue. Nothing is installed at import: missing
packages are installed on the first Create brain mask or Apply, after asking. Supports 3D
Slicer 5.10 and newer (Python 3.12).
"""
import logging
import os
import time
from typing import Annotated

import qt
import slicer
import vtk
from slicer import vtkMRMLMarkupsFiducialNode, vtkMRMLScalarVolumeNode, vtkMRMLSegmentationNode
from slicer.i18n import tr as _
from slicer.i18n import translate
from slicer.parameterNodeWrapper import Choice, WithinRange, parameterNodeWrapper
from slicer.ScriptedLoadableModule import ScriptedLoadableModule, ScriptedLoadableModuleTest, ScriptedLoadableModuleWidget
from slicer.util import VTKObservationMixin

from RRLSRNLib import RRLSRNLogic
from RRLSRNLib.dependencies import (BRAIN_MASK, SUPER_RESOLUTION, TORCH_REQUIREMENT, DependencyError, constraints_text,
                                    install_plan, pip_install, pytorch_extension_available)
from RRLSRNLib.job import probe_devices, python_executable
from RRLSRNLib.panel import (ADAPT_SECONDS_DEFAULT, ADAPT_SECONDS_RANGE, DEVICES, SLICE_AXES, SLICE_THICKNESS_RANGE_MM,
                             THROUGH_PLANE_RANGE, RunState, Scale, SliceProfile, brain_segment_id, panel_state,
                             poll_run, settings_from_panel, unsupported_slicer, weights_argument)
from RRLSRNLib.views import show_side_by_side


class RRLSRN(ScriptedLoadableModule):
    def __init__(self, parent):
        ScriptedLoadableModule.__init__(self, parent)
        self.parent.title = _("RRLSRN Super-Resolution")
        self.parent.categories = [translate("qSlicerAbstractCoreModule", "Filtering")]
        self.parent.dependencies = ["Markups", "Segmentations", "SegmentEditor"]
        self.parent.contributors = ["RRLSRN team"]
        self.parent.helpText = _(
            "Deep robust residual super-resolution (Song et al., Sci Rep 2022) of brain MRI, fetal above all: "
            "sharper ×2/×4 in-plane volumes from thick-slice stacks, and with a through-plane factor more, "
            "thinner slices across them. Mark the brain with a few points, "
            "press Apply; the output covers exactly the input's field of view. Needs 3D Slicer 5.10 or newer "
            "and the PyTorch extension; the first use installs PyTorch, SciPy and scikit-image after asking. "
            "A stack whose header lost its spacing (1 × 1 × 1 mm) but whose file name states it "
            "(..._Res0.78_0.78_Spac4.0...) is fixed with 'Use spacing from file name'. "
            "Research software: not a medical device, not for diagnosis.")
        self.parent.acknowledgementText = _(
            "Method: Song, Lin, et al., Deep robust residual network for super-resolution of 2D fetal brain "
            "MRI, Scientific Reports 2022. Built on LapSRN (Lai et al., CVPR 2017).")


@parameterNodeWrapper
class RRLSRNParameterNode:
    """The panel's state, saved with the scene. Each field bound in the .ui (SlicerParameterName)
    has a type that Slicer's GUI connector for that widget accepts (Testing/test_slicer_binding.py)."""

    inputVolume: vtkMRMLScalarVolumeNode
    outputVolume: vtkMRMLScalarVolumeNode
    segmentation: vtkMRMLSegmentationNode
    segmentId: str = ""
    insidePoints: vtkMRMLMarkupsFiducialNode
    outsidePoints: vtkMRMLMarkupsFiducialNode
    maskOutside: bool = False
    cropToBrain: bool = False
    cropMarginMm: Annotated[float, WithinRange(0.0, 100.0)] = 10.0
    scale: Scale = Scale.X2
    # Not bound in the .ui: Slicer's ctkPathLineEdit connector takes only pathlib types, and an empty
    # pathlib.Path is "." — the field would show "." instead of staying empty. Synced in _updateGui.
    weightsPath: str = ""  # empty: the shipped model
    device: Annotated[str, Choice(DEVICES)] = "auto"
    sliceAxis: Annotated[str, Choice(SLICE_AXES)] = "auto"
    adapt: bool = False  # "Adapt to this scan": off by default (it costs adaptSeconds per model)
    adaptSeconds: Annotated[float, WithinRange(*ADAPT_SECONDS_RANGE)] = ADAPT_SECONDS_DEFAULT
    throughPlane: Annotated[float, WithinRange(*THROUGH_PLANE_RANGE)] = 1.0  # 1: off
    sliceThicknessMm: Annotated[float, WithinRange(*SLICE_THICKNESS_RANGE_MM)] = 0.0  # 0: the slice spacing
    sliceProfile: SliceProfile = SliceProfile.GAUSSIAN
    consistency: bool = False
    throughPlaneWeightsPath: str = ""  # empty: the shipped through-plane model; synced like weightsPath


class RRLSRNWidget(ScriptedLoadableModuleWidget, VTKObservationMixin):
    def __init__(self, parent=None) -> None:
        ScriptedLoadableModuleWidget.__init__(self, parent)
        VTKObservationMixin.__init__(self)
        self.logic = None
        self._parameterNode = None
        self._parameterNodeGuiTag = None
        self._run = None
        self._refusal = None  # the sentence shown instead of the panel on an unsupported Slicer
        self._timer = qt.QTimer()
        self._timer.setInterval(200)
        self._timer.timeout.connect(self._poll)

    def setup(self) -> None:
        ScriptedLoadableModuleWidget.setup(self)
        uiWidget = slicer.util.loadUI(self.resourcePath("UI/RRLSRN.ui"))
        self.layout.addWidget(uiWidget)
        self.ui = slicer.util.childWidgetVariables(uiWidget)
        uiWidget.setMRMLScene(slicer.mrmlScene)
        self.logic = RRLSRNLogic(slicer.mrmlScene)
        self.ui.progressBar.hide()

        self._refusal = unsupported_slicer((slicer.app.majorVersion, slicer.app.minorVersion))
        if self._refusal:
            for section in (self.ui.inputsCollapsibleButton, self.ui.brainCollapsibleButton,
                            self.ui.superResolutionCollapsibleButton, self.ui.throughPlaneCollapsibleButton,
                            self.ui.applyButton):
                section.enabled = False
            self.ui.statusLabel.text = self._refusal
            return

        self.addObserver(slicer.mrmlScene, slicer.mrmlScene.StartCloseEvent, self.onSceneStartClose)
        self.addObserver(slicer.mrmlScene, slicer.mrmlScene.EndCloseEvent, self.onSceneEndClose)
        self.ui.createMaskButton.connect("clicked(bool)", self.onCreateMask)
        self.ui.segmentEditorButton.connect("clicked(bool)", self.onOpenSegmentEditor)
        self.ui.spacingFromNameButton.connect("clicked(bool)", self.onSpacingFromName)
        self.ui.detectDevicesButton.connect("clicked(bool)", self.onDetectDevices)
        self.ui.applyButton.connect("clicked(bool)", self.onApplyOrCancel)
        self.ui.segmentSelector.connect("currentNodeChanged(vtkMRMLNode*)", self._onSegmentSelectionChanged)
        self.ui.segmentSelector.connect("currentSegmentChanged(QString)", self._onSegmentSelectionChanged)
        self.ui.weightsPathLineEdit.connect("currentPathChanged(QString)", self._onWeightsChanged)
        self.ui.throughPlaneWeightsPathLineEdit.connect("currentPathChanged(QString)", self._onWeightsChanged)
        self.initializeParameterNode()

    def cleanup(self) -> None:
        self._timer.stop()
        if self._run is not None:  # Slicer is closing: stop the child, nothing to show any more
            self._run.cancel("the module was closed")
            self._run = None
        self.removeObservers()

    def enter(self) -> None:
        if not self._refusal:
            self.initializeParameterNode()

    def exit(self) -> None:
        if self._parameterNode:
            self._parameterNode.disconnectGui(self._parameterNodeGuiTag)
            self._parameterNodeGuiTag = None
            self.removeObserver(self._parameterNode, vtk.vtkCommand.ModifiedEvent, self._updateGui)

    def onSceneStartClose(self, caller, event) -> None:
        if self._run is not None:
            self._run.cancel("the scene was closed")
            self._finish(poll_run(self._run))
        self.setParameterNode(None)

    def onSceneEndClose(self, caller, event) -> None:
        if self.parent.isEntered:
            self.initializeParameterNode()

    def initializeParameterNode(self) -> None:
        self.setParameterNode(RRLSRNParameterNode(self.logic.getParameterNode()))
        if not self._parameterNode.inputVolume:
            first = slicer.mrmlScene.GetFirstNodeByClass("vtkMRMLScalarVolumeNode")
            if first:
                self._parameterNode.inputVolume = first

    def setParameterNode(self, parameterNode) -> None:
        if self._parameterNode:
            self._parameterNode.disconnectGui(self._parameterNodeGuiTag)
            self.removeObserver(self._parameterNode, vtk.vtkCommand.ModifiedEvent, self._updateGui)
        self._parameterNode = parameterNode
        if self._parameterNode:
            # Widgets with a SlicerParameterName property in the .ui bind to the fields above.
            self._parameterNodeGuiTag = self._parameterNode.connectGui(self.ui)
            self.addObserver(self._parameterNode, vtk.vtkCommand.ModifiedEvent, self._updateGui)
            self._updateGui()

    def _updateGui(self, caller=None, event=None) -> None:
        p = self._parameterNode
        if p is None:
            return
        segmentId = brain_segment_id(p.segmentation, p.segmentId)
        wasBlocked = self.ui.segmentSelector.blockSignals(True)
        self.ui.segmentSelector.setCurrentNode(p.segmentation)
        if segmentId:
            self.ui.segmentSelector.setCurrentSegmentID(segmentId)
        self.ui.segmentSelector.blockSignals(wasBlocked)

        state = panel_state(supported=True, has_input=bool(p.inputVolume), has_inside_points=bool(p.insidePoints),
                            has_brain=bool(segmentId), crop_to_brain=p.cropToBrain, through_plane=p.throughPlane,
                            running=self._run is not None, adapt=p.adapt)
        for section in (self.ui.inputsCollapsibleButton, self.ui.superResolutionCollapsibleButton,
                        self.ui.throughPlaneCollapsibleButton):
            section.enabled = state.options
        self.ui.createMaskButton.enabled = state.create_mask
        self.ui.segmentEditorButton.enabled = state.segment_editor
        self.ui.maskOutsideCheckBox.enabled = state.mask_outside
        self.ui.cropCheckBox.enabled = state.crop
        self.ui.cropMarginSpinBox.enabled = state.crop_margin
        self.ui.adaptSecondsSpinBox.enabled = state.adapt_seconds
        for widget in (self.ui.sliceThicknessSpinBox, self.ui.sliceProfileComboBox, self.ui.consistencyCheckBox,
                       self.ui.throughPlaneWeightsPathLineEdit):
            widget.enabled = state.through_plane_options
        self.ui.applyButton.enabled = state.apply
        self.ui.applyButton.text = _(state.apply_text)
        self.ui.applyButton.toolTip = _(state.apply_tooltip)

        for lineEdit, path in ((self.ui.weightsPathLineEdit, p.weightsPath),
                               (self.ui.throughPlaneWeightsPathLineEdit, p.throughPlaneWeightsPath)):
            if lineEdit.currentPath != path:
                wasBlocked = lineEdit.blockSignals(True)
                lineEdit.currentPath = path
                lineEdit.blockSignals(wasBlocked)

        warning = self.logic.spacing_warning(p.inputVolume) if p.inputVolume else None
        self.ui.spacingLabel.text = warning or ""
        self.ui.spacingLabel.visible = bool(warning)
        self.ui.spacingFromNameButton.enabled = state.options and bool(
            p.inputVolume and self.logic.spacing_in_name(p.inputVolume))

    def _onWeightsChanged(self, *_) -> None:
        """Either weights field: the parameter node keeps what both show ("" for the shipped models)."""
        if self._parameterNode is not None:
            with slicer.util.NodeModify(self._parameterNode.parameterNode):
                self._parameterNode.weightsPath = weights_argument(self.ui.weightsPathLineEdit.currentPath)
                self._parameterNode.throughPlaneWeightsPath = weights_argument(
                    self.ui.throughPlaneWeightsPathLineEdit.currentPath)

    def _onSegmentSelectionChanged(self, *_) -> None:
        """Either of the selector's signals: the segmentation and segment in use are what it shows,
        a segment that is not in that segmentation (None, empty, another node) being none."""
        if self._parameterNode is not None:
            node = self.ui.segmentSelector.currentNode()
            with slicer.util.NodeModify(self._parameterNode.parameterNode):
                self._parameterNode.segmentation = node
                self._parameterNode.segmentId = brain_segment_id(node, self.ui.segmentSelector.currentSegmentID())

    def _say(self, message: str, error: bool = False) -> None:
        self.ui.statusLabel.text = message
        if error and not slicer.app.testingEnabled():
            slicer.util.errorDisplay(message, windowTitle=_("RRLSRN"))

    # ------------------------------------------------------------------ input

    def onSpacingFromName(self) -> None:
        try:
            spacing = self.logic.apply_spacing_from_name(self._parameterNode.inputVolume)
        except ValueError as error:
            self._say(str(error), error=True)
            return
        slicer.util.resetSliceViews()
        self._say(_("Spacing set from the file name: {spacing} mm.").format(spacing=" × ".join(f"{s:g}" for s in spacing)))
        self._updateGui()

    def onDetectDevices(self) -> None:
        with slicer.util.WaitCursor():
            found = probe_devices()
        self.ui.deviceComboBox.toolTip = found
        self._say(found)

    # ------------------------------------------------------------------ brain

    def onCreateMask(self) -> None:
        if not self._ensureDependencies(BRAIN_MASK):
            return
        p = self._parameterNode
        try:
            with slicer.util.tryWithErrorDisplay(_("Failed to create the brain mask."), waitCursor=True):
                try:
                    segmentation, segmentId = self.logic.create_brain_mask(
                        p.inputVolume, p.insidePoints, p.outsidePoints, p.segmentation)
                except ValueError as error:  # a user's error: one sentence, no traceback
                    self._say(str(error), error=True)
                    return
        except Exception:  # already shown by tryWithErrorDisplay; keep the panel alive
            logging.exception("RRLSRN: brain mask failed")
            self._say(_("Creating the brain mask failed; the Python console has the details."))
            return
        with slicer.util.NodeModify(p.parameterNode):
            p.segmentation, p.segmentId = segmentation, segmentId
        self._say(_("Brain segment created; refine it in Segment Editor if needed."))

    def onOpenSegmentEditor(self) -> None:
        p = self._parameterNode
        slicer.util.selectModule("SegmentEditor")
        editor = slicer.modules.segmenteditor.widgetRepresentation().self().editor
        editor.setSegmentationNode(p.segmentation)
        editor.setSourceVolumeNode(p.inputVolume)
        editor.setCurrentSegmentID(brain_segment_id(p.segmentation, p.segmentId))

    # ------------------------------------------------------------------ super-resolution

    def _ensureDependencies(self, names) -> bool:
        """Ask first (with a normal cursor), then install what a task needs: torch through the
        PyTorch extension, the rest with pip; any failure is said on the panel."""
        plan = install_plan(names)
        if not plan:
            return True
        if plan.torch and not pytorch_extension_available():
            self._say(_("RRLSRN needs PyTorch: install the PyTorch extension from the Extensions Manager, "
                        "restart 3D Slicer and try again."), error=True)
            return False
        if not slicer.util.confirmOkCancelDisplay(plan.question(), windowTitle=_("Install RRLSRN dependencies")):
            self._say(_("Nothing was installed, so nothing was done."))
            return False
        try:
            with slicer.util.WaitCursor():
                if plan.torch:
                    self._say(_("Installing PyTorch (this can take several minutes)…"))
                    slicer.app.processEvents()
                    import PyTorchUtils
                    PyTorchUtils.PyTorchUtilsLogic().installTorch(askConfirmation=False,
                                                                  torchVersionRequirement=TORCH_REQUIREMENT)
                if plan.pip:
                    constraints = os.path.join(slicer.app.temporaryPath, "RRLSRN-constraints.txt")
                    with open(constraints, "w") as f:
                        f.write(constraints_text())
                    pip_install(python_executable(), plan.pip, constraints, self._showInstallLine)
        except DependencyError as error:
            self._say(str(error), error=True)
            return False
        except Exception as error:
            logging.exception("RRLSRN: installing PyTorch failed")
            self._say(_("Installing PyTorch failed ({error}); View > Python Console shows the installer's "
                        "messages.").format(error=error), error=True)
            return False
        still = install_plan(names)
        if still:
            self._say(_("Still missing after installation: {names}. Restart 3D Slicer and try again.").format(
                names=", ".join((["torch"] if still.torch else []) + list(still.pip))), error=True)
            return False
        self._say(_("Dependencies installed."))
        return True

    def _showInstallLine(self, line: str) -> None:
        if line.strip():
            self.ui.statusLabel.text = line[-160:]
            slicer.app.processEvents()  # the panel stays responsive while pip works

    def onApplyOrCancel(self) -> None:
        if self._run is not None:
            self._run.cancel()
            self._finish(poll_run(self._run))
            return
        p = self._parameterNode
        segmentId = brain_segment_id(p.segmentation, p.segmentId)
        try:  # refused before anything is installed: ×1 without a through-plane factor has nothing to do
            settings = settings_from_panel(
                scale=p.scale, weights=p.weightsPath, device=p.device, slice_axis=p.sliceAxis,
                mask_outside=p.maskOutside, crop_to_brain=p.cropToBrain, crop_margin_mm=p.cropMarginMm,
                has_brain=bool(segmentId), through_plane=p.throughPlane, slice_thickness_mm=p.sliceThicknessMm,
                slice_profile=p.sliceProfile, consistency=p.consistency,
                through_plane_weights=p.throughPlaneWeightsPath, adapt=p.adapt, adapt_seconds=p.adaptSeconds)
        except ValueError as error:
            self._say(str(error), error=True)
            return
        if not self._ensureDependencies(SUPER_RESOLUTION):
            return
        try:
            with slicer.util.WaitCursor():
                self._run = self.logic.start_super_resolution(p.inputVolume, settings, p.outputVolume,
                                                              p.segmentation, segmentId or None)
        except ValueError as error:
            self._say(str(error), error=True)
            return
        self.ui.progressBar.value = 0
        self.ui.progressBar.show()
        self._say(_("Super-resolving…"))
        self._timer.start()
        self._updateGui()

    def _poll(self) -> None:
        if self._run is None:
            self._timer.stop()
            return
        outcome = poll_run(self._run)
        if outcome.state is RunState.RUNNING:
            self.ui.progressBar.value = int(100 * outcome.progress)
            return
        self._finish(outcome)

    def _finish(self, outcome) -> None:
        """End of a run, whatever its outcome: the timer stops first, then the panel says what happened."""
        self._timer.stop()
        self._run = None
        self.ui.progressBar.hide()
        self._say(outcome.message, error=outcome.state is RunState.FAILED)
        p = self._parameterNode
        if outcome.state is RunState.DONE and p is not None:
            p.outputVolume = outcome.output_node
            try:
                self._showSideBySide(p.inputVolume, outcome.output_node, p.sliceAxis)
            except Exception:  # the result is in the scene; a view problem must not hide that
                logging.exception("RRLSRN: could not arrange the result views")
        self._updateGui()

    @staticmethod
    def _showSideBySide(inputVolume, outputVolume, sliceAxis: str) -> None:
        layoutManager = slicer.app.layoutManager()
        if layoutManager is None or inputVolume is None:
            return
        layoutManager.setLayout(slicer.vtkMRMLLayoutNode.SlicerLayoutSideBySideView)
        widgets = [layoutManager.sliceWidget(name) for name in ("Red", "Yellow")]
        if None in widgets:
            return
        logics = [w.sliceLogic() for w in widgets]
        show_side_by_side([(lg.GetSliceNode(), lg.GetSliceCompositeNode()) for lg in logics],
                          inputVolume, outputVolume, sliceAxis)
        slicer.app.processEvents()  # the new layout gets its size before the views are fitted
        for logic in logics:
            logic.FitSliceToAll()


class RRLSRNTest(ScriptedLoadableModuleTest):
    """In-Slicer self-test: the panel itself (binding, Create brain mask, Apply, result views) and the
    Logic, on a small voxel-based crop of MRHead. Run it from the Developer section ("Reload and
    Test") or as `Slicer --testing --python-code "slicer.util.selectModule('RRLSRN');
    slicer.selfTests['RRLSRN']()"`; in a build tree, `ctest -R RRLSRN`."""

    def setUp(self):
        slicer.mrmlScene.Clear()

    def runTest(self):
        self.setUp()
        self.test_RRLSRN_panel()

    def _smallHead(self):
        import SampleData

        head = SampleData.SampleDataLogic().downloadMRHead()
        roi = slicer.mrmlScene.AddNewNodeByClass("vtkMRMLMarkupsROINode")
        cropParams = slicer.mrmlScene.AddNewNodeByClass("vtkMRMLCropVolumeParametersNode")
        cropParams.SetInputVolumeNodeID(head.GetID())
        cropParams.SetROINodeID(roi.GetID())
        cropParams.SetVoxelBased(True)  # keep the scan's own voxels: no resampling
        slicer.modules.cropvolume.logic().FitROIToInputVolume(cropParams)
        roi.SetSize(60, 60, 30)
        slicer.modules.cropvolume.logic().Apply(cropParams)
        return slicer.mrmlScene.GetNodeByID(cropParams.GetOutputVolumeNodeID()), roi

    def _waitFor(self, condition, seconds: float) -> None:
        deadline = time.time() + seconds
        while not condition() and time.time() < deadline:
            slicer.app.processEvents()
            time.sleep(0.05)

    def test_RRLSRN_panel(self):
        import numpy as np

        self.delayDisplay("Loading MRHead (small voxel-based crop)")
        volume, roi = self._smallHead()
        testing = slicer.app.testingEnabled()

        self.delayDisplay("The panel is bound to its parameter node")
        slicer.util.selectModule("RRLSRN")
        widget = slicer.modules.rrlsrn.widgetRepresentation().self()
        self.assertIsNotNone(widget._parameterNodeGuiTag)
        p = widget._parameterNode
        self.assertEqual(p.parameterNode.GetAttribute("ModuleName"), "RRLSRN")
        p.inputVolume = volume
        self.assertIs(widget.ui.inputSelector.currentNode(), volume)
        self.assertTrue(widget.ui.applyButton.enabled)
        widget.ui.cropMarginSpinBox.value = -5.0
        self.assertEqual(p.cropMarginMm, 0.0)
        p.cropMarginMm = 10.0
        widget.ui.scaleComboBox.currentIndex = list(Scale).index(Scale.X4)
        self.assertIs(p.scale, Scale.X4)
        p.scale = Scale.X2
        self.assertEqual(widget.ui.scaleComboBox.currentText, "×2")
        self.assertEqual(widget.ui.weightsPathLineEdit.currentPath, "")

        self.delayDisplay("Through-plane options: bound, and enabled only with a factor above 1")
        self.assertFalse(widget.ui.sliceThicknessSpinBox.enabled)
        widget.ui.throughPlaneSpinBox.value = 9.0
        self.assertEqual(p.throughPlane, 8.0)  # the range of the parameter node's annotation
        self.assertTrue(widget.ui.sliceThicknessSpinBox.enabled and not widget.ui.consistencyCheckBox.checked)
        widget.ui.sliceProfileComboBox.currentIndex = list(SliceProfile).index(SliceProfile.RECT)
        self.assertIs(p.sliceProfile, SliceProfile.RECT)
        p.sliceProfile, p.throughPlane = SliceProfile.GAUSSIAN, 1.0
        self.assertFalse(widget.ui.consistencyCheckBox.enabled)

        self.delayDisplay("Adapt to this scan: off by default, its seconds enabled only when ticked")
        self.assertFalse(widget.ui.adaptCheckBox.checked)
        self.assertFalse(p.adapt)
        self.assertFalse(widget.ui.adaptSecondsSpinBox.enabled)
        self.assertEqual(widget.ui.adaptSecondsSpinBox.value, 60.0)
        widget.ui.adaptCheckBox.checked = True
        self.assertTrue(p.adapt and widget.ui.adaptSecondsSpinBox.enabled)
        widget.ui.adaptSecondsSpinBox.value = 30.0
        self.assertEqual(p.adaptSeconds, 30.0)
        widget.ui.adaptSecondsSpinBox.value = 5000.0
        self.assertEqual(p.adaptSeconds, 600.0)  # the range of the parameter node's annotation
        p.adapt, p.adaptSeconds = False, 60.0
        self.assertFalse(widget.ui.adaptCheckBox.checked or widget.ui.adaptSecondsSpinBox.enabled)

        if not install_plan(BRAIN_MASK) or not testing:
            self.delayDisplay("Create brain mask from one point")
            center = [0.0, 0.0, 0.0]
            roi.GetCenter(center)
            inside = slicer.mrmlScene.AddNewNodeByClass("vtkMRMLMarkupsFiducialNode", "inside")
            inside.AddControlPoint(center)
            p.insidePoints = inside
            self.assertTrue(widget.ui.createMaskButton.enabled)
            widget.ui.createMaskButton.click()
            self.assertTrue(p.segmentId, widget.ui.statusLabel.text)
            mask = slicer.util.arrayFromSegmentBinaryLabelmap(p.segmentation, p.segmentId, volume)
            self.assertGreater(int(mask.sum()), 0)
            widget.ui.segmentSelector.setCurrentNode(None)
            self.assertEqual(p.segmentId, "")
        else:
            self.delayDisplay("Brain mask skipped in --testing mode: SciPy/scikit-image are not installed")

        if install_plan(SUPER_RESOLUTION) and testing:
            self.delayDisplay("Super-resolution skipped in --testing mode: PyTorch is not installed")
            return
        self.delayDisplay("Apply: ×2 super-resolution in the background")
        before = slicer.util.arrayFromVolume(volume).copy()
        p.device = "cpu"
        widget.ui.applyButton.click()
        self.assertEqual(widget.ui.applyButton.text, "Cancel")
        self._waitFor(lambda: widget._run is None, 600)
        self.assertIsNone(widget._run, "the run did not finish in 10 minutes")
        out = p.outputVolume
        self.assertIsNotNone(out, widget.ui.statusLabel.text)
        inBounds, outBounds = [0.0] * 6, [0.0] * 6
        volume.GetRASBounds(inBounds)
        out.GetRASBounds(outBounds)
        self.assertTrue(np.allclose(inBounds, outBounds, atol=1e-3))
        self.assertEqual(slicer.util.arrayFromVolume(out).size, 4 * before.size)
        self.assertTrue(np.array_equal(slicer.util.arrayFromVolume(volume), before))
        self.assertEqual(widget.ui.applyButton.text, "Apply")

        self.delayDisplay("Result views: input and output side by side, same plane")
        layoutManager = slicer.app.layoutManager()
        self.assertEqual(layoutManager.layout, slicer.vtkMRMLLayoutNode.SlicerLayoutSideBySideView)
        red, yellow = (layoutManager.sliceWidget(n).sliceLogic() for n in ("Red", "Yellow"))
        self.assertEqual(red.GetSliceCompositeNode().GetBackgroundVolumeID(), volume.GetID())
        self.assertEqual(yellow.GetSliceCompositeNode().GetBackgroundVolumeID(), out.GetID())
        self.assertEqual(red.GetSliceNode().GetOrientation(), yellow.GetSliceNode().GetOrientation())

        self.delayDisplay("Cancel leaves the scene unchanged")
        nodes = slicer.mrmlScene.GetNumberOfNodes()
        p.scale = Scale.X4
        widget.ui.applyButton.click()
        widget.ui.applyButton.click()
        self.assertIsNone(widget._run)
        self.assertEqual(slicer.mrmlScene.GetNumberOfNodes(), nodes)
        self.delayDisplay("Test passed")
