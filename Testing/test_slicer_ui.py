"""Static check of the module's Qt Designer file against a source-cited table of Qt/CTK/Slicer classes.

Desktop 3D Slicer cannot run here, and a scripted module's .ui is loaded at run time by QUiLoader
(slicer.util.loadUI), where a misspelt property or enum value costs at most a warning in the log and
a widget that keeps its default: nothing would fail until a person looked at the panel.  So
``problems()`` reads the .ui as XML and checks every class, custom widget declaration, property
(name, value kind, enum value), layout item and signal/slot connection against
``slicer_designer_classes`` (see its docstring for where each fact was read).  No Qt, no Slicer,
no data: it runs in milliseconds.

Connections to the top-level widget are checked against its declared class (e.g. qMRMLWidget): in a
scripted module QUiLoader creates exactly that class, so the form's <class> name has no slots.
"""
import re
import xml.parsers.expat

import pytest
from conftest import REPO
from slicer_designer_classes import (
    CLASSES,
    ENUMS,
    FLAGS,
    ITEM_ATTRIBUTES,
    LAYOUT_ATTRIBUTES,
    VALUE_ELEMENTS,
)

UI_PATH = REPO / "RRLSRNExtension" / "RRLSRN" / "Resources" / "UI" / "RRLSRN.ui"


# ---------------------------------------------------------------------------------------------
# A tiny XML tree that remembers line numbers (xml.etree does not).

class Node:
    __slots__ = ("tag", "attrib", "line", "children", "text")

    def __init__(self, tag, attrib, line):
        self.tag, self.attrib, self.line, self.children, self.text = tag, dict(attrib), line, [], ""

    def find(self, tag):
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag):
        return [c for c in self.children if c.tag == tag]

    def child_text(self, tag):
        node = self.find(tag)
        return None if node is None else node.text.strip()


def parse(ui_text: str) -> Node:
    parser = xml.parsers.expat.ParserCreate()
    stack = [Node("#document", {}, 0)]

    def start(tag, attrib):
        node = Node(tag, attrib, parser.CurrentLineNumber)
        stack[-1].children.append(node)
        stack.append(node)

    def end(_tag):
        stack.pop()

    def chars(data):
        stack[-1].text += data

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, chars
    parser.Parse(ui_text, True)
    return stack[0].children[0]


# ---------------------------------------------------------------------------------------------
# The table, resolved through the base chain.

def ancestors(cls: str) -> list:
    """``cls`` and its bases, nearest first, as far as the table knows them."""
    chain = []
    while cls is not None and cls in CLASSES and cls not in chain:
        chain.append(cls)
        cls = CLASSES[cls]["base"]
    return chain


def properties_of(cls: str) -> dict:
    props = {}
    for c in reversed(ancestors(cls)):
        props.update(CLASSES[c]["properties"])
        props.update(CLASSES[c]["designer_properties"])
    return props


def read_only_of(cls: str) -> set:
    ro = set()
    for c in reversed(ancestors(cls)):
        ro -= set(CLASSES[c]["properties"])  # a subclass may redeclare a property writable
        ro |= set(CLASSES[c]["read_only"])
    return ro


def members_of(cls: str, kind: str) -> set:
    return {sig for c in ancestors(cls) for sig in CLASSES[c][kind]}


def normalise(signature: str):
    """'currentPathChanged(const QString &)' -> ('currentPathChanged', ('QString',)); None if malformed."""
    m = re.fullmatch(r"\s*(\w+)\s*\((.*)\)\s*", signature)
    if not m:
        return None
    args = []
    for arg in filter(None, (a.strip() for a in m.group(2).split(","))):
        arg = re.sub(r"^const\s+", "", arg).replace("&", "")
        args.append(re.sub(r"\s*\*\s*", "*", re.sub(r"\s+", " ", arg)).strip())
    return m.group(1), tuple(args)


