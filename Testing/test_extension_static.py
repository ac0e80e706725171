"""Static checks of the Slicer extension: CMake lists, .ui widget names, metadata agreement, no Qt in Lib."""
import ast
import json
import re
import struct
import xml.etree.ElementTree as ET

from conftest import REPO

MODULE = REPO / "RRLSRNExtension" / "RRLSRN"


def cmake_metadata() -> dict:
    text = (REPO / "CMakeLists.txt").read_text()
    return {k.lower(): v for k, v in re.findall(r'set\(EXTENSION_(\w+) "([^"]*)"\)', text)}


def s4ext() -> dict:
    entries = {}
    for line in (REPO / "RRLSRN.s4ext").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition(" ")
            entries[key] = value.strip()
    return entries


def test_every_script_and_resource_is_listed_in_the_module_cmake():
    text = (MODULE / "CMakeLists.txt").read_text().replace("${MODULE_NAME}", "RRLSRN")
    listed = set(re.findall(r"^\s+([\w/.]+\.(?:py|ui|png))\s*$", text, re.M))
    on_disk = {p.relative_to(MODULE).as_posix() for p in MODULE.rglob("*")
               if p.suffix in (".py", ".ui", ".png") and "__pycache__" not in p.parts and "Testing" not in p.parts}
    assert listed == on_disk
    assert "WITH_GENERIC_TESTS" in text and "slicer_add_python_unittest" in text


def ui_widgets() -> dict:
    tree = ET.parse(MODULE / "Resources" / "UI" / "RRLSRN.ui")
    return {w.get("name"): w for w in tree.iter("widget") if w.get("name")}


def test_every_widget_the_code_uses_exists_in_the_ui():
    used = set(re.findall(r"self\.ui\.(\w+)", (MODULE / "RRLSRN.py").read_text()))
    assert used and used <= set(ui_widgets()), used - set(ui_widgets())


def test_ui_parameter_names_are_parameter_node_fields():
    tree = ast.parse((MODULE / "RRLSRN.py").read_text())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "RRLSRNParameterNode")
    fields = {n.target.id for n in cls.body if isinstance(n, ast.AnnAssign)}
    bound = {p.find("string").text for w in ui_widgets().values() for p in w.findall("property")
             if p.get("name") == "SlicerParameterName"}
    assert bound and bound <= fields, bound - fields


def test_module_file_follows_the_template_and_lib_is_qt_free():
    tree = ast.parse((MODULE / "RRLSRN.py").read_text())
    classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    assert {"RRLSRN", "RRLSRNWidget", "RRLSRNTest", "RRLSRNParameterNode"} == classes
    for path in (MODULE / "RRLSRNLib").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] in ("qt", "ctk", "PythonQt") or "ScriptedLoadableModule" in n
                           for n in names), f"{path.name} imports {names}"


def test_s4ext_json_and_cmake_metadata_agree():
    cmake, desc = cmake_metadata(), s4ext()
    catalog = json.loads((REPO / "RRLSRN.json").read_text())
    assert desc["category"] == cmake["category"] == catalog["category"]
    assert desc["homepage"] == cmake["homepage"]
    assert desc["description"] == cmake["description"]
    assert desc["iconurl"] == cmake["iconurl"] and desc["screenshoturls"] == cmake["screenshoturls"]
    assert desc["depends"] == cmake["depends"]
    assert desc["contributors"] == cmake["contributors"]
    assert desc["scmurl"] == catalog["scm_url"] and desc["scmrevision"] == catalog["scm_revision"]
    assert catalog["build_dependencies"] == ([] if cmake["depends"] == "NA" else cmake["depends"].split())
    assert {"$schema", "category", "scm_url", "scm_revision", "tier"} <= set(catalog)
    assert "Resources/Icons/RRLSRN.png" in cmake["iconurl"]
    top = (REPO / "CMakeLists.txt").read_text()
    for needed in ("find_package(Slicer REQUIRED)", "add_subdirectory(RRLSRNExtension/RRLSRN)",
                   "Slicer_EXTENSION_CPACK"):
        assert needed in top
    assert (REPO / "LICENSE").read_text().startswith("Apache License")


def test_icon_is_a_128_png():
    data = (MODULE / "Resources" / "Icons" / "RRLSRN.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (128, 128)
