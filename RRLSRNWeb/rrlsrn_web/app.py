"""The RRLSRN Web page: trame-slicer views of one MRML scene and the Slicer module's workflow.

Server-side rendering (VTK off-screen, EGL or OSMesa) of Slicer's own slice views, streamed as
images; every scene change goes through :class:`rrlsrn_web.session.WebSession`, which calls the
Slicer module's Logic. One scene per server (MRML's ``slicer.mrmlScene`` and the displayable
manager factories are process-wide): the first tab owns it, a second one is refused with a sentence.
"""
from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

if not os.environ.get("DISPLAY") and not os.environ.get("VTK_DEFAULT_OPENGL_WINDOW"):
    os.environ["VTK_DEFAULT_OPENGL_WINDOW"] = "vtkEGLRenderWindow"  # off-screen, no X server tried

import numpy as np
import slicer
from aiohttp import web
from trame.app import get_server
from trame.ui.vuetify3 import SinglePageWithDrawerLayout
from trame.widgets import client, html
from trame.widgets import vuetify3 as v3
from trame_slicer import module as trame_slicer_module
from trame_slicer.core import LayoutManager, SlicerApp
from trame_slicer.rca_view import register_rca_factories
from trame_slicer.views import Layout, LayoutDirection, ViewLayoutDefinition
from wslink.websocket import LinkProtocol

from .session import INSIDE, OUTSIDE, Ownership, WebSession, one_sentence
from RRLSRNLib import panel, views as lib_views  # noqa: E402  (made importable by .session)
from RRLSRNLib.headless import wire_modules  # noqa: E402
from rrlsrn import geometry  # noqa: E402  (the core, made importable by .session)
log = logging.getLogger("rrlsrn_web")

PLANES, COMPARE = "planes", "compare"
PLANE_VIEWS = ("Red", "Green", "Yellow")
COMPARE_VIEWS = ("Input", "Output")


def wire_slicer_modules(app: SlicerApp) -> None:
    """Make the SlicerApp's scene and logics what ``slicer.mrmlScene`` / ``slicer.modules.<name>.logic()``
    return, as Slicer's application does (slicer.util's segment helpers, used by the Logic, need them)."""
    wire_modules(app.scene, {"colors": app.color_logic, "volumes": app.volumes_logic,
                             "segmentations": app.segmentations_logic, "subjecthierarchy": app.subject_hierarchy_logic})


class _ConnectionWatch(LinkProtocol):
    def __init__(self, web_app: "RRLSRNWebApp"):
        super().__init__()
        self.web_app = web_app

    def onConnect(self, request, client_id):  # noqa: N802 - wslink's names
        self.web_app.ownership.connected(client_id)

    def onClose(self, client_id):  # noqa: N802
        if self.web_app.ownership.closed(client_id):
            with self.web_app.state:
                self.web_app.state.owner_token = None