def enum_name_scoped(value: str, typ: str) -> str:
    """'QToolButton::ToolButtonPopupMode::InstantPopup' -> 'QToolButton::InstantPopup' for that enum type.

    Qt 6's Designer writes an <enum> value with the enum's own name in the scope (Slicer v5.12.3's
    own qMRMLSliceControllerWidget.ui has 'QToolButton::ToolButtonPopupMode::InstantPopup').
    QUiLoader strips the scope of an <enum> value before looking the key up (fixEnum() in qttools
    src/designer/src/lib/uilib/properties.cpp, read in a Qt 6 copy whose comment dates it to Qt 4.2;
    that Qt 5.15 has it too is from knowledge), so that spelling loads.  A <set> value is not
    stripped, and Qt 5.15's QMetaEnum::keysToValue wants the scope to be the declaring class (from
    knowledge), so flags must be written Scope::Key.
    """
    scope, _, enum = typ.rpartition("::")
    prefix = f"{scope}::{enum}::"
    return f"{scope}::{value[len(prefix):]}" if value.startswith(prefix) else value


def signature_str(name, args) -> str:
    return f"{name}({','.join(args)})"


# ---------------------------------------------------------------------------------------------
# The checker: every finding is one line, prefixed by its area.

def problems(ui_text: str) -> list:
    """All the ways ``ui_text`` (a .ui file's text) disagrees with the table; [] if none."""
    try:
        ui = parse(ui_text)
    except xml.parsers.expat.ExpatError as exc:
        return [f"xml: not well-formed: {exc}"]
    out = []
    if ui.tag != "ui":
        return [f"xml: line {ui.line}: the root element is <{ui.tag}>, not <ui>"]

    # --- <customwidgets>
    customs = {}
    block = ui.find("customwidgets")
    for cw in block.findall("customwidget") if block is not None else []:
        cls, extends, header = cw.child_text("class"), cw.child_text("extends"), cw.child_text("header")
        where = f"customwidget: line {cw.line}: {cls}"
        if cls in customs:
            out.append(f"{where}: declared twice")
        customs[cls] = cw
        if cls not in CLASSES:
            out.append(f"{where}: not a class in the table (no such Qt/CTK/Slicer widget)")
            continue
        entry = CLASSES[cls]
        if not extends:
            out.append(f"{where}: no <extends>")
        elif extends not in ancestors(cls)[1:]:
            out.append(f"{where}: <extends>{extends}</extends> is not a base class of {cls} "
                       f"(its bases: {' > '.join(ancestors(cls)[1:])})")
        elif CLASSES[extends]["kind"] != entry["kind"]:
            out.append(f"{where}: <extends>{extends}</extends> is not a {entry['kind']} class")
        if header != entry["header"]:
            out.append(f"{where}: <header>{header}</header>, the class's header is {entry['header']}")
        container = (cw.child_text("container") or "0") == "1"
        if container != entry["container"]:
            out.append(f"{where}: <container>{int(container)}</container>, but {cls} "
                       f"{'is' if entry['container'] else 'is not'} a container in its designer plugin")
    for cls, cw in customs.items():
        extends = cw.child_text("extends")
        if extends and extends in CLASSES and CLASSES[extends]["origin"] != "Qt" and extends not in customs:
            out.append(f"customwidget: line {cw.line}: {cls} extends {extends}, "
                       f"which has no <customwidget> entry of its own")

    # --- the widget tree
    names = {}      # object name -> (class, line)
    widgets = {}    # widget name -> class

    def register(name, cls, line):
        if not name:
            return
        if name in names:
            out.append(f"name: line {line}: '{name}' is also the name at line {names[name][1]}")
        names[name] = (cls, line)

    def check_property(owner, cls, prop, include_dynamic=False):
        name = prop.attrib.get("name")
        if prop.attrib.get("stdset") == "0" and not include_dynamic:
            return  # a dynamic property (e.g. SlicerParameterName): any name is allowed
        props = properties_of(cls)
        where = f"property: line {prop.line}: {owner}"
        if name not in props:
            out.append(f"{where}: no property '{name}' on {cls} or its bases")
            return
        if name in read_only_of(cls):
            out.append(f"{where}: '{name}' is read-only (no WRITE) on {cls}")
        values = prop.children
        if len(values) != 1:
            out.append(f"{where}: '{name}' has {len(values)} value elements, not 1")
            return
        value, typ = values[0], props[name]
        text = value.text.strip()
        if typ in ENUMS:
            if value.tag != "enum":
                out.append(f"{where}: '{name}' is an enum ({typ}); the value must be <enum>, not <{value.tag}>")
            elif text not in ENUMS[typ] and enum_name_scoped(text, typ) not in ENUMS[typ]:
                out.append(f"{where}: '{text}' is not a value of {typ} for '{name}' "
                           f"(allowed: {', '.join(ENUMS[typ])})")
        elif typ in FLAGS:
            if value.tag not in ("set", "enum"):
                out.append(f"{where}: '{name}' is a flags type ({typ}); the value must be <set>, not <{value.tag}>")
            else:
                for part in filter(None, (p.strip() for p in text.split("|"))):
                    if part not in FLAGS[typ]:
                        out.append(f"{where}: '{part}' is not a flag of {typ} for '{name}' "
                                   f"(allowed: {', '.join(FLAGS[typ])})")
        elif typ in VALUE_ELEMENTS:
            allowed = VALUE_ELEMENTS[typ]
            if "*" not in allowed and value.tag not in allowed:
                out.append(f"{where}: '{name}' is {typ}; the value must be "
                           f"{' or '.join(f'<{a}>' for a in allowed)}, not <{value.tag}>")

    def visit_widget(node, top_level):
        cls, name = node.attrib.get("class"), node.attrib.get("name")
        owner = f"<widget class=\"{cls}\" name=\"{name or ''}\">"
        known = cls in CLASSES and CLASSES[cls]["kind"] == "widget"
        if not known:
            out.append(f"class: line {node.line}: {owner}: '{cls}' is not a widget class in the table")
        else:
            if not CLASSES[cls]["designer"]:
                out.append(f"class: line {node.line}: {owner}: {cls} cannot be instantiated from a .ui "
                           f"(abstract / not a Designer widget)")
            if CLASSES[cls]["origin"] != "Qt" and cls not in customs:
                out.append(f"customwidget: line {node.line}: {owner}: {cls} is a {CLASSES[cls]['origin']} "
                           f"class but the .ui has no <customwidget> entry for it")
        register(name, cls, node.line)
        if name:
            widgets[name] = cls
        has_children = False
        for child in node.children:
            if child.tag == "property":
                if known:
                    check_property(owner, cls, child)
            elif child.tag == "layout":
                has_children = True
                visit_layout(child)
            elif child.tag == "widget":
                has_children = True
                visit_widget(child, False)
            elif child.tag not in ("attribute", "addaction", "zorder", "action", "actiongroup", "row", "column",
                                   "item"):
                out.append(f"xml: line {child.line}: unexpected <{child.tag}> inside {owner}")
        if has_children and known and not top_level and not CLASSES[cls]["container"]:
            out.append(f"class: line {node.line}: {owner}: {cls} is not a container, "
                       f"it cannot hold a layout or child widgets")

    def visit_layout(node):
        cls, name = node.attrib.get("class"), node.attrib.get("name")
        owner = f"<layout class=\"{cls}\" name=\"{name or ''}\">"
        known = cls in CLASSES and CLASSES[cls]["kind"] == "layout"
        if not known:
            out.append(f"layout: line {node.line}: {owner}: '{cls}' is not a layout class in the table")
        elif not CLASSES[cls]["designer"]:
            out.append(f"layout: line {node.line}: {owner}: {cls} cannot be instantiated from a .ui")
        for attr in node.attrib:
            if attr not in LAYOUT_ATTRIBUTES:
                out.append(f"layout: line {node.line}: {owner}: unknown attribute '{attr}'")
        register(name, cls, node.line)
        cells = {}
        for child in node.children:
            if child.tag == "property":
                if known:
                    check_property(owner, cls, child)
                continue
            if child.tag != "item":
                out.append(f"xml: line {child.line}: unexpected <{child.tag}> inside {owner}")
                continue
            for attr in child.attrib:
                if attr not in ITEM_ATTRIBUTES:
                    out.append(f"layout: line {child.line}: <item> in {owner}: unknown attribute '{attr}'")
            if cls in ("QGridLayout", "QFormLayout"):
                try:
                    row, col = int(child.attrib["row"]), int(child.attrib["column"])
                    rows, cols = int(child.attrib.get("rowspan", 1)), int(child.attrib.get("colspan", 1))
                except (KeyError, ValueError):
                    out.append(f"layout: line {child.line}: <item> in {owner} needs integer row and column")
                else:
                    if cls == "QFormLayout" and (col not in (0, 1) or rows != 1):
                        out.append(f"layout: line {child.line}: <item> in {owner}: a form layout has columns "
                                   f"0 (label) and 1 (field) and no row spans")
                    for r in range(row, row + rows):
                        for c in range(col, col + cols):
                            if (r, c) in cells:
                                out.append(f"layout: line {child.line}: <item> in {owner}: cell ({r}, {c}) "
                                           f"is already taken by the item at line {cells[(r, c)]}")
                            cells[(r, c)] = child.line
            contents = [c for c in child.children if c.tag in ("widget", "layout", "spacer")]
            if len(contents) != 1 or len(contents) != len(child.children):
                out.append(f"layout: line {child.line}: <item> in {owner} must hold exactly one "
                           f"<widget>, <layout> or <spacer>")
            for c in contents:
                if c.tag == "widget":
                    visit_widget(c, False)
                elif c.tag == "layout":
                    visit_layout(c)
                else:
                    visit_spacer(c)

    def visit_spacer(node):
        name = node.attrib.get("name")
        register(name, "spacer", node.line)
        for child in node.children:
            if child.tag == "property":
                # uic reads a spacer's properties by name whatever stdset says (Designer writes
                # sizeHint with stdset="0"), so all of them are checked.
                check_property(f"<spacer name=\"{name or ''}\">", "spacer", child, include_dynamic=True)
            else:
                out.append(f"xml: line {child.line}: unexpected <{child.tag}> inside a <spacer>")

    root_widget = ui.find("widget")
    if root_widget is None:
        out.append("xml: the .ui has no top-level <widget>")
    else:
        visit_widget(root_widget, True)
        if ui.child_text("class") is None:
            out.append(f"xml: line {ui.line}: no <class> element naming the form")

    # --- <connections>
    block = ui.find("connections")
    for conn in block.findall("connection") if block is not None else []:
        parts = {k: conn.child_text(k) for k in ("sender", "signal", "receiver", "slot")}
        where = f"connection: line {conn.line}: {parts['sender']}.{parts['signal']} -> " \
                f"{parts['receiver']}.{parts['slot']}"
        if None in parts.values():
            out.append(f"{where}: needs <sender>, <signal>, <receiver> and <slot>")
            continue
        sender_cls, receiver_cls = widgets.get(parts["sender"]), widgets.get(parts["receiver"])
        for role in ("sender", "receiver"):
            if widgets.get(parts[role]) is None:
                out.append(f"{where}: {role} '{parts[role]}' is not the name of a widget in the .ui")
        signal, slot = normalise(parts["signal"]), normalise(parts["slot"])
        if signal is None or slot is None:
            out.append(f"{where}: malformed signature")
            continue
        if sender_cls in CLASSES and signature_str(*signal) not in members_of(sender_cls, "signals"):
            out.append(f"{where}: {sender_cls} (or a base) has no signal {signature_str(*signal)}")
        if receiver_cls in CLASSES:
            callable_ = members_of(receiver_cls, "slots") | members_of(receiver_cls, "signals")
            if signature_str(*slot) not in callable_:
                out.append(f"{where}: {receiver_cls} (or a base) has no slot or signal {signature_str(*slot)}")
        if signal[1][:len(slot[1])] != slot[1]:
            out.append(f"{where}: the slot's arguments {slot[1]} do not match the signal's {signal[1]}")
    return out


