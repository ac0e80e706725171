"""Rules of desktop 3D Slicer that the module file (RRLSRN.py, which needs Qt and cannot run here)
must follow, checked on its source: what each rule prevents is said in its test."""
import ast

from conftest import REPO

MODULE_FILE = REPO / "RRLSRNExtension" / "RRLSRN" / "RRLSRN.py"


def tree() -> ast.Module:
    return ast.parse(MODULE_FILE.read_text())


def calls_in(node: ast.AST) -> set[str]:
    """Names of the functions/methods called anywhere inside ``node`` (``a.b.c()`` → "c")."""
    found = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Call):
            f = n.func
            found.add(f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else "")
    return found


def busy_cursor_blocks(node: ast.AST):
    """``with`` blocks that show the busy cursor: WaitCursor() or tryWithErrorDisplay(..., waitCursor=True)."""
    for n in ast.walk(node):
        if isinstance(n, ast.With):
            for item in n.items:
                call = item.context_expr
                if not isinstance(call, ast.Call):
                    continue
                name = calls_in(call.func) | {getattr(call.func, "attr", getattr(call.func, "id", ""))}
                wait = any(k.arg == "waitCursor" and getattr(k.value, "value", False) is True for k in call.keywords)
                if "WaitCursor" in name or ("tryWithErrorDisplay" in name and wait):
                    yield n


def widget_methods(module: ast.Module) -> dict[str, ast.FunctionDef]:
    cls = next(n for n in module.body if isinstance(n, ast.ClassDef) and n.name == "RRLSRNWidget")
    return {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef)}


def reaches(method: str, target: str, methods: dict, seen=None) -> bool:
    """Whether ``method`` calls ``target``, directly or through other Widget methods."""
    seen = seen or set()
    if method in seen or method not in methods:
        return False
    seen.add(method)
    called = calls_in(methods[method])
    return target in called or any(reaches(m, target, methods, seen) for m in called & set(methods))


def questions_under_a_busy_cursor(module: ast.Module) -> list[str]:
    methods = widget_methods(module)
    bad = []
    for name, method in methods.items():
        for block in busy_cursor_blocks(method):
            called = set().union(*(calls_in(s) for s in block.body))
            if "confirmOkCancelDisplay" in called or any(reaches(m, "confirmOkCancelDisplay", methods)
                                                         for m in called & set(methods)):
                bad.append(name)
    return bad


def test_no_question_is_asked_under_a_busy_cursor():
    """An OK/Cancel dialog under the wait cursor looks frozen: ask first, then show the cursor."""
    assert questions_under_a_busy_cursor(tree()) == []


def test_the_busy_cursor_check_finds_the_old_defect():
    old = ast.parse('''
class RRLSRNWidget:
    def onApply(self):
        with slicer.util.tryWithErrorDisplay("x", waitCursor=True):
            if not self._ensure():
                return
    def _ensure(self):
        return slicer.util.confirmOkCancelDisplay("install?")
''')
    assert questions_under_a_busy_cursor(old) == ["onApply"]


def test_torch_is_never_imported_in_slicers_process():
    """Importing torch (and initialising CUDA) in the GUI process costs seconds at every start and
    can crash Slicer on a broken driver; devices are probed in a child process."""
    for node in ast.walk(tree()):
        if isinstance(node, ast.Import):
            assert not any(a.name.split(".")[0] == "torch" for a in node.names)
        if isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] != "torch"


def test_parameter_node_comes_from_the_modules_logic():
    """ScriptedLoadableModuleLogic().getParameterNode() names the node "ScriptedLoadableModule"."""
    assert "ScriptedLoadableModuleLogic" not in calls_in(tree())
    init = widget_methods(tree())["initializeParameterNode"]
    assert "getParameterNode" in calls_in(init)


def module_dependencies() -> list[str]:
    for node in ast.walk(tree()):
        if (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Attribute)
                and node.targets[0].attr == "dependencies"):
            return [e.value for e in node.value.elts]
    raise AssertionError("no self.parent.dependencies")


def test_modules_the_panel_uses_are_loaded_first():
    """The parameter node's types (vtkMRMLMarkupsFiducialNode, vtkMRMLSegmentationNode) and the
    Segment Editor button need these modules loaded before this one."""
    assert {"Markups", "Segmentations", "SegmentEditor"} <= set(module_dependencies())


def test_self_test_crops_on_the_scans_own_voxels_and_drives_the_panel():
    """A CropVolume that is not voxel-based resamples (interpolates) the test input; the self-test
    must also press the panel's buttons, the one check that needs real Qt."""
    source = MODULE_FILE.read_text()
    test = next(n for n in tree().body if isinstance(n, ast.ClassDef) and n.name == "RRLSRNTest")
    called = calls_in(test)
    assert "SetVoxelBased" in called and "SetVoxelBased(True)" in source
    assert {"selectModule", "widgetRepresentation", "click"} <= called
    assert "_parameterNodeGuiTag" in ast.unparse(test)


def ui_classes() -> dict[str, str]:
    """.ui widget name → class."""
    import xml.etree.ElementTree as ET

    ui = REPO / "RRLSRNExtension" / "RRLSRN" / "Resources" / "UI" / "RRLSRN.ui"
    return {w.get("name"): w.get("class") for w in ET.parse(ui).iter("widget") if w.get("name")}


def qt_usage_problems(source: str) -> list[str]:
    """Signals the code connects (``self.ui.X.connect("sig(...)", ...)``) and properties it assigns
    (``self.ui.X.prop = ...``) that the widget's class lacks, per slicer_designer_classes."""
    from test_slicer_ui import members_of, normalise, properties_of, read_only_of

    classes, problems = ui_classes(), []

    def widget_of(node) -> str | None:  # self.ui.<name>
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
                and node.value.attr == "ui" and isinstance(node.value.value, ast.Name)):
            return node.attr
        return None

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "connect":
            name = widget_of(node.func.value)
            if name and node.args and isinstance(node.args[0], ast.Constant):
                signal = normalise(node.args[0].value)
                known = {normalise(s) for s in members_of(classes.get(name, "?"), "signals")}
                if signal not in known:
                    problems.append(f"{name} ({classes.get(name)}) has no signal {node.args[0].value}")
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                name = widget_of(target.value) if isinstance(target, ast.Attribute) else None
                if name:
                    cls = classes.get(name, "?")
                    if target.attr not in properties_of(cls):
                        problems.append(f"{name} ({cls}) has no property {target.attr}")
                    elif target.attr in read_only_of(cls):
                        problems.append(f"{name} ({cls}): {target.attr} is read-only")
    return problems


def test_signals_connected_and_properties_set_in_code_exist():
    """PythonQt turns a misspelt signal or property into an error only when that line runs in Slicer."""
    assert qt_usage_problems(MODULE_FILE.read_text()) == []


def test_the_qt_usage_check_catches_slips():
    slips = ('self.ui.applyButton.connect("clickd(bool)", f)\nself.ui.progressBar.valu = 3\n'
             'self.ui.segmentSelector.connect("currentNodeChanged(vtkMRMLNode*)", g)\n')
    assert len(qt_usage_problems(slips)) == 2
