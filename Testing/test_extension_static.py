"""Static checks of the Slicer extension: CMake lists, .ui widget names, metadata agreement, no Qt in Lib."""
import ast
import json
import re
import struct
import xml.etree.ElementTree as ET

import pytest

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
    assert desc["scm"] == catalog.get("scm_type", "git") == "git"
    assert desc["scmurl"] == catalog["scm_url"] and desc["scmrevision"] == catalog["scm_revision"]
    assert desc["build_subdirectory"] == catalog.get("build_subdirectory", ".")
    assert int(desc["tier"]) == catalog["tier"]
    assert catalog["scm_url"] in (cmake["homepage"], cmake["homepage"] + ".git")
    assert catalog["build_dependencies"] == ([] if cmake["depends"] == "NA" else cmake["depends"].split())
    assert {"$schema", "category", "scm_url", "scm_revision", "tier"} <= set(catalog)
    assert "Resources/Icons/RRLSRN.png" in cmake["iconurl"]
    top = (REPO / "CMakeLists.txt").read_text()
    for needed in ("find_package(Slicer REQUIRED)", "add_subdirectory(RRLSRNExtension/RRLSRN)",
                   "Slicer_EXTENSION_CPACK"):
        assert needed in top
    assert (REPO / "LICENSE").read_text().startswith("Apache License")


def test_icon_is_a_128_png():
    path = MODULE / "Resources" / "Icons" / "RRLSRN.png"
    assert png_size(path) == (128, 128)
    assert catalog_image_paths()["iconurl"] == [path.relative_to(REPO).as_posix()]


# ---------------------------------------------------------------------------------------------
# Catalog (Slicer ExtensionsIndex) checks. The index has read only ``<Name>.json`` catalog entries
# since Slicer commit 437e33804d (2024, "Switch extension index entry format from s4ext to json");
# the build system still writes a .s4ext into each package, so RRLSRN.s4ext mirrors CMake and the
# JSON. Facts below were read from these sources (path @ revision):
#   Slicer/Slicer @ 583e9b37d50e (main), v5.12.3 @ 9034c71a8fce, v5.10.0 @ a2b6d082be04
#     Utilities/Templates/Extensions/Default/CMakeLists.txt: main and v5.12.3 say
#       cmake_minimum_required(VERSION 3.28.0...3.28.0 FATAL_ERROR) (78f7d6b542, "Raise minimum CMake
#       version floor to 3.28"); v5.10.0 still said 3.20.6...3.22.6
#     Schemas/slicer-extension-catalog-entry-schema-v1.0.1.json, -v1.0.2.json: the rules in CATALOG_SCHEMA
#   Slicer/ExtensionsIndex @ 07f1d1b2781c (main)
#     scripts/check_description_files.py: ACCEPTED_EXTENSION_CATEGORIES (CATALOG_CATEGORIES below); the
#       entry is validated against the schema its "$schema" names; project() must equal the file name;
#       the git repository name starts with "Slicer", the extension name does not; scm_url is https or
#       git; a LICENSE file; icon and screenshot URLs must download as images
#     .pre-commit-config.yaml: every entry is also checked against schemas/...-v1.0.2.json; prettier
#       with multilineArraysWrapThreshold 0 (.prettierrc.js): one array item a line
#     TotalSegmentator.json, NNUNet.json, MONAIAuto3DSeg.json: a runtime need of the PyTorch extension
#       is listed in "build_dependencies" (["PyTorch", ...]), as their CMake EXTENSION_DEPENDS does
TEMPLATE_CMAKE_FLOOR = "3.28.0...3.28.0"
RAW_URL = "https://raw.githubusercontent.com/rrlsrn/SlicerRRLSRN/main/"
SCHEMA_URL = ("https://raw.githubusercontent.com/Slicer/Slicer/main/Schemas/"
              "slicer-extension-catalog-entry-schema-{}.json#")
# JSON-schema rules of the catalog entry (draft-07): property → (JSON type, allowed values or range).
_V101 = {"$schema": ("string", None), "category": ("string", None), "scm_url": ("string", None),
         "scm_revision": ("string", None), "scm_type": ("string", {"git", "local"}),
         "build_dependencies": ("array of string", None), "build_subdirectory": ("string", None),
         "enabled": ("boolean", None), "tier": ("integer", range(1, 6))}
