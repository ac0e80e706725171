"""RRLSRN: deep super-resolution of (fetal) brain MRI in 3D Slicer (Module, Widget, Test).

Everything that touches the scene without Qt is in RRLSRNLib (tested headlessly); this file
holds only the GUI glue. Nothing is installed at import: missing packages are installed on
the first Apply, after asking.
"""
import os
import time

import qt
import slicer
import vtk
from slicer import vtkMRMLMarkupsFiducialNode, vtkMRMLScalarVolumeNode, vtkMRMLSegmentationNode
from slicer.i18n import tr as _
from slicer.i18n import translate
from slicer.parameterNodeWrapper import parameterNodeWrapper
from slicer.ScriptedLoadableModule import (ScriptedLoadableModule, ScriptedLoadableModuleLogic,
                                           ScriptedLoadableModuleTest, ScriptedLoadableModuleWidget)
from slicer.util import VTKObservationMixin

from RRLSRNLib import RRLSRNLogic, SuperResolutionSettings
from RRLSRNLib.core import MASK_REQUIREMENTS, REQUIREMENTS, constraints_text, missing_requirements

SCALES = (2, 4)
DEVICES = ("auto", "cpu", "cuda", "mps")
SLICE_AXES = ("auto", "i", "j", "k")


class RRLSRN(ScriptedLoadableModule):
    def __init__(self, parent):
        ScriptedLoadableModule.__init__(self, parent)
        self.parent.title = _("RRLSRN Super-Resolution")
        self.parent.categories = [translate("qSlicerAbstractCoreModule", "Filtering")]
        self.parent.dependencies = []
        self.parent.contributors = ["RRLSRN team"]
        self.parent.helpText = _(
            "Deep robust residual super-resolution (Song et al., Sci Rep 2022) of brain MRI, fetal above all: "
            "sharper ×2/×4 in-plane volumes from thick-slice stacks. Mark the brain with a few points, "
            "press Apply; the output covers exactly the input's field of view.")
        self.parent.acknowledgementText = _(
            "Method: Song, Lin, et al., Deep robust residual network for super-resolution of 2D fetal brain "
            "MRI, Scientific Reports 2022. Built on LapSRN (Lai et al., CVPR 2017).")


@parameterNodeWrapper
class RRLSRNParameterNode:
    inputVolume: vtkMRMLScalarVolumeNode
    outputVolume: vtkMRMLScalarVolumeNode
    segmentation: vtkMRMLSegmentationNode
    segmentId: str = ""
    insidePoints: vtkMRMLMarkupsFiducialNode
    outsidePoints: vtkMRMLMarkupsFiducialNode
    maskOutside: bool = False
    cropToBrain: bool = False
    cropMarginMm: float = 10.0
    scale: int = 2
    weightsPath: str = ""
    device: str = "auto"
    sliceAxis: str = "auto"