def area(found: list, prefix: str) -> list:
    return [p for p in found if p.startswith(prefix + ":")]


# ---------------------------------------------------------------------------------------------
# The real module's .ui

@pytest.fixture(scope="module")
def ui_problems() -> list:
    return problems(UI_PATH.read_text(encoding="utf-8"))


def test_every_widget_and_layout_class_is_in_the_table(ui_problems):
    assert area(ui_problems, "class") + area(ui_problems, "layout") == []


def test_every_custom_widget_is_declared_with_its_real_base_and_header(ui_problems):
    assert area(ui_problems, "customwidget") == []


def test_every_property_exists_and_has_an_allowed_value(ui_problems):
    assert area(ui_problems, "property") == []


def test_every_connection_joins_existing_widgets_signals_and_slots(ui_problems):
    assert area(ui_problems, "connection") == []


def test_the_ui_has_no_problem_at_all(ui_problems):
    assert ui_problems == []


def test_the_real_ui_uses_the_classes_it_is_meant_to():
    """Guard against the checker passing vacuously (e.g. finding no widgets at all)."""
    text = UI_PATH.read_text(encoding="utf-8")
    used = set(re.findall(r'<widget class="(\w+)"', text))
    assert {"qMRMLWidget", "qMRMLNodeComboBox", "ctkCollapsibleButton"} <= used
    assert len(re.findall(r"<connection>", text)) >= 1