CATALOG_SCHEMA = {  # version → (required keys, properties); additionalProperties is false in both
    "v1.0.1": ({"$schema", "category", "scm_url"}, _V101),
    "v1.0.2": ({"$schema", "category", "scm_url"}, {**_V101, "dicom_support_rule": ("string", None)}),
}
CATALOG_CATEGORIES = {
    "Active Learning", "Analysis", "Auto3dgm", "BigImage", "Cardiac", "Chest Imaging Platform", "Conda",
    "Converters", "DICOM", "DSCI", "Developer Tools", "Diffusion", "Examples", "Exporter", "FTV Segmentation",
    "Filtering", "Filtering.Morphology", "Filtering.Vesselness", "Holographic Display", "Image Synthesis",
    "IGT", "Informatics", "Netstim", "Neuroimaging", "Nuclear Medicine", "Orthodontics",
    "Osteotomy Planning", "Otolaryngology", "Photogrammetry", "Pipelines", "Planning", "Printing",
    "Quantification", "Radiotherapy", "Registration", "Remote", "Rendering", "SPHARM", "Segmentation",
    "Sequences", "Shape Analysis", "Shape Regression", "Shape Visualization", "Simulation", "SlicerCMF",
    "SlicerMorph", "Spectral Imaging", "Supervisely", "Surface Models", "SurfaceLearner",
    "Tomographic Reconstruction", "Tracking", "Tractography", "Training", "Ultrasound", "Utilities",
    "Vascular Modeling Toolkit", "Virtual Reality", "VisSimTools", "Web System Tools", "Wizards",
}


def schema_errors(entry, version: str) -> list[str]:
    """What in a catalog entry breaks the rules of CATALOG_SCHEMA[version] (empty: valid)."""
    required, properties = CATALOG_SCHEMA[version]
    if not isinstance(entry, dict):
        return ["the entry is not a JSON object"]
    errors = [f"{key!r} is required" for key in sorted(required - set(entry))]
    errors += [f"{key!r} is not allowed (additionalProperties is false)"
               for key in sorted(set(entry) - set(properties))]
    checks = {"string": lambda v: isinstance(v, str), "boolean": lambda v: isinstance(v, bool),
              "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
              "array of string": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v)}
    for key, value in entry.items():
        if key in properties:
            kind, allowed = properties[key]
            if not checks[kind](value):
                errors.append(f"{key!r} must be {kind}, not {value!r}")
            elif allowed is not None and value not in allowed:
                shown = sorted(allowed) if isinstance(allowed, set) else allowed
                errors.append(f"{key!r} is {value!r}, not one of {shown}")
    return errors


def tracked_files() -> set:
    import subprocess

    try:
        listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the catalog URLs are checked against `git ls-files`")
    return set(listed.decode().split("\0")) - {""}


def catalog_image_paths() -> dict:
    """Repository paths of the icon and screenshot URLs of CMake (the s4ext must say the same)."""
    cmake = cmake_metadata()
    paths = {}
    for key in ("iconurl", "screenshoturls"):
        urls = cmake[key].split()
        assert urls and all(u.startswith(RAW_URL) for u in urls), f"{key}: {urls} not under {RAW_URL}"
        paths[key] = [u[len(RAW_URL):] for u in urls]
    return paths


def png_size(path) -> tuple:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_catalog_entry_is_valid_against_the_index_schema():
    text = (REPO / "RRLSRN.json").read_text(encoding="utf-8")
    entry = json.loads(text)
    named = next((v for v in CATALOG_SCHEMA if entry.get("$schema") == SCHEMA_URL.format(v)), None)
    assert named, f"$schema {entry.get('$schema')!r} names no known catalog schema"
    for version in CATALOG_SCHEMA:  # the one it names, and the index's pre-commit's v1.0.2
        assert schema_errors(entry, version) == [], version
    assert "\r" not in text and text == json.dumps(entry, indent=2, ensure_ascii=False) + "\n"  # LF, prettier