class RRLSRNWidget(ScriptedLoadableModuleWidget, VTKObservationMixin):
    def __init__(self, parent=None) -> None:
        ScriptedLoadableModuleWidget.__init__(self, parent)
        VTKObservationMixin.__init__(self)
        self.logic = None
        self._parameterNode = None
        self._parameterNodeGuiTag = None
        self._run = None
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

        for combo, values in ((self.ui.scaleComboBox, [f"×{s}" for s in SCALES]),
                              (self.ui.sliceAxisComboBox, SLICE_AXES)):
            combo.clear()
            combo.addItems(list(values))
        self.ui.deviceComboBox.clear()
        self.ui.deviceComboBox.addItems(list(DEVICES))
        self.ui.deviceComboBox.toolTip = self._detected_devices()
        self.ui.progressBar.hide()

        self.addObserver(slicer.mrmlScene, slicer.mrmlScene.StartCloseEvent, self.onSceneStartClose)
        self.addObserver(slicer.mrmlScene, slicer.mrmlScene.EndCloseEvent, self.onSceneEndClose)
        self.ui.createMaskButton.connect("clicked(bool)", self.onCreateMask)
        self.ui.segmentEditorButton.connect("clicked(bool)", self.onOpenSegmentEditor)
        self.ui.applyButton.connect("clicked(bool)", self.onApplyOrCancel)
        self.ui.scaleComboBox.connect("currentIndexChanged(int)", self._onComboChanged)
        self.ui.deviceComboBox.connect("currentIndexChanged(int)", self._onComboChanged)
        self.ui.sliceAxisComboBox.connect("currentIndexChanged(int)", self._onComboChanged)
        self.ui.segmentSelector.connect("currentSegmentChanged(QString)", self._onSegmentChanged)
        self.initializeParameterNode()

    def cleanup(self) -> None:
        if self._run is not None:
            self._run.cancel()
        self.removeObservers()

    def enter(self) -> None:
        self.initializeParameterNode()

    def exit(self) -> None:
        if self._parameterNode:
            self._parameterNode.disconnectGui(self._parameterNodeGuiTag)
            self._parameterNodeGuiTag = None
            self.removeObserver(self._parameterNode, vtk.vtkCommand.ModifiedEvent, self._updateGui)

    def onSceneStartClose(self, caller, event) -> None:
        if self._run is not None:
            self._run.cancel()
        self.setParameterNode(None)

    def onSceneEndClose(self, caller, event) -> None:
        if self.parent.isEntered:
            self.initializeParameterNode()

    def initializeParameterNode(self) -> None:
        self.setParameterNode(RRLSRNParameterNode(ScriptedLoadableModuleLogic().getParameterNode()))
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
        for combo, values, value in ((self.ui.scaleComboBox, SCALES, p.scale),
                                     (self.ui.deviceComboBox, DEVICES, p.device),
                                     (self.ui.sliceAxisComboBox, SLICE_AXES, p.sliceAxis)):
            wasBlocked = combo.blockSignals(True)
            combo.currentIndex = values.index(value) if value in values else 0
            combo.blockSignals(wasBlocked)
        self.ui.segmentSelector.setCurrentNode(p.segmentation)
        if p.segmentId:
            self.ui.segmentSelector.setCurrentSegmentID(p.segmentId)
        running = self._run is not None
        hasInput = bool(p.inputVolume)
        hasBrain = bool(p.segmentation and p.segmentId)
        self.ui.createMaskButton.enabled = hasInput and bool(p.insidePoints) and not running
        self.ui.segmentEditorButton.enabled = hasBrain
        self.ui.maskOutsideCheckBox.enabled = hasBrain
        self.ui.cropCheckBox.enabled = hasBrain
        self.ui.applyButton.enabled = hasInput or running
        self.ui.applyButton.text = _("Cancel") if running else _("Apply")
        self.ui.applyButton.toolTip = _("Stop the running super-resolution") if running else _("Super-resolve the input volume")

    def _onComboChanged(self, _index=None) -> None:
        if self._parameterNode is None:
            return
        with slicer.util.NodeModify(self._parameterNode.parameterNode):
            self._parameterNode.scale = SCALES[max(self.ui.scaleComboBox.currentIndex, 0)]
            self._parameterNode.device = DEVICES[max(self.ui.deviceComboBox.currentIndex, 0)]
            self._parameterNode.sliceAxis = SLICE_AXES[max(self.ui.sliceAxisComboBox.currentIndex, 0)]

    def _onSegmentChanged(self, segmentId) -> None:
        if self._parameterNode is not None:
            self._parameterNode.segmentation = self.ui.segmentSelector.currentNode()
            self._parameterNode.segmentId = segmentId or ""

    @staticmethod
    def _detected_devices() -> str:
        try:
            import torch
        except ImportError:
            return _("PyTorch is not installed yet: it is installed on the first Apply.")
        found = ["CPU"]
        if torch.cuda.is_available():
            found.append(f"CUDA: {torch.cuda.get_device_name(0)}")
        if torch.backends.mps.is_available():
            found.append("Apple MPS")
        return _("Detected: ") + ", ".join(found)

    # ------------------------------------------------------------------ brain

    def onCreateMask(self) -> None:
        p = self._parameterNode
        if not self._ensureDependencies(MASK_REQUIREMENTS):
            self.ui.statusLabel.text = _("Dependencies are missing; nothing was done.")
            return
        with slicer.util.tryWithErrorDisplay(_("Failed to create the brain mask."), waitCursor=True):
            segmentation, segmentId = self.logic.create_brain_mask(
                p.inputVolume, p.insidePoints, p.outsidePoints, p.segmentation)
            p.segmentation, p.segmentId = segmentation, segmentId
            self.ui.statusLabel.text = _("Brain segment created; refine it in Segment Editor if needed.")

    def onOpenSegmentEditor(self) -> None:
        p = self._parameterNode
        slicer.util.selectModule("SegmentEditor")
        editor = slicer.modules.segmenteditor.widgetRepresentation().self().editor
        editor.setSegmentationNode(p.segmentation)
        editor.setSourceVolumeNode(p.inputVolume)
        editor.setCurrentSegmentID(p.segmentId)

    # ------------------------------------------------------------------ super-resolution

    def _ensureDependencies(self, names=tuple(REQUIREMENTS)) -> bool:
        """Ask, then install what the core needs for a task (import ``names``); torch through the
        PyTorch extension when present."""
        missing = missing_requirements(names)
        if not missing:
            return True
        if not slicer.util.confirmOkCancelDisplay(
                _("RRLSRN needs these Python packages, which will be downloaded and installed now:\n")
                + "\n".join(missing), windowTitle=_("Install RRLSRN dependencies")):
            return False
        with slicer.util.WaitCursor():
            if any(r.startswith("torch") for r in missing):
                try:
                    import PyTorchUtils  # the PyTorch extension picks the right CUDA build for this machine
                    if PyTorchUtils.PyTorchUtilsLogic().installTorch(askConfirmation=False) is None:
                        return False
                    missing = [r for r in missing if not r.startswith("torch")]
                except ImportError:
                    pass
            if missing:
                # A constraints file keeps Slicer's own numpy and SimpleITK from being replaced.
                constraints = os.path.join(slicer.app.temporaryPath, "RRLSRN-constraints.txt")
                with open(constraints, "w") as f:
                    f.write(constraints_text())
                slicer.util.pip_install(missing + ["-c", constraints])
        return not missing_requirements(names)

    def onApplyOrCancel(self) -> None:
        if self._run is not None:
            self._run.cancel()
            self._finish()
            self.ui.statusLabel.text = _("Cancelled; the scene is unchanged.")
            return
        p = self._parameterNode
        with slicer.util.tryWithErrorDisplay(_("Failed to start super-resolution."), waitCursor=True):
            if not self._ensureDependencies():
                self.ui.statusLabel.text = _("Dependencies are missing; nothing was done.")
                return
            settings = SuperResolutionSettings(
                scale=p.scale, weights=p.weightsPath, device=p.device, slice_axis=p.sliceAxis,
                mask_outside=p.maskOutside, crop_margin_mm=p.cropMarginMm if p.cropToBrain else None)
            self._run = self.logic.start_super_resolution(p.inputVolume, settings, p.outputVolume,
                                                          p.segmentation, p.segmentId or None)
            self.ui.progressBar.value = 0
            self.ui.progressBar.show()
            self.ui.statusLabel.text = _("Super-resolving…")
            self._timer.start()
            self._updateGui()

    def _poll(self) -> None:
        run = self._run
        self.ui.progressBar.value = int(100 * run.progress)
        if not run.poll():
            return
        self._finish()
        if run.error:
            slicer.util.errorDisplay(_("Super-resolution failed: ") + run.error)
            self.ui.statusLabel.text = _("Failed: ") + run.error
            return
        self._parameterNode.outputVolume = run.output_node
        self.ui.statusLabel.text = _("Done in {seconds:.1f} s: {name}").format(seconds=run.seconds, name=run.output_node.GetName())
        self._showSideBySide(self._parameterNode.inputVolume, run.output_node)

    def _finish(self) -> None:
        self._timer.stop()
        self._run = None
        self.ui.progressBar.hide()
        self._updateGui()

    @staticmethod
    def _showSideBySide(inputVolume, outputVolume) -> None:
        layoutManager = slicer.app.layoutManager()
        layoutManager.setLayout(slicer.vtkMRMLLayoutNode.SlicerLayoutSideBySideView)
        for name, volume in (("Red", inputVolume), ("Yellow", outputVolume)):
            widget = layoutManager.sliceWidget(name)
            if widget is None:
                continue
            logic = widget.sliceLogic()
            logic.GetSliceCompositeNode().SetBackgroundVolumeID(volume.GetID())
            logic.GetSliceCompositeNode().SetLinkedControl(True)
            logic.FitSliceToAll()