# ---------------------------------------------------------------------------------------------
# The checker itself: a small, valid .ui, and copies of it with one defect each.

MINI_UI = """<?xml version="1.0" encoding="UTF-8"?>
<ui version="4.0">
 <class>Mini</class>
 <widget class="qMRMLWidget" name="Mini">
  <layout class="QVBoxLayout" name="mainLayout">
   <item>
    <widget class="ctkCollapsibleButton" name="section">
     <property name="text"><string>Section</string></property>
     <property name="collapsed"><bool>false</bool></property>
     <layout class="QGridLayout" name="grid">
      <property name="leftMargin"><number>0</number></property>
      <item row="0" column="0"><widget class="QLabel" name="label"><property name="alignment"><set>Qt::AlignRight|Qt::AlignVCenter</set></property></widget></item>
      <item row="0" column="1"><widget class="qMRMLNodeComboBox" name="pointsSelector">
        <property name="nodeTypes"><stringlist><string>vtkMRMLMarkupsFiducialNode</string></stringlist></property>
        <property name="noneEnabled"><bool>true</bool></property>
        <property name="sizeAdjustPolicy"><enum>QComboBox::AdjustToMinimumContentsLengthWithIcon</enum></property>
        <property name="SlicerParameterName" stdset="0"><string>points</string></property>
       </widget></item>
      <item row="1" column="0" colspan="2"><widget class="qSlicerMarkupsPlaceWidget" name="placeWidget">
        <property name="placeMultipleMarkups"><enum>qSlicerMarkupsPlaceWidget::ForcePlaceMultipleMarkups</enum></property>
       </widget></item>
      <item row="2" column="1"><widget class="qMRMLSpinBox" name="spinBox">
        <property name="maximum"><double>100.0</double></property>
        <property name="decimalsOption"><set>ctkDoubleSpinBox::DecimalsByKey|ctkDoubleSpinBox::DecimalsByShortcuts</set></property>
        <property name="unitAwareProperties"><set>qMRMLSpinBox::Prefix|qMRMLSpinBox::Suffix</set></property>
       </widget></item>
     </layout>
    </widget>
   </item>
   <item><widget class="QPushButton" name="applyButton"><property name="enabled"><bool>false</bool></property></widget></item>
   <item>
    <spacer name="spacer">
     <property name="orientation"><enum>Qt::Vertical</enum></property>
     <property name="sizeType"><enum>QSizePolicy::Expanding</enum></property>
     <property name="sizeHint" stdset="0"><size><width>20</width><height>40</height></size></property>
    </spacer>
   </item>
  </layout>
 </widget>
 <customwidgets>
  <customwidget><class>ctkCollapsibleButton</class><extends>QWidget</extends><header>ctkCollapsibleButton.h</header><container>1</container></customwidget>
  <customwidget><class>ctkDoubleSpinBox</class><extends>QWidget</extends><header>ctkDoubleSpinBox.h</header></customwidget>
  <customwidget><class>qMRMLSpinBox</class><extends>ctkDoubleSpinBox</extends><header>qMRMLSpinBox.h</header></customwidget>
  <customwidget><class>qMRMLNodeComboBox</class><extends>QWidget</extends><header>qMRMLNodeComboBox.h</header></customwidget>
  <customwidget><class>qMRMLWidget</class><extends>QWidget</extends><header>qMRMLWidget.h</header><container>1</container></customwidget>
  <customwidget><class>qSlicerWidget</class><extends>QWidget</extends><header>qSlicerWidget.h</header><container>1</container></customwidget>
  <customwidget><class>qSlicerMarkupsPlaceWidget</class><extends>qSlicerWidget</extends><header>qSlicerMarkupsPlaceWidget.h</header></customwidget>
 </customwidgets>
 <connections>
  <connection><sender>Mini</sender><signal>mrmlSceneChanged(vtkMRMLScene*)</signal><receiver>pointsSelector</receiver><slot>setMRMLScene(vtkMRMLScene*)</slot></connection>
  <connection><sender>Mini</sender><signal>mrmlSceneChanged(vtkMRMLScene*)</signal><receiver>placeWidget</receiver><slot>setMRMLScene(vtkMRMLScene*)</slot></connection>
  <connection><sender>pointsSelector</sender><signal>currentNodeChanged(vtkMRMLNode*)</signal><receiver>placeWidget</receiver><slot>setCurrentNode(vtkMRMLNode*)</slot></connection>
  <connection><sender>pointsSelector</sender><signal>currentNodeChanged(bool)</signal><receiver>applyButton</receiver><slot>setEnabled(bool)</slot></connection>
  <connection><sender>spinBox</sender><signal>valueChanged(double)</signal><receiver>section</receiver><slot>update()</slot></connection>
 </connections>
</ui>
"""

