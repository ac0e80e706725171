"""The result view: input and output side by side, both showing the acquired slices (no Qt).

``setLayout(SideBySideView)`` keeps each view's own orientation (Yellow is sagittal by default),
which would put an axial input beside a sagittal output; here both views get the plane of the
input's slices, aligned with its voxel grid, and are linked so that they scroll and zoom together.
"""
from __future__ import annotations

from rrlsrn import geometry

from .nodes import grid_of_node


def acquisition_plane(volume_node, slice_axis: str = "auto") -> str:
    """The slice-view orientation preset that shows the volume's slices ("Axial", "Coronal", "Sagittal")."""
    grid = grid_of_node(volume_node)
    return geometry.anatomical_plane(grid, geometry.choose_slice_axis(grid.spacing, slice_axis, grid.size))


def show_side_by_side(views, input_node, output_node, slice_axis: str = "auto") -> str:
    """Show ``input_node`` in the first and ``output_node`` in the second of ``views`` — pairs of
    (vtkMRMLSliceNode, vtkMRMLSliceCompositeNode) — in the input's acquisition plane, linked.
    Returns the orientation used. Fitting the views to the volumes is the caller's (it needs the
    views' sizes, known only after the layout has been shown)."""
    orientation = acquisition_plane(input_node, slice_axis)
    for (slice_node, composite_node), volume in zip(views, (input_node, output_node)):
        composite_node.SetBackgroundVolumeID(volume.GetID())
        composite_node.SetForegroundVolumeID(None)
        composite_node.SetLinkedControl(True)
        slice_node.SetOrientation(orientation)
        slice_node.RotateToVolumePlane(input_node)  # the acquired slices, not an oblique reformat
    return orientation