class RRLSRNTest(ScriptedLoadableModuleTest):
    """In-Slicer self-test: brain mask and super-resolution Logic on a small crop of MRHead."""

    def setUp(self):
        slicer.mrmlScene.Clear()

    def runTest(self):
        self.setUp()
        self.test_RRLSRN_mask_and_super_resolution()

    def test_RRLSRN_mask_and_super_resolution(self):
        import numpy as np
        import SampleData

        self.delayDisplay("Loading MRHead")
        head = SampleData.SampleDataLogic().downloadMRHead()
        logic = RRLSRNLogic(slicer.mrmlScene)

        # A small crop keeps the test quick on any CPU.
        roi = slicer.mrmlScene.AddNewNodeByClass("vtkMRMLMarkupsROINode")
        cropParams = slicer.mrmlScene.AddNewNodeByClass("vtkMRMLCropVolumeParametersNode")
        cropParams.SetInputVolumeNodeID(head.GetID())
        cropParams.SetROINodeID(roi.GetID())
        slicer.modules.cropvolume.logic().FitROIToInputVolume(cropParams)
        roi.SetSize(60, 60, 30)
        slicer.modules.cropvolume.logic().Apply(cropParams)
        volume = slicer.mrmlScene.GetNodeByID(cropParams.GetOutputVolumeNodeID())

        if missing_requirements(MASK_REQUIREMENTS):
            self.delayDisplay("Brain mask skipped: scikit-image is not installed (the panel installs it)")
        else:
            self.delayDisplay("Brain mask from one point")
            center = [0.0, 0.0, 0.0]
            roi.GetCenter(center)
            inside = slicer.mrmlScene.AddNewNodeByClass("vtkMRMLMarkupsFiducialNode", "inside")
            inside.AddControlPoint(center)
            segmentation, segmentId = logic.create_brain_mask(volume, inside)
            mask = slicer.util.arrayFromSegmentBinaryLabelmap(segmentation, segmentId, volume)
            self.assertGreater(int(mask.sum()), 0)

        if slicer.app.commandOptions().testingEnabled and missing_requirements():
            self.delayDisplay("Super-resolution skipped in --testing mode: dependencies are not installed")
            return
        self.delayDisplay("Super-resolution ×2")
        before = slicer.util.arrayFromVolume(volume).copy()
        started = time.time()
        out = logic.super_resolve(volume, SuperResolutionSettings(device="cpu"))
        inBounds, outBounds = [0.0] * 6, [0.0] * 6
        volume.GetRASBounds(inBounds)
        out.GetRASBounds(outBounds)
        self.assertTrue(np.allclose(inBounds, outBounds, atol=1e-3))
        self.assertEqual(slicer.util.arrayFromVolume(out).size, 4 * before.size)
        self.assertTrue(np.array_equal(slicer.util.arrayFromVolume(volume), before))
        self.delayDisplay(f"Test passed ({time.time() - started:.1f} s for super-resolution)")