# (what is wrong, text to replace in MINI_UI, replacement, a fragment the report must contain)
MUTATIONS = [
    ("unknown property", '<property name="collapsed">', '<property name="noSuchProperty">', "noSuchProperty"),
    ("unknown class", 'class="qMRMLSpinBox" name="spinBox"', 'class="ctkNoSuchWidget" name="spinBox"',
     "ctkNoSuchWidget"),
    ("enum value that does not exist", "qSlicerMarkupsPlaceWidget::ForcePlaceMultipleMarkups",
     "qSlicerMarkupsPlaceWidget::ForcePlaceManyMarkups", "ForcePlaceManyMarkups"),
    ("enum value of another enum", "QComboBox::AdjustToMinimumContentsLengthWithIcon",
     "QAbstractScrollArea::AdjustToContents", "QAbstractScrollArea::AdjustToContents"),
    ("flag that does not exist", "Qt::AlignRight|Qt::AlignVCenter", "Qt::AlignRight|Qt::AlignMiddle",
     "Qt::AlignMiddle"),
    ("enum written as a string", "<enum>Qt::Vertical</enum>", "<string>Qt::Vertical</string>", "<enum>"),
    ("value of the wrong kind", "<double>100.0</double>", "<string>100</string>", "'maximum' is double"),
    ("read-only property", '<property name="maximum">', '<property name="cleanText">', "read-only"),
    ("wrong extends", "<class>qSlicerMarkupsPlaceWidget</class><extends>qSlicerWidget</extends>",
     "<class>qSlicerMarkupsPlaceWidget</class><extends>qMRMLWidget</extends>", "not a base class"),
    ("extends a non-widget base", "<class>qMRMLWidget</class><extends>QWidget</extends>",
     "<class>qMRMLWidget</class><extends>QObject</extends>", "is not a widget class"),
    ("wrong header", "<header>qMRMLNodeComboBox.h</header>", "<header>qMRMLNodeSelector.h</header>",
     "qMRMLNodeSelector.h"),
    ("missing customwidget", "<customwidget><class>qMRMLNodeComboBox</class><extends>QWidget</extends>"
     "<header>qMRMLNodeComboBox.h</header></customwidget>", "", "no <customwidget> entry"),
    ("base customwidget missing", "<customwidget><class>qSlicerWidget</class><extends>QWidget</extends>"
     "<header>qSlicerWidget.h</header><container>1</container></customwidget>", "",
     "qSlicerWidget, which has no <customwidget>"),
    ("container flag missing", "<header>ctkCollapsibleButton.h</header><container>1</container>",
     "<header>ctkCollapsibleButton.h</header>", "is a container"),
    ("container flag on a non-container", "<header>ctkDoubleSpinBox.h</header>",
     "<header>ctkDoubleSpinBox.h</header><container>1</container>", "is not a container"),
    ("children in a non-container", '<widget class="QPushButton" name="applyButton">',
     '<widget class="QPushButton" name="applyButton"><layout class="QHBoxLayout" name="inner"/>',
     "not a container"),
    ("abstract class", 'class="QPushButton" name="applyButton"', 'class="QAbstractButton" name="applyButton"',
     "cannot be instantiated"),
    ("unknown signal", "currentNodeChanged(vtkMRMLNode*)", "nodeChanged(vtkMRMLNode*)", "no signal"),
    ("unknown slot", "<slot>setCurrentNode(vtkMRMLNode*)</slot>", "<slot>setNode(vtkMRMLNode*)</slot>",
     "no slot or signal"),
    ("slot arguments that do not match", "<slot>setEnabled(bool)</slot>", "<slot>setWindowTitle(QString)</slot>",
     "do not match"),
    ("unknown receiver", "<receiver>applyButton</receiver>", "<receiver>applyButon</receiver>", "applyButon"),
    ("unknown layout property", '<property name="leftMargin">', '<property name="leftPadding">', "leftPadding"),
    ("unknown layout class", 'class="QGridLayout"', 'class="QTableLayout"', "QTableLayout"),
    ("overlapping grid cells", '<item row="2" column="1">', '<item row="1" column="1">', "already taken"),
    ("unknown spacer property", '<property name="sizeType">', '<property name="policy">', "policy"),
    ("duplicate object name", 'name="applyButton"', 'name="spinBox"', "also the name"),
    ("not well-formed XML", "</customwidgets>", "</customwidget>", "not well-formed"),
]


