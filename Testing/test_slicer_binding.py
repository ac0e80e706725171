"""The panel's parameter-node binding, checked against Slicer's own rules without Slicer.

``parameterNode.connectGui(self.ui)`` binds every .ui widget with a ``SlicerParameterName`` to the
field of that name; for a widget/type pair no GUI connector can represent it raises, and then
nothing on the panel is bound (Apply never enables). The pairs below were read in github
Slicer/Slicer, Base/Python/slicer/parameterNodeWrapper/guiConnectors.py, the ``canRepresent``
methods (identical at v5.10.0, v5.12.3 and main 583e9b37, 2026-08); widget types are compared
exactly (``type(widget) == ...``), so a subclass does not match.
"""
import ast
import enum
import sys
import xml.etree.ElementTree as ET

import pytest

from conftest import REPO

MODULE = REPO / "RRLSRNExtension" / "RRLSRN"

# widget class → value types its connector represents (guiConnectors.py, canRepresent).
CONNECTORS = {
    "QCheckBox": {"bool"}, "ctkCheckBox": {"bool"},                       # QCheckBoxToBoolConnector
    "QPushButton": {"bool"},                                               # QCheckablePushButtonToBoolConnector
    "ctkCheckablePushButton": {"bool"},                                    # ctkCheckablePushButtonToBoolConnector
    "QSlider": {"int"}, "QSpinBox": {"int"},                               # QSliderOrSpinBoxToIntConnector
    **{w: {"float", "int"} for w in ("QDoubleSpinBox", "ctkSliderWidget", "qMRMLSliderWidget", "ctkDoubleSlider",
                                     "ctkDoubleSpinBox", "qMRMLSpinBox")},  # QDoubleSpinBoxCtkSliderWidgetToFloatIntConnector
    "QComboBox": {"enum", "choice"}, "ctkComboBox": {"enum", "choice"},    # QComboBoxToEnumConnector, ...ToStringableConnector
    "QLineEdit": {"str"}, "QLabel": {"str"}, "QTextEdit": {"str"},        # QLineEdit/QLabel/QTextEditPlainTextToStrConnector
    **{w: {"FloatRange"} for w in ("ctkRangeWidget", "ctkDoubleRangeSlider", "qMRMLRangeWidget")},
    "ctkPathLineEdit": {"path"}, "ctkDirectoryButton": {"path"},          # ctkPathLineEditToPathConnector: pathlib only
    "qMRMLNodeComboBox": {"node"},                                         # qMRMLNodeComboBoxToNodeConnector
    "ctkColorPickerButton": {"QColor"},
}
# Spin boxes and sliders take their range from the annotation: without WithinRange (or Minimum and
# Maximum) a float gets −inf…inf and an int −2³¹…2³¹−1 whatever the .ui says; sliders refuse it.
RANGED_WIDGETS = {"QSlider", "QSpinBox", "QDoubleSpinBox", "ctkSliderWidget", "qMRMLSliderWidget", "ctkDoubleSlider",
                  "ctkDoubleSpinBox", "qMRMLSpinBox"}
PATH_TYPES = {"Path", "PosixPath", "WindowsPath", "PurePath", "PurePosixPath", "PureWindowsPath"}


def _name(node: ast.AST) -> str:
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


def field_kind(annotation: ast.AST, lib_enums: set[str]) -> tuple[str, set[str]]:
    """(kind, validator names) of a parameter-node annotation, as the connectors see it."""
    validators = set()
    if isinstance(annotation, ast.Subscript) and _name(annotation.value) == "Annotated":
        base, *extras = annotation.slice.elts
        validators = {_name(e.func) for e in extras if isinstance(e, ast.Call)}
        annotation = base
    name = _name(annotation)
    if "Choice" in validators:
        return "choice", validators
    if name in PATH_TYPES:
        return "path", validators
    if name.startswith("vtkMRML"):
        return "node", validators
    if name in lib_enums:
        return "enum", validators
    return name, validators


def parameter_fields(source: str) -> dict[str, ast.AST]:
    tree = ast.parse(source)
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "RRLSRNParameterNode")
    return {n.target.id: n.annotation for n in cls.body if isinstance(n, ast.AnnAssign)}


