"""Volume nodes ↔ SimpleITK images with the exact geometry (no Qt).

slicer.util's ITK helpers flip the direction but not the origin between LPS and RAS
(FIELD_NOTES §5), so the grid goes through ``rrlsrn.geometry.Grid`` explicitly.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import numpy as np
import SimpleITK as sitk
import slicer
import vtk

from rrlsrn import geometry


def grid_of_node(node) -> "geometry.Grid":
    """The grid of a volume node in its own (untransformed) RAS space."""
    matrix = vtk.vtkMatrix4x4()
    node.GetIJKToRASMatrix(matrix)
    m = np.array([[matrix.GetElement(r, c) for c in range(4)] for r in range(4)])
    return geometry.Grid.from_ijk_to_ras(m, node.GetImageData().GetDimensions())


def image_from_node(node) -> sitk.Image:
    """A copy of a scalar volume node as a SimpleITK image (LPS geometry, same voxel type)."""
    array = slicer.util.arrayFromVolume(node)
    return grid_of_node(node).apply_to(sitk.GetImageFromArray(np.array(array)))


@contextmanager
def no_leftover_display_nodes(scene) -> Iterator[None]:
    """Remove the display nodes that slicer.util's segment import/export leaves behind meanwhile:
    it adds a temporary labelmap volume and removes it, but in a scene without Slicer's application
    (slicer-core: tests, the web app) its vtkMRMLLabelMapVolumeDisplayNode stays."""
    def display_nodes() -> set[str]:
        return {scene.GetNthNodeByClass(n, "vtkMRMLDisplayNode").GetID()
                for n in range(scene.GetNumberOfNodesByClass("vtkMRMLDisplayNode"))}

    before = display_nodes()
    try:
        yield
    finally:
        for node_id in display_nodes() - before:
            node = scene.GetNodeByID(node_id)
            if node is not None and node.IsA("vtkMRMLLabelMapVolumeDisplayNode") and node.GetDisplayableNode() is None:
                scene.RemoveNode(node)


def segment_array(segmentation_node, segment_id: str, reference_node) -> np.ndarray:
    """A segment as a boolean array [k, j, i] on the reference volume's grid (the scene unchanged)."""
    with no_leftover_display_nodes(segmentation_node.GetScene()):
        return np.asarray(slicer.util.arrayFromSegmentBinaryLabelmap(segmentation_node, segment_id, reference_node)) > 0


def image_from_segment(segmentation_node, segment_id: str, reference_node) -> sitk.Image:
    """A segment as a uint8 mask on the reference volume's grid."""
    array = segment_array(segmentation_node, segment_id, reference_node)
    return grid_of_node(reference_node).apply_to(sitk.GetImageFromArray(array.astype(np.uint8)))


def update_node_from_image(node, image: sitk.Image) -> None:
    """Set a volume node's voxels and IJKToRAS from an image (updateVolumeFromArray alone keeps
    the old spacing, so the matrix is set after)."""
    slicer.util.updateVolumeFromArray(node, sitk.GetArrayFromImage(image))
    matrix = vtk.vtkMatrix4x4()
    ras = geometry.Grid.of(image).ijk_to_ras
    for r in range(4):
        for c in range(4):
            matrix.SetElement(r, c, ras[r, c])
    node.SetIJKToRASMatrix(matrix)
    node.Modified()