def test_the_mini_ui_is_valid():
    assert problems(MINI_UI) == []


@pytest.mark.parametrize("old, new, fragment", [m[1:] for m in MUTATIONS], ids=[m[0] for m in MUTATIONS])
def test_the_checker_reports_each_kind_of_defect(old, new, fragment):
    assert MINI_UI.count(old) >= 1
    found = problems(MINI_UI.replace(old, new, 1))
    assert found, "the defect went unreported"
    assert any(fragment in p for p in found), found


def test_enum_values_may_carry_the_enum_name_but_flags_may_not():
    qt6_enum = MINI_UI.replace("<enum>Qt::Vertical</enum>", "<enum>Qt::Orientation::Vertical</enum>")
    assert problems(qt6_enum) == []
    qt6_flags = MINI_UI.replace("Qt::AlignRight|Qt::AlignVCenter", "Qt::AlignmentFlag::AlignRight")
    assert any("Qt::AlignmentFlag::AlignRight" in p for p in problems(qt6_flags))


def test_dynamic_properties_may_have_any_name():
    renamed = MINI_UI.replace('name="SlicerParameterName" stdset="0"', 'name="anyDynamicName" stdset="0"')
    assert problems(renamed) == []


def test_the_checker_fails_on_a_defective_copy_of_the_real_ui():
    text = UI_PATH.read_text(encoding="utf-8")
    # An unknown property on the top-level widget, and an unknown class for the first child widget.
    with_property = re.sub(r"(<widget [^>]*>)", r'\1<property name="noSuchProperty"><bool>true</bool></property>',
                           text, count=1)
    assert any("noSuchProperty" in p for p in problems(with_property))
    second = [m.start(1) for m in re.finditer(r'<widget class="(\w+)"', text)][1]
    end = text.index('"', second)
    with_class = text[:second] + "ctkNoSuchWidget" + text[end:]
    assert any("ctkNoSuchWidget" in p for p in problems(with_class))