def lib_enums() -> set[str]:
    sys.path.insert(0, str(MODULE))
    pytest.importorskip("slicer", reason="slicer-core (test extra) is not installed")
    from RRLSRNLib import panel

    return {n for n, v in vars(panel).items() if isinstance(v, type) and issubclass(v, enum.Enum)}


def bound_widgets(ui_text: str) -> dict[str, str]:
    """SlicerParameterName → widget class, for every bound widget of a .ui."""
    return {p.find("string").text: w.get("class") for w in ET.fromstring(ui_text).iter("widget")
            for p in w.findall("property") if p.get("name") == "SlicerParameterName"}


def binding_problems(source: str, ui_text: str, enums: set[str]) -> list[str]:
    fields = parameter_fields(source)
    problems = []
    for parameter, widget in bound_widgets(ui_text).items():
        if parameter not in fields:
            problems.append(f"{parameter}: no such parameter-node field")
            continue
        kind, validators = field_kind(fields[parameter], enums)
        if widget not in CONNECTORS:
            problems.append(f"{parameter}: no GUI connector exists for {widget}")
        elif kind not in CONNECTORS[widget]:
            problems.append(f"{parameter}: {widget} cannot represent {kind} (it takes {sorted(CONNECTORS[widget])})")
        elif widget in RANGED_WIDGETS and not ({"WithinRange"} & validators or {"Minimum", "Maximum"} <= validators):
            problems.append(f"{parameter}: {widget} bound to an unbounded {kind}; annotate it with WithinRange")
    return problems


def test_every_bound_widget_has_a_connector_for_its_field():
    source = (MODULE / "RRLSRN.py").read_text()
    ui_text = (MODULE / "Resources" / "UI" / "RRLSRN.ui").read_text()
    assert len(bound_widgets(ui_text)) >= 14
    assert binding_problems(source, ui_text, lib_enums()) == []


def test_the_through_plane_section_is_bound_with_the_panels_ranges():
    """Factor and thickness spin boxes get their range from the annotation (the connector overwrites
    the .ui's), the profile combo box its items from the enum's labels."""
    bound = bound_widgets((MODULE / "Resources" / "UI" / "RRLSRN.ui").read_text())
    assert {name: bound.get(name) for name in ("throughPlane", "sliceThicknessMm", "sliceProfile", "consistency")} == {
        "throughPlane": "QDoubleSpinBox", "sliceThicknessMm": "QDoubleSpinBox", "sliceProfile": "QComboBox",
        "consistency": "QCheckBox"}
    fields = parameter_fields((MODULE / "RRLSRN.py").read_text())
    enums = lib_enums()  # makes RRLSRNLib importable
    from RRLSRNLib import panel

    assert within_range(fields["throughPlane"], panel) == (1.0, 8.0)
    assert within_range(fields["sliceThicknessMm"], panel) == (0.0, 50.0)
    assert field_kind(fields["sliceProfile"], enums)[0] == "enum"