def test_catalog_schema_rules_reject_what_the_index_rejects():
    good = {"$schema": SCHEMA_URL.format("v1.0.1"), "category": "Filtering", "scm_url": "https://x/y.git"}
    assert schema_errors(good, "v1.0.1") == []
    for bad in ({k: v for k, v in good.items() if k != "category"}, {**good, "depends": ["PyTorch"]},
                {**good, "tier": 6}, {**good, "tier": True}, {**good, "build_dependencies": "PyTorch"},
                {**good, "scm_type": "svn"}, {**good, "enabled": 1}, {**good, "dicom_support_rule": "x"}):
        assert schema_errors(bad, "v1.0.1"), bad
    assert schema_errors({**good, "dicom_support_rule": "Modality == 'MR'"}, "v1.0.2") == []


def test_catalog_category_is_one_the_index_accepts():
    catalog = json.loads((REPO / "RRLSRN.json").read_text())
    assert catalog["category"] in CATALOG_CATEGORIES
    module_category = re.search(r'self\.parent\.categories = \[translate\("qSlicerAbstractCoreModule", "([^"]+)"\)\]',
                                (MODULE / "RRLSRN.py").read_text())
    assert module_category and module_category.group(1) == catalog["category"]  # where the module shows up


def test_extension_depends_on_the_pytorch_extension():
    cmake, desc = cmake_metadata(), s4ext()
    catalog = json.loads((REPO / "RRLSRN.json").read_text())
    assert "PyTorch" in cmake["depends"].split() and "PyTorch" in desc["depends"].split()
    assert "PyTorch" in catalog["build_dependencies"]


def test_every_catalog_image_url_is_a_tracked_png():
    tracked = tracked_files()
    paths = catalog_image_paths()
    assert s4ext()["iconurl"].split() == [RAW_URL + p for p in paths["iconurl"]]
    assert s4ext()["screenshoturls"].split() == [RAW_URL + p for p in paths["screenshoturls"]]
    for path in paths["iconurl"] + paths["screenshoturls"]:
        assert (REPO / path).is_file(), f"{path} is missing"
        assert path in tracked, f"{path} is not tracked by git (the raw URL would 404)"
        png_size(REPO / path)


def test_screenshot_is_the_modules_result_figure():
    (path,) = catalog_image_paths()["screenshoturls"]
    assert path == "docs/figures/slicer_result.png"
    width, height = png_size(REPO / path)
    assert width >= 1000 and height >= 600 and (REPO / path).stat().st_size <= 420 * 1024
    script = (REPO / path).with_suffix(".py").read_text()
    assert "RRLSRNLogic" in script and "create_brain_mask" in script and "super_resolve" in script


def test_cmake_floor_is_the_extension_templates():
    floor = re.search(r"cmake_minimum_required\(VERSION ([\d.]+(?:\.\.\.[\d.]+)?) FATAL_ERROR\)",
                      (REPO / "CMakeLists.txt").read_text())
    assert floor and floor.group(1) == TEMPLATE_CMAKE_FLOOR


def test_catalog_entry_passes_the_index_offline_checks():
    catalog = json.loads((REPO / "RRLSRN.json").read_text())
    project = re.search(r"^project\((\w+)", (REPO / "CMakeLists.txt").read_text(), re.M)
    assert project and project.group(1) == "RRLSRN"  # the entry's file name is RRLSRN.json
    assert not project.group(1).lower().startswith("slicer")
    assert catalog["scm_url"].split("://")[0] in ("https", "git")
    repository = catalog["scm_url"].rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
    assert repository.startswith("Slicer")
    assert (REPO / "LICENSE").is_file()


def test_every_core_module_is_bundled_and_packaged():
    """The Slicer package bundles the core through RRLSRNCore/CMakeLists.txt's globs and pip installs
    pyproject's packages: a module or subpackage left out of either is missing there."""
    import fnmatch

    tomllib = pytest.importorskip("tomllib", reason="tomllib is Python 3.11+")

    core = REPO / "RRLSRNCore"
    text = (core / "CMakeLists.txt").read_text()
    globs = re.search(r"file\(GLOB RRLSRN_CORE_SCRIPTS RELATIVE \S+ ([^)]*)\)", text).group(1).split()
    modules = [p.relative_to(core).as_posix() for p in (core / "rrlsrn").rglob("*.py")]
    assert all(any(fnmatch.fnmatch(m, g) and m.count("/") == g.count("/") for g in globs) for m in modules), modules
    packages = tomllib.loads((core / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    folders = {p.parent.relative_to(core).as_posix().replace("/", ".") for p in (core / "rrlsrn").rglob("__init__.py")}
    assert folders == set(packages)