def test_the_table_is_consistent():
    """Every base, enum and flags type the table names is itself in the table."""
    for name, entry in CLASSES.items():
        assert entry["base"] is None or entry["base"] in CLASSES, name
        assert entry["origin"] in ("Qt", "CTK", "Slicer"), name
        for prop, typ in {**entry["properties"], **entry["designer_properties"]}.items():
            assert "::" not in typ or typ in ENUMS or typ in FLAGS, (name, prop, typ)
            # A type with no .ui value element must be one a .ui cannot set anyway.
            settable = typ in ENUMS or typ in FLAGS or typ in VALUE_ELEMENTS
            assert settable or typ.endswith("*") or prop in entry["read_only"], (name, prop, typ)
        for sig in entry["signals"] + entry["slots"]:
            assert normalise(sig) is not None and signature_str(*normalise(sig)) == sig, (name, sig)
    for typ, values in {**ENUMS, **FLAGS}.items():
        scope = typ.rsplit("::", 1)[0]
        assert values and all(v.startswith(scope + "::") for v in values), typ
    required = {"QWidget", "QFrame", "QAbstractButton", "QPushButton", "QToolButton", "QCheckBox", "QRadioButton",
                "QLabel", "QLineEdit", "QComboBox", "QAbstractSpinBox", "QSpinBox", "QDoubleSpinBox",
                "QProgressBar", "QGroupBox", "QTextEdit", "ctkCollapsibleButton", "ctkPathLineEdit",
                "ctkDoubleSpinBox", "ctkSliderWidget", "ctkCheckBox", "ctkComboBox", "ctkDirectoryButton",
                "ctkCheckablePushButton", "qMRMLWidget", "qSlicerWidget", "qMRMLNodeComboBox",
                "qMRMLSegmentSelectorWidget", "qSlicerMarkupsPlaceWidget", "qMRMLSliderWidget", "qMRMLSpinBox",
                "QVBoxLayout", "QFormLayout", "QGridLayout", "QHBoxLayout", "spacer"}
    assert required <= set(CLASSES)