def test_adapt_to_this_scan_is_bound_in_the_super_resolution_section():
    """The checkbox and its seconds spin box: bound to a bool and a ranged float (default off, 60 s),
    in the Super-resolution section (adaptation applies to in-plane runs too), not the through-plane
    one; the spin box follows the panel's adapt_seconds rule."""
    ui_text = (MODULE / "Resources" / "UI" / "RRLSRN.ui").read_text()
    bound = bound_widgets(ui_text)
    assert (bound.get("adapt"), bound.get("adaptSeconds")) == ("QCheckBox", "QDoubleSpinBox")
    sections = {w.get("name"): {c.get("name") for c in w.iter("widget")} for w in ET.fromstring(ui_text).iter("widget")
                if w.get("class") == "ctkCollapsibleButton"}
    assert {"adaptCheckBox", "adaptSecondsSpinBox"} <= sections["superResolutionCollapsibleButton"]
    assert not any("adapt" in name.lower() for name in sections["throughPlaneCollapsibleButton"] if name)
    tips = {w.get("name"): next((p.find("string").text for p in w.findall("property") if p.get("name") == "toolTip"), "")
            for w in ET.fromstring(ui_text).iter("widget") if w.get("name") in ("adaptCheckBox", "adaptSecondsSpinBox")}
    assert all("seconds" in tip and "per model" in tip for tip in tips.values()), tips

    source = (MODULE / "RRLSRN.py").read_text()
    fields = parameter_fields(source)
    enums = lib_enums()
    from RRLSRNLib import panel

    assert field_kind(fields["adapt"], enums)[0] == "bool" and field_kind(fields["adaptSeconds"], enums)[0] == "float"
    assert within_range(fields["adaptSeconds"], panel) == (5.0, 600.0)
    defaults = {n.target.id: ast.unparse(n.value) for n in ast.walk(ast.parse(source))
                if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name) and n.value is not None}
    assert defaults["adapt"] == "False" and defaults["adaptSeconds"] == "ADAPT_SECONDS_DEFAULT"
    assert panel.ADAPT_SECONDS_DEFAULT == 60.0
    # The Widget enables the spin box by the panel's rule and hands both fields to settings_from_panel.
    assert "self.ui.adaptSecondsSpinBox.enabled = state.adapt_seconds" in source
    assert "adapt=p.adapt, adapt_seconds=p.adaptSeconds" in source and "adapt=p.adapt)" in source


def within_range(annotation: ast.AST, namespace) -> tuple:
    """(minimum, maximum) of an ``Annotated[..., WithinRange(a, b)]`` or ``WithinRange(*NAME)`` (NAME
    read from ``namespace``)."""
    call = next(e for e in annotation.slice.elts[1:] if isinstance(e, ast.Call) and _name(e.func) == "WithinRange")
    if isinstance(call.args[0], ast.Starred):
        return tuple(getattr(namespace, _name(call.args[0].value)))
    return tuple(ast.literal_eval(a) for a in call.args)


def test_the_check_catches_the_defects_it_is_for():
    """A str bound to a ctkPathLineEdit (the panel that was dead on open), an unbounded margin
    spin box, a str on a combo box without Choice."""
    ui = """<ui><widget class="qMRMLWidget" name="w">
      <widget class="ctkPathLineEdit" name="a"><property name="SlicerParameterName" stdset="0"><string>weightsPath</string></property></widget>
      <widget class="ctkDoubleSpinBox" name="b"><property name="SlicerParameterName" stdset="0"><string>cropMarginMm</string></property></widget>
      <widget class="QComboBox" name="c"><property name="SlicerParameterName" stdset="0"><string>device</string></property></widget>
      <widget class="QCheckBox" name="d"><property name="SlicerParameterName" stdset="0"><string>nothing</string></property></widget>
    </widget></ui>"""
    source = ("class RRLSRNParameterNode:\n    weightsPath: str = ''\n    cropMarginMm: float = 10.0\n"
              "    device: str = 'auto'\n")
    problems = binding_problems(source, ui, set())
    assert len(problems) == 4, problems
    assert "ctkPathLineEdit cannot represent str" in problems[0]
    assert "unbounded" in problems[1] and "cannot represent str" in problems[2] and "no such" in problems[3]
    fixed = ("class RRLSRNParameterNode:\n    weightsPath: pathlib.Path\n"
             "    cropMarginMm: Annotated[float, WithinRange(0.0, 100.0)] = 10.0\n"
             "    device: Annotated[str, Choice(DEVICES)] = 'auto'\n    nothing: bool = False\n")
    assert binding_problems(fixed, ui, set()) == []


def test_unbound_fields_that_the_widget_syncs_by_hand_are_plain_values():
    """Fields without a widget binding are written by the Widget's code; their types must be ones
    the parameter node serialises (str, bool, float, int, an Enum, a node)."""
    fields = parameter_fields((MODULE / "RRLSRN.py").read_text())
    bound = bound_widgets((MODULE / "Resources" / "UI" / "RRLSRN.ui").read_text())
    enums = lib_enums()
    for name in set(fields) - set(bound):
        assert field_kind(fields[name], enums)[0] in {"str", "bool", "float", "int", "enum", "node"}, name