class RRLSRNWebApp:
    """The server: one SlicerApp (scene, views), one WebSession, the page and the download routes."""

    def __init__(self, server=None, *, python: str | None = None):
        self.server = server or get_server("rrlsrn_web", client_type="vue3")
        self.server.enable_module(trame_slicer_module)
        self.state, self.ctrl = self.server.state, self.server.controller
        self.slicer_app = SlicerApp()
        wire_slicer_modules(self.slicer_app)
        self.session = WebSession(self.slicer_app.scene, python=python)
        self.ownership = Ownership()
        self._poll_task = None
        self._linking = False

        register_rca_factories(self.slicer_app.view_manager, self.server, slice_view_ui_f=_slice_gutter)
        self.layout_manager = LayoutManager(self.slicer_app.scene, self.slicer_app.view_manager, self.server)
        self.layout_manager.register_layout(PLANES, Layout(LayoutDirection.Horizontal, [
            ViewLayoutDefinition.axial_view("Red"), ViewLayoutDefinition.coronal_view("Green"),
            ViewLayoutDefinition.sagittal_view("Yellow")], flex_sizes=["2", "1", "1"]))
        self.layout_manager.register_layout(COMPARE, Layout(LayoutDirection.Horizontal, [
            ViewLayoutDefinition.slice_view("Axial", label="Input", color="#4a90d9"),
            ViewLayoutDefinition.slice_view("Axial", label="Output", color="#d98a4a")]))
        for view in self.slicer_app.view_manager.get_views():
            view.render_window().SetMultiSamples(0)  # no anti-aliasing: software rendering on CPUs
        self.views["Input"].modified.connect(lambda v: self._link(v, self.views["Output"]))
        self.views["Output"].modified.connect(lambda v: self._link(v, self.views["Input"]))

        self._initial_state()
        self._build_ui()
        self.layout_manager.set_layout(PLANES)
        self.server.add_protocol_to_configure(lambda protocol: protocol.registerLinkProtocol(_ConnectionWatch(self)))
        self.ctrl.on_server_bind.add(self._add_routes)
        self.ctrl.trigger("claim")(self.claim)

    # ------------------------------------------------------------------ plumbing

    @property
    def views(self) -> dict:
        return {v.get_singleton_tag(): v for v in self.slicer_app.view_manager.get_slice_views()}

    def _connection(self):
        web_app = getattr(self.server, "_server", None)
        return getattr(web_app, "last_active_client_id", None)

    def claim(self, token: str) -> None:
        if self.ownership.claim(self._connection(), token):
            self.state.owner_token = token
            self._refresh()
            self._fit_soon()  # the views have their size once the page shows them

    def _guard(self, action):
        """Run a page action for the owning tab; errors become one sentence in the page."""
        if not self.ownership.allows(self._connection()):
            self.state.error = Ownership.REFUSAL
            return False
        try:
            action()
            self.state.error = ""
            return True
        except ValueError as error:
            self.state.error = one_sentence(error)
        except Exception as error:  # noqa: BLE001 - the page must say something, whatever broke
            log.exception("action failed")
            self.state.error = one_sentence(f"Something went wrong: {error}")
        finally:
            self._refresh()
        return False

    def _initial_state(self) -> None:
        s = self.state
        s.trame__title = "RRLSRN Web"
        s.update(dict(
            owner_token=None, tab_token="", error="", message="Open a volume to begin.", warning="",
            volume_path="", spacing="", spacing_from_name=False, upload=None,
            place_mode="none", n_inside=0, n_outside=0, brain_voxels=0,
            mask_outside=False, crop_to_brain=False, crop_margin=5.0,
            scale=2, device="auto", slice_axis="auto", devices=list(panel.DEVICES), slice_axes=list(panel.SLICE_AXES),
            through_plane=1.0, slice_thickness=0.0, slice_profile=panel.SliceProfile.GAUSSIAN.value, consistency=False,
            adapt=False, adapt_seconds=panel.ADAPT_SECONDS_DEFAULT,
            slice_profiles=[{"title": p.label(), "value": p.value} for p in panel.SliceProfile],
            running=False, progress=0.0, has_input=False, has_output=False, layout_name=PLANES,
            window=1.0, level=0.5, wl_min=0.0, wl_max=1.0, slice_index=0, slice_max=0,
            can_mask=False, can_apply=False, options_enabled=True, mask_options=False, apply_text="Apply",
            input_info="", output_info="",
        ))
        s.client_only("tab_token")
        for name, handler in [("window", self._on_window_level), ("level", self._on_window_level),
                              ("slice_index", self._on_slice_index), ("place_mode", self._on_place_mode),
                              ("upload", self._on_upload), ("layout_name", self._on_layout)]:
            s.change(name)(handler)

    def _refresh(self) -> None:
        """Copy the session's state to the page."""
        s, session = self.state, self.session
        controls = session.controls(crop_to_brain=bool(s.crop_to_brain))
        s.has_input = session.input_node is not None
        s.has_output = session.output_node is not None and session.output_node.GetScene() is session.scene
        s.n_inside, s.n_outside = session.point_count(INSIDE), session.point_count(OUTSIDE)
        s.can_mask, s.can_apply = controls.create_mask, controls.apply
        s.apply_text, s.options_enabled, s.mask_options = controls.apply_text, controls.options, controls.mask_outside
        s.running = session.running
        s.message, s.warning = session.message, session.warning
        s.input_info = _info(session.input_node)
        s.output_info = _info(session.output_node) if s.has_output else ""

    # ------------------------------------------------------------------ actions

    def open_path(self, path: str | None = None) -> None:
        self._guard(lambda: self._open(path or self.state.volume_path))

    def _open(self, path, *, spacing=None, spacing_from_name=None) -> None:
        self.state.place_mode = "none"
        self.slicer_app.markups_logic.disable_place_mode()
        spacing = self.state.spacing if spacing is None else spacing
        from_name = bool(self.state.spacing_from_name) if spacing_from_name is None else spacing_from_name
        node = self.session.open_volume(Path(str(path).strip()).expanduser(), spacing=spacing or None,
                                        spacing_from_name=from_name)
        for kind in (INSIDE, OUTSIDE):
            self.session.points_node(kind).AddObserver("ModifiedEvent", lambda *_: self._points_changed())
        self._restrict_displays()
        self._show_input(node)

    def _restrict_displays(self) -> None:
        """Points in the three planes only; the brain segment there and over the result's input view;
        nothing over the super-resolved output."""
        views = self.views
        plane_ids = [views[t].get_view_node().GetID() for t in PLANE_VIEWS]
        for node in self.session.points.values():
            if node is not None and node.GetDisplayNode() is not None:
                node.GetDisplayNode().SetViewNodeIDs(plane_ids)
        segmentation = self.session.segmentation_node
        if segmentation is not None and segmentation.GetDisplayNode() is not None:
            display = segmentation.GetDisplayNode()
            display.SetViewNodeIDs([*plane_ids, views["Input"].get_view_node().GetID()])
            display.SetOpacity2DFill(0.25)
            display.SetOpacity2DOutline(1.0)

    def open_initial(self, path, spacing=None, spacing_from_name=False) -> None:
        """The ``--input`` volume, opened before any tab connects."""
        self._open(path, spacing=spacing or "", spacing_from_name=spacing_from_name)
        self._refresh()

    def _on_upload(self, upload=None, **_):
        if not upload:
            return
        files = upload if isinstance(upload, list) else [upload]

        def action():
            from trame_slicer.utils import write_client_files_to_dir

            folder = self.session.workdir / "uploads"
            folder.mkdir(parents=True, exist_ok=True)
            written = write_client_files_to_dir(files, folder)
            self._open(written[0])
        self._guard(action)

    def use_spacing_from_name(self) -> None:
        def action():
            self.session.use_spacing_from_name()
            self._show_input(self.session.input_node)
        self._guard(action)

    def _points_changed(self) -> None:
        with self.state:
            self.state.n_inside = self.session.point_count(INSIDE)
            self.state.n_outside = self.session.point_count(OUTSIDE)
            self.state.can_mask = self.session.controls().create_mask

    def _on_place_mode(self, place_mode="none", **_):
        markups = self.slicer_app.markups_logic
        if place_mode in (INSIDE, OUTSIDE) and self.session.input_node is not None:
            markups.place_node(self.session.points_node(place_mode), persistent=True)
        else:
            markups.disable_place_mode()

    def clear_points(self) -> None:
        self._guard(self.session.clear_points)

    def create_mask(self) -> None:
        def action():
            self.state.place_mode = "none"
            self.session.create_brain_mask()
            self.state.brain_voxels = self.session.brain_voxels()
            self._restrict_displays()
        self._guard(action)

    def apply_or_cancel(self) -> None:
        if self.session.running:
            self._guard(self.session.cancel)
            return

        def action():
            self.session.start(scale=int(self.state.scale), device=self.state.device, slice_axis=self.state.slice_axis,
                               mask_outside=bool(self.state.mask_outside), crop_to_brain=bool(self.state.crop_to_brain),
                               crop_margin_mm=float(self.state.crop_margin or 0.0),
                               through_plane=float(self.state.through_plane or 1.0),
                               slice_thickness_mm=float(self.state.slice_thickness or 0.0),
                               slice_profile=self.state.slice_profile, consistency=bool(self.state.consistency),
                               adapt=bool(self.state.adapt),
                               adapt_seconds=_number(self.state.adapt_seconds, panel.ADAPT_SECONDS_DEFAULT))
            self.state.progress = 0.0
            self._poll_task = asyncio.ensure_future(self._poll())
        self._guard(action)

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(0.4)
            with self.state:
                outcome = self.session.poll()
                if outcome is None:
                    return
                self.state.progress = round(100 * outcome.progress, 1)
                self._refresh()
                if outcome.state is panel.RunState.RUNNING:
                    continue
                if outcome.state is panel.RunState.DONE:
                    self._show_result()
                elif outcome.state is panel.RunState.FAILED:
                    self.state.error = one_sentence(outcome.message)
                return

    # ------------------------------------------------------------------ views

    def _show_input(self, node) -> None:
        display = node.GetDisplayNode()
        array = np.asarray(slicer.util.arrayFromVolume(node), np.float64)
        low, high = np.percentile(array, [0.5, 99.5]) if array.size else (0.0, 1.0)
        lo, hi = float(array.min()), float(array.max())
        display.SetAutoWindowLevel(False)
        display.SetWindowLevel(max(high - low, 1e-6), (high + low) / 2)
        views = self.views
        plane = lib_views.acquisition_plane(node, self.state.slice_axis)
        others = [p for p in ("Axial", "Coronal", "Sagittal") if p != plane]
        for tag, orientation in zip(PLANE_VIEWS, (plane, *others)):
            views[tag].set_orientation(orientation)
            views[tag].get_view_node().RotateToVolumePlane(node)
        for tag in (*PLANE_VIEWS, *COMPARE_VIEWS):
            views[tag].set_background_volume_id(node.GetID() if tag != "Output" else None)
            views[tag].set_foreground_volume_id(None)
        with self.state:
            self.state.wl_min, self.state.wl_max = lo, max(hi, lo + 1e-6)
            self.state.window, self.state.level = float(display.GetWindow()), float(display.GetLevel())
            self.state.slice_max = int(node.GetImageData().GetDimensions()[self._slice_axis()] - 1)
            self.state.layout_name = PLANES
        self.layout_manager.set_layout(PLANES)
        self._fit_soon()
        self.state.slice_index = self.state.slice_max // 2
        self._on_slice_index(self.state.slice_index)

    def _show_result(self) -> None:
        views = self.views
        pairs = [(views[t].get_view_node(), _composite_node(views[t])) for t in COMPARE_VIEWS]
        lib_views.show_side_by_side(pairs, self.session.input_node, self.session.output_node, self.state.slice_axis)
        self.state.layout_name = COMPARE
        self.layout_manager.set_layout(COMPARE)
        self._on_window_level()
        self._fit_soon()
        self._on_slice_index(self.state.slice_index)

    def _on_layout(self, layout_name=PLANES, **_):
        if layout_name == COMPARE and not self.state.has_output:
            self.state.layout_name = PLANES
            return
        self.layout_manager.set_layout(layout_name)
        self._fit_soon()

    def _fit_soon(self) -> None:
        async def fit():
            for delay in (0.05, 0.5, 1.5):
                await asyncio.sleep(delay)
                for view in self.views.values():
                    if view.get_background_volume_id():
                        view.fit_view_to_content()
                self._on_slice_index(self.state.slice_index)
        asyncio.ensure_future(fit())

    def _slice_axis(self) -> int:
        node = self.session.input_node
        grid = lib_views.grid_of_node(node)
        return geometry.choose_slice_axis(grid.spacing, self.state.slice_axis, grid.size)

    def _on_slice_index(self, slice_index=0, **_):
        node = self.session.input_node
        if node is None:
            return
        dims = node.GetImageData().GetDimensions()
        index = [(d - 1) / 2 for d in dims]
        axis = self._slice_axis()
        index[axis] = min(max(int(slice_index or 0), 0), dims[axis] - 1)
        matrix = _vtk_matrix(node, "IJKToRAS")
        ras = matrix.MultiplyPoint([*index, 1.0])[:3]
        for tag in ("Red", *COMPARE_VIEWS):
            self.views[tag].get_view_node().JumpSliceByOffsetting(*ras)

    def _link(self, source, target) -> None:
        """The two result views scroll together (same plane, same grid bounds)."""
        if self._linking or not target.get_background_volume_id():
            return
        self._linking = True
        try:
            target.set_slice_value(source.get_slice_value())
        finally:
            self._linking = False

    def _on_window_level(self, **_):
        for node in (self.session.input_node, self.session.output_node):
            if node is not None and node.GetScene() is self.session.scene and node.GetDisplayNode() is not None:
                node.GetDisplayNode().SetAutoWindowLevel(False)
                node.GetDisplayNode().SetWindowLevel(float(self.state.window), float(self.state.level))

    # ------------------------------------------------------------------ HTTP routes

    def _add_routes(self, wslink_server) -> None:
        wslink_server.app.router.add_get("/download/{what}", self._download)
        wslink_server.app.router.add_get("/api/scene", self._scene_json)

    async def _download(self, request):
        try:
            path = self.session.export(request.match_info["what"])
        except ValueError as error:
            return web.Response(status=404, text=one_sentence(error))
        return web.FileResponse(path, headers={"Content-Disposition": f'attachment; filename="{path.name}"'})

    async def _scene_json(self, request):
        summary = self.session.summary()
        summary["views"] = {}
        for tag, view in self.views.items():
            slice_node = view.get_view_node()
            xy_to_ras = slice_node.GetXYToRAS()
            summary["views"][tag] = {
                "orientation": view.get_orientation(), "dimensions": list(slice_node.GetDimensions()),
                "xy_to_ras": [[xy_to_ras.GetElement(r, c) for c in range(4)] for r in range(4)],
                "background": view.get_background_volume_id()}
        summary["layout"] = self.layout_manager.layout_id
        summary["error"] = self.state.error
        summary["multisamples"] = sorted({v.render_window().GetMultiSamples() for v in self.views.values()})
        return web.json_response(summary)

    # ------------------------------------------------------------------ page

    def _build_ui(self) -> None:
        owned = "owner_token && owner_token === tab_token"
        with SinglePageWithDrawerLayout(self.server, theme="dark") as layout:
            layout.title.set_text("RRLSRN Web — brain mask and super-resolution of fetal brain MRI")
            client.ClientTriggers(mounted="tab_token = Math.random().toString(36).slice(2) + Date.now().toString(36);"
                                          " trigger('claim', [tab_token])")
            with layout.toolbar:
                v3.VSpacer()
                v3.VProgressLinear(v_if="running", model_value=("progress",), color="orange", height=6,
                                   style="max-width: 240px", classes="mr-2", id="progress")
                html.Span("{{ running ? progress.toFixed(0) + ' %' : '' }}", classes="mr-4 text-caption")
            with layout.drawer as drawer:
                drawer.width = 360
                with html.Div(v_if=owned, classes="pa-3 d-flex flex-column ga-2"):
                    self._volume_section()
                    self._brain_section()
                    self._sr_section()
            with layout.content:
                with html.Div(v_if=owned, style="height: calc(100vh - 64px); display: flex; flex-direction: column;"):
                    v3.VAlert(v_if="error", text=("error",), type="error", density="compact", id="error",
                              closable=True, classes="ma-1")
                    v3.VAlert(v_if="warning", text=("warning",), type="warning", density="compact", id="warning",
                              classes="ma-1")
                    html.Div("{{ message }}", id="message", classes="px-2 text-body-2")
                    with html.Div(style="flex: 1 1 auto; min-height: 0; position: relative;", id="views"):
                        self.layout_manager.initialize_layout_grid(layout)
                with html.Div(v_else=True, classes="pa-6", id="refused"):
                    v3.VAlert(v_if="owner_token", type="info", id="refusal", text=Ownership.REFUSAL)
                    html.Div("The scene of this server is free: press \"Use it here\" to work in this tab.",
                             v_else=True, id="free")
                    v3.VBtn("Use it here", click="trigger('claim', [tab_token])", classes="mt-2", id="take-over")

    def _volume_section(self) -> None:
        html.Div("1 · Volume", classes="text-subtitle-2")
        v3.VTextField(v_model=("volume_path",), label="Volume on the server (path)", density="compact",
                      hide_details=True, id="volume-path", disabled=("running",),
                      keyup_enter=self.open_path)
        with html.Div(classes="d-flex ga-2 align-center"):
            v3.VTextField(v_model=("spacing",), label="Spacing x,y,z mm (optional)", density="compact",
                          hide_details=True, id="spacing", disabled=("running",))
            v3.VCheckbox(v_model=("spacing_from_name",), label="from name", density="compact", hide_details=True,
                         id="spacing-from-name", disabled=("running",))
        v3.VBtn("Open", click=self.open_path, id="open", disabled=("running",), block=True, color="primary")
        v3.VFileInput(v_model=("upload",), label="…or upload a volume (NIfTI/NRRD)", density="compact",
                      hide_details=True, id="upload", disabled=("running",), show_size=True)
        v3.VBtn("Use spacing from file name", v_if="warning", click=self.use_spacing_from_name, id="use-name-spacing",
                block=True, variant="tonal")
        html.Div("{{ input_info }}", classes="text-caption", id="input-info")
        with html.Div(v_if="has_input"):
            v3.VSlider(v_model=("window",), min=0, max=("wl_max - wl_min",), label="Window", density="compact",
                       hide_details=True, id="window")
            v3.VSlider(v_model=("level",), min=("wl_min",), max=("wl_max",), label="Level", density="compact",
                       hide_details=True, id="level")
            v3.VTextField(v_model_number=("slice_index",), type="number", label=("`Slice (0–${slice_max})`",),
                          density="compact", hide_details=True, id="slice-index", min=0, max=("slice_max",))

    def _brain_section(self) -> None:
        v3.VDivider(classes="my-1")
        html.Div("2 · Brain (optional)", classes="text-subtitle-2")
        with v3.VBtnToggle(v_model=("place_mode",), density="compact", divided=True, mandatory=True, color="primary",
                           disabled=("!has_input || running",), id="place-mode"):
            v3.VBtn("Look", value="none", id="place-none")
            v3.VBtn("Inside {{ n_inside }}", value=INSIDE, id="place-inside", color="green")
            v3.VBtn("Outside {{ n_outside }}", value=OUTSIDE, id="place-outside", color="red")
        html.Div("Choose Inside, then click a few points inside the brain in the views (Outside: points outside "
                 "it); scroll with the wheel or the Slice field, drag to change window/level.", classes="text-caption")
        with html.Div(classes="d-flex ga-2"):
            v3.VBtn("Create brain mask", click=self.create_mask, disabled=("!can_mask",), id="create-mask",
                    color="green", variant="tonal")
            v3.VBtn("Clear points", click=self.clear_points, disabled=("running || (!n_inside && !n_outside)",),
                    id="clear-points", variant="text")
        html.Div("{{ brain_voxels ? 'Brain mask: ' + brain_voxels + ' voxels' : '' }}", classes="text-caption",
                 id="brain-info")
        v3.VCheckbox(v_model=("mask_outside",), label="Set voxels outside the brain to zero", density="compact",
                     hide_details=True, disabled=("!mask_options",), id="mask-outside")
        with html.Div(classes="d-flex ga-2 align-center"):
            v3.VCheckbox(v_model=("crop_to_brain",), label="Crop to brain +", density="compact", hide_details=True,
                         disabled=("!mask_options",), id="crop")
            v3.VTextField(v_model_number=("crop_margin",), type="number", suffix="mm", density="compact",
                          hide_details=True, disabled=("!mask_options || !crop_to_brain",), id="crop-margin",
                          style="max-width: 110px")

    def _sr_section(self) -> None:
        v3.VDivider(classes="my-1")
        html.Div("3 · Super-resolution", classes="text-subtitle-2")
        with v3.VBtnToggle(v_model=("scale",), density="compact", divided=True, mandatory=True, color="primary",
                           disabled=("!options_enabled",), id="scale"):
            v3.VBtn("×1", value=(1,), id="scale-1", title=panel.Scale.X1.label())
            v3.VBtn("×2", value=(2,), id="scale-2")
            v3.VBtn("×4", value=(4,), id="scale-4")
        with html.Div(classes="d-flex ga-2"):
            v3.VSelect(v_model=("device",), items=("devices",), label="Device", density="compact", hide_details=True,
                       disabled=("!options_enabled",), id="device")
            v3.VSelect(v_model=("slice_axis",), items=("slice_axes",), label="Slice axis", density="compact",
                       hide_details=True, disabled=("!options_enabled",), id="slice-axis")
        self._adapt_controls()
        self._through_plane_controls()
        v3.VBtn("{{ apply_text }}", click=self.apply_or_cancel, disabled=("!can_apply",), id="apply", block=True,
                color=("running ? 'orange' : 'primary'",))
        html.Div("{{ output_info }}", classes="text-caption", id="output-info")
        with html.Div(classes="d-flex ga-2"):
            v3.VBtn("Download output", href="download/output", raw_attrs=["download"], disabled=("!has_output",),
                    id="download-output", variant="tonal", size="small")
            v3.VBtn("Download mask", href="download/mask", raw_attrs=["download"], disabled=("!brain_voxels",),
                    id="download-mask", variant="tonal", size="small")
        with v3.VBtnToggle(v_model=("layout_name",), density="compact", divided=True, mandatory=True,
                           v_if="has_output", id="layout"):
            v3.VBtn("Input planes", value=PLANES, id="layout-planes")
            v3.VBtn("Side by side", value=COMPARE, id="layout-compare")


    def _adapt_controls(self) -> None:
        """The Slicer panel's "Adapt to this scan" box and its seconds (in-plane and through-plane alike)."""
        low, high = panel.ADAPT_SECONDS_RANGE
        with html.Div(classes="d-flex ga-2 align-center"):
            v3.VCheckbox(v_model=("adapt",), label="Adapt to this scan", density="compact", hide_details=True,
                         disabled=("!options_enabled",), id="adapt",
                         title="Before super-resolving, fine-tune each model the run uses (in-plane, and "
                               "through-plane with a factor above 1) on this scan's own slices; costs the "
                               "seconds set here per model")
            v3.VTextField(v_model_number=("adapt_seconds",), type="number", label="Seconds per model",
                          suffix="s", raw_attrs=[f'min="{low:g}"', f'max="{high:g}"', 'step="10"'],
                          density="compact", hide_details=True,
                          disabled=("!options_enabled || !adapt",),  # the panel's adapt_seconds
                          id="adapt-seconds", style="max-width: 150px",
                          title="How long each model is fine-tuned on this scan: the run takes about this "
                                "much longer per model")

    def _through_plane_controls(self) -> None:
        """The Slicer panel's Through-plane section: the factor, and the options that apply only with one."""
        low, high = panel.THROUGH_PLANE_RANGE
        thin, thick = panel.SLICE_THICKNESS_RANGE_MM
        off = "!options_enabled || !(through_plane > 1)"  # the panel's through_plane_options
        with html.Div(classes="d-flex ga-2 align-center"):
            v3.VTextField(v_model_number=("through_plane",), type="number", label=f"Through-plane ×F ({low:g} = off)",
                          raw_attrs=[f'min="{low:g}"', f'max="{high:g}"', 'step="0.5"'], density="compact",
                          hide_details=True, disabled=("!options_enabled",), id="through-plane",
                          title="More, thinner slices: round(n·F) slices over the same extent as the input's n")
            v3.VTextField(v_model_number=("slice_thickness",), type="number", label="Thickness (0 = spacing)",
                          suffix="mm", raw_attrs=[f'min="{thin:g}"', f'max="{thick:g}"', 'step="0.5"'],
                          density="compact", hide_details=True, disabled=(off,), id="slice-thickness",
                          title="The acquired slice thickness when it differs from the slice spacing")
        with html.Div(classes="d-flex ga-2 align-center"):
            v3.VSelect(v_model=("slice_profile",), items=("slice_profiles",), label="Slice profile", density="compact",
                       hide_details=True, disabled=(off,), id="slice-profile")
            v3.VCheckbox(v_model=("consistency",), label="Consistent with input", density="compact",
                         hide_details=True, disabled=(off,), id="consistency",
                         title="Measured with the slice profile, the output reproduces the input slices")


def _slice_gutter(server, view_id, view) -> None:
    """The view's name and its slice slider (no 3D button: this app has no 3D view)."""
    from trame_slicer.app.logic.slice_view_logic import connect_slice_view_slider_to_state
    from trame_slicer.app.ui.slider import Slider

    html.Div(view.get_singleton_tag(), classes="text-caption",
             style="position: absolute; top: 2px; left: 6px; color: #ddd; pointer-events: none;")
    with html.Div(style="position: absolute; bottom: 0; left: 0; width: 100%; background-color: transparent;"):
        Slider(classes="slice-slider", typed_state=connect_slice_view_slider_to_state(server, view), theme="dark",
               dense=True)


def _composite_node(view):
    logic = getattr(view, "_logic", None)
    if logic is not None and hasattr(logic, "GetSliceCompositeNode"):
        return logic.GetSliceCompositeNode()
    name = view.get_view_node().GetLayoutName()
    scene = view.get_view_node().GetScene()
    for n in range(scene.GetNumberOfNodesByClass("vtkMRMLSliceCompositeNode")):
        node = scene.GetNthNodeByClass(n, "vtkMRMLSliceCompositeNode")
        if node.GetLayoutName() == name:
            return node
    raise RuntimeError(f"the slice view {name} has no composite node.")


def _vtk_matrix(node, which: str):
    import vtk

    matrix = vtk.vtkMatrix4x4()
    getattr(node, f"Get{which}Matrix")(matrix)
    return matrix


def _number(value, empty: float) -> float:
    """A number field's value (``empty`` when the field was cleared); the session refuses one out of range."""
    return empty if value is None or (isinstance(value, str) and not value.strip()) else float(value)


def _info(node) -> str:
    if node is None:
        return ""
    dims = node.GetImageData().GetDimensions()
    return f"{node.GetName()}: {' × '.join(map(str, dims))} voxels, {' × '.join(f'{s:.3g}' for s in node.GetSpacing())} mm"
